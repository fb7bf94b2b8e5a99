// CSV import with fast-cpp-csv-parser: a header row, RFC-4180 double-quote
// escaping, cells kept verbatim (no trimming), one record per physical line
// (the parser does not support newlines inside quoted cells).
#define CSV_IO_NO_THREAD
#include <limits>  // libfccp/csv.h uses std::numeric_limits without including it

#include <libfccp/csv.h>

#include "core/error.h"
#include "core/strings.h"
#include "datasets/collector.h"
#include "datasets/load.h"

namespace upt::datasets {
namespace {

using detail::Collector;
using detail::RawRow;

using CsvReader = io::CSVReader<4, io::trim_chars<>, io::double_quote_escape<',', '"'>>;

// Splits on a (possibly multi-character) separator; pieces are trimmed.
std::vector<std::string> SplitOn(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t at = s.find(sep, pos);
    out.emplace_back(Trim(s.substr(pos, at == std::string::npos ? std::string::npos : at - pos)));
    if (at == std::string::npos) break;
    pos = at + sep.size();
  }
  return out;
}

// Choices cell: a JSON array of strings, or text split by opts.choices_sep.
bool ParseChoicesCell(Collector& c, const std::string& cell, const LoadOptions& opts, long line,
                      std::vector<std::string>* out) {
  if (!opts.choices_sep.empty()) {
    *out = SplitOn(cell, opts.choices_sep);
    return true;
  }
  Json j = Json::parse(cell, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_array()) {
    c.Bad(BadLineKind::kWrongType, line, opts.choices_col, "choices cell is not a JSON array of strings",
          "write the cell as [\"opt A\", \"opt B\"] (CSV-quoted), or pass --choices-sep '|'");
    return false;
  }
  for (const auto& e : j) {
    if (!e.is_string()) {
      c.Bad(BadLineKind::kWrongType, line, opts.choices_col, std::string("choices must be strings, got ") + e.type_name(),
            "quote every option inside the JSON array");
      return false;
    }
    out->push_back(e.get<std::string>());
  }
  return true;
}

std::string HeaderColumns(std::string_view bytes) {
  auto nl = bytes.find('\n');
  return std::string(Trim(bytes.substr(0, nl)));
}

}  // namespace

Benchmark ParseCsv(std::string_view bytes, const std::string& source, const LoadOptions& opts, LoadReport* report) {
  LoadReport local;
  if (!report) report = &local;
  Collector c(source, opts, report);
  std::string stem = opts.name.empty() ? detail::StemOf(source) : opts.name;
  if (StartsWith(bytes, "\xEF\xBB\xBF")) bytes.remove_prefix(3);  // UTF-8 byte-order mark (Excel exports)
  CsvReader reader(source, bytes.data(), bytes.data() + bytes.size());
  try {
    reader.read_header(io::ignore_extra_column | io::ignore_missing_column, opts.id_col, opts.problem_col,
                       opts.answer_col, opts.choices_col);
  } catch (const io::error::base& e) {
    throw Error(std::string("cannot read the CSV header: ") + e.what(), Where(source, 1),
                "the first line must name the columns");
  }
  for (const std::string* col : {&opts.problem_col, &opts.answer_col}) {
    if (!reader.has_column(*col))
      throw Error("missing column '" + *col + "'", Where(source, 1),
                  "the header is: " + HeaderColumns(bytes) + "; choose columns with --problem-col / --answer-col");
  }
  const bool has_id = reader.has_column(opts.id_col);
  const bool has_choices = reader.has_column(opts.choices_col);
  long index = 0;
  while (true) {
    std::string id, problem, answer, choices;
    try {
      if (!reader.read_row(id, problem, answer, choices)) break;
    } catch (const io::error::base& e) {
      long line = 0;
      if (auto* wl = dynamic_cast<const io::error::with_file_line*>(&e)) line = wl->file_line;
      c.SeeRow();
      c.Bad(BadLineKind::kMalformed, line, "", std::string("malformed CSV row: ") + e.what(),
            "check quoting and the number of cells (newlines inside cells are not supported)");
      ++index;
      continue;
    }
    long line = static_cast<long>(reader.get_file_line());
    c.SeeRow();
    size_t bad = 0;
    bool utf8_ok = true;
    for (const std::string* cell : {&id, &problem, &answer, &choices}) {
      if (!IsValidUtf8(*cell, &bad)) {
        c.Bad(BadLineKind::kInvalidUtf8, line, "", "invalid UTF-8 in a cell", "re-encode the file as UTF-8");
        utf8_ok = false;
        break;
      }
    }
    if (!utf8_ok) {
      ++index;
      continue;
    }
    RawRow r;
    r.line = line;
    r.id = has_id ? id : stem + "-" + std::to_string(index);
    r.problem = std::move(problem);
    r.answer = std::move(answer);
    if (has_choices && !Trim(choices).empty()) {
      r.has_choices = true;
      if (!ParseChoicesCell(c, choices, opts, line, &r.choices)) {
        ++index;
        continue;
      }
    }
    ++index;
    c.Accept(std::move(r));
  }
  return c.Finish(stem);
}

}  // namespace upt::datasets
