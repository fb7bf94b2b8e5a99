// CSV sample files: header row, then problem_id,sample_index,text[,finish_reason,num_tokens]
// (columns found by name; --id-field / --text-field / --index-field rename them).
#include <map>

#include "core/error.h"
#include "core/jsonl.h"
#include "core/strings.h"
#include "eval/formats_internal.h"

namespace upt::eval::formats {

bool CsvRecordOpen(const std::string& partial) {
  bool in_quotes = false;
  for (char ch : partial)
    if (ch == '"') in_quotes = !in_quotes;
  return in_quotes;
}

bool SplitCsvRecord(const std::string& record, std::vector<std::string>* fields) {
  fields->clear();
  std::string cur;
  bool in_quotes = false, quoted = false;
  for (size_t i = 0; i < record.size(); ++i) {
    char ch = record[i];
    if (in_quotes) {
      if (ch == '"') {
        if (i + 1 < record.size() && record[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        cur += ch;
      }
    } else if (ch == '"' && (cur.empty() && !quoted)) {
      in_quotes = quoted = true;
    } else if (ch == ',') {
      fields->push_back(std::move(cur));
      cur.clear();
      quoted = false;
    } else {
      cur += ch;
    }
  }
  fields->push_back(std::move(cur));
  return !in_quotes;
}

namespace {

class CsvSampleReader : public SampleReader {
 public:
  CsvSampleReader(const std::string& path, const FieldMap& fields) : lines_(path) {
    std::string header;
    long line = 0;
    if (!NextRecord(&header, &line)) throw Error("empty CSV file", path, "the first row must name the columns");
    std::vector<std::string> names;
    SplitCsvRecord(header, &names);
    std::map<std::string, int> col;
    for (size_t i = 0; i < names.size(); ++i) col[std::string(Trim(names[i]))] = static_cast<int>(i);
    auto find = [&](const std::string& mapped, std::initializer_list<const char*> defaults, bool required) {
      if (!mapped.empty()) {
        auto it = col.find(mapped);
        if (it == col.end())
          throw Error("no column '" + mapped + "'", Where(path, 1), "columns are: " + Join(names, ", "));
        return it->second;
      }
      for (const char* d : defaults)
        if (col.count(d)) return col[d];
      if (required)
        throw Error(std::string("no column '") + *defaults.begin() + "'", Where(path, 1),
                    "name the columns problem_id,sample_index,text or map them with --id-field/--text-field");
      return -1;
    };
    id_ = find(fields.id_field, {"problem_id", "id"}, true);
    text_ = find(fields.text_field, {"text", "response", "completion"}, true);
    index_ = find(fields.index_field, {"sample_index"}, false);
    finish_ = find("", {"finish_reason"}, false);
    tokens_ = find("", {"num_tokens"}, false);
  }

  bool ReadBatch(std::vector<RawRecord>* out, size_t max) override {
    size_t start = out->size();
    std::string rec;
    long line = 0;
    while (out->size() - start < max && NextRecord(&rec, &line)) {
      if (Trim(rec).empty()) continue;
      out->push_back({line, std::move(rec)});
      rec.clear();
    }
    return out->size() > start;
  }

  void Parse(const RawRecord& rec, ParsedRecord* out) const override {
    out->samples.clear();
    out->error.clear();
    std::vector<std::string> f;
    if (!SplitCsvRecord(rec.text, &f)) {
      out->error = "unterminated quoted field";
      return;
    }
    auto need = std::max({id_, text_, index_, finish_, tokens_});
    if (static_cast<int>(f.size()) <= need) {
      out->error = "expected at least " + std::to_string(need + 1) + " columns, got " + std::to_string(f.size());
      return;
    }
    RawSample s;
    s.id = f[id_];
    s.text = f[text_];
    if (index_ >= 0 && !Trim(f[index_]).empty()) {
      if (!ParseInt64(Trim(f[index_]), &s.sample_index) || s.sample_index < 0) {
        out->error = "column sample_index must be a non-negative integer";
        return;
      }
    }
    if (finish_ >= 0) s.finish_reason = f[finish_];
    if (tokens_ >= 0 && !Trim(f[tokens_]).empty() && !ParseInt64(Trim(f[tokens_]), &s.num_tokens)) {
      out->error = "column num_tokens must be an integer";
      return;
    }
    out->samples.push_back(std::move(s));
  }
  long long bytes_read() const override { return lines_.bytes_read(); }

 private:
  // One logical record (quoted fields may span lines); *line = its first line.
  // Quote parity is tracked per appended line (linear time); a record that is
  // still open after kMaxRecordBytes is returned as is (and reported as an
  // unterminated field) so a stray quote cannot swallow the whole file.
  bool NextRecord(std::string* rec, long* line) {
    static constexpr size_t kMaxRecordBytes = size_t{16} << 20;
    std::string part;
    if (!lines_.Next(&part)) return false;
    *line = lines_.line_number();
    *rec = std::move(part);
    bool open = CsvRecordOpen(*rec);
    while (open && rec->size() < kMaxRecordBytes && lines_.Next(&part)) {
      *rec += '\n';
      *rec += part;
      open ^= CsvRecordOpen(part);
    }
    return true;
  }

  LineReader lines_;
  int id_ = -1, text_ = -1, index_ = -1, finish_ = -1, tokens_ = -1;
};

}  // namespace

std::unique_ptr<SampleReader> OpenCsv(const std::string& path, const FieldMap& fields) {
  return std::make_unique<CsvSampleReader>(path, fields);
}

}  // namespace upt::eval::formats
