// Sample files in Parquet: verl's generation output (main_generation: the
// dataset's columns plus `responses`, a list of completions per prompt). Rows
// are read a row group at a time and become records numbered from 1; a record's
// samples are its responses in order, matched to problems by the prompt's user
// message (or by --id-field). --text-field names another completions column.
#include "core/error.h"
#include "datasets/parquet/reader.h"
#include "eval/formats_internal.h"

namespace upt::eval::formats {
namespace {

class ParquetSampleReader : public SampleReader {
 public:
  ParquetSampleReader(const std::string& path, const FieldMap& fields) : file_(path), fields_(fields) {}

  bool ReadBatch(std::vector<RawRecord>* out, size_t max) override {
    size_t before = out->size();
    while (out->size() - before < max) {
      if (next_ >= rows_.size()) {
        if (group_ >= file_.num_row_groups()) break;
        rows_ = file_.ReadRowGroup(group_++);
        next_ = 0;
        continue;
      }
      std::string text = DumpLine(rows_[next_++]);
      bytes_ += static_cast<long long>(text.size());
      out->push_back({++row_, std::move(text)});
    }
    return out->size() > before;
  }

  void Parse(const RawRecord& rec, ParsedRecord* out) const override {
    Json j = Json::parse(rec.text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      out->error = "row is not an object";
      return;
    }
    std::string id_text;
    if (!fields_.id_field.empty()) {
      const Json* id = GetPath(j, fields_.id_field);
      if (id && id->is_string()) id_text = id->get<std::string>();
      else if (id && id->is_number_integer()) id_text = id->dump();
    }
    std::string prompt = PromptText(j);
    const std::string col = fields_.text_field.empty() ? "responses" : fields_.text_field;
    const Json* texts = GetPath(j, col);
    if (!texts || texts->is_null()) {
      out->error = "missing field '" + col + "'";
      return;
    }
    std::vector<std::string> list;
    if (texts->is_string()) list.push_back(texts->get<std::string>());
    else if (texts->is_array())
      for (const auto& t : *texts) list.push_back(t.is_string() ? t.get<std::string>() : std::string());
    else {
      out->error = "field '" + col + "' must be a string or a list of strings";
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      RawSample s;
      s.id = id_text;
      s.prompt = prompt;
      s.text = std::move(list[i]);
      out->samples.push_back(std::move(s));
    }
  }

  long long bytes_read() const override { return bytes_; }

 private:
  // The user turn of verl's `prompt` messages, or `prompt` itself when a string.
  static std::string PromptText(const Json& row) {
    auto it = row.find("prompt");
    if (it == row.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_array())
      for (const auto& m : *it)
        if (m.is_object() && m.value("role", "") == "user" && m.contains("content") && m["content"].is_string())
          return m["content"].get<std::string>();
    return {};
  }

  datasets::parquet::ParquetFile file_;
  FieldMap fields_;
  size_t group_ = 0, next_ = 0;
  std::vector<Json> rows_;
  long row_ = 0;
  long long bytes_ = 0;
};

}  // namespace

std::unique_ptr<SampleReader> OpenParquet(const std::string& path, const FieldMap& fields) {
  return std::make_unique<ParquetSampleReader>(path, fields);
}

}  // namespace upt::eval::formats
