#include "datasets/load.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/strings.h"
#include "datasets/collector.h"

namespace upt::datasets {

const char* KindName(Kind k) { return k == Kind::kMultipleChoice ? "multiple_choice" : "math"; }

const char* BadLineKindName(BadLineKind k) {
  switch (k) {
    case BadLineKind::kMalformed: return "malformed";
    case BadLineKind::kInvalidUtf8: return "invalid_utf8";
    case BadLineKind::kMissingField: return "missing_field";
    case BadLineKind::kWrongType: return "wrong_type";
    case BadLineKind::kDuplicateId: return "duplicate_id";
    case BadLineKind::kEmptyProblem: return "empty_problem";
    case BadLineKind::kEmptyAnswer: return "empty_answer";
    case BadLineKind::kBadChoices: return "bad_choices";
    case BadLineKind::kBadAnswerLetter: return "bad_answer_letter";
    case BadLineKind::kKindMismatch: return "kind_mismatch";
  }
  return "unknown";
}

void LoadReport::Add(const BadLine& bad) {
  ++skipped;
  std::string k = BadLineKindName(bad.kind);
  if (skipped_by_kind[k]++ == 0) first_line_by_kind[k] = bad.line;
  if (first_bad.size() < kMaxExamples) first_bad.push_back(bad);
}

std::string LoadReport::Summary() const {
  std::string s = fmt::format("{}: {} rows, {} loaded, {} skipped\n", source, rows_seen, loaded, skipped);
  for (const auto& [k, n] : skipped_by_kind)
    s += fmt::format("  {:<18} {:>6}  (first at line {})\n", k, n, first_line_by_kind.at(k));
  for (const auto& b : first_bad)
    s += "  " + Where(source, b.line, b.field) + ": " + b.message + "\n";
  if (skipped > static_cast<long>(first_bad.size()))
    s += fmt::format("  ... and {} more\n", skipped - static_cast<long>(first_bad.size()));
  return s;
}

Json LoadReport::ToJson() const {
  Json bad = Json::array();
  for (const auto& b : first_bad)
    bad.push_back({{"kind", BadLineKindName(b.kind)}, {"line", b.line}, {"field", b.field}, {"message", b.message}});
  return {{"source", source},   {"rows_seen", rows_seen},           {"loaded", loaded},
          {"skipped", skipped}, {"skipped_by_kind", skipped_by_kind}, {"first_line_by_kind", first_line_by_kind},
          {"first_bad", bad}};
}

std::string ChoiceLetter(size_t i) { return std::string(1, static_cast<char>('A' + i)); }

int LetterIndex(const std::string& answer) {
  if (answer.size() != 1 || answer[0] < 'A' || answer[0] > 'Z') return -1;
  return answer[0] - 'A';
}

namespace {

using detail::Collector;
using detail::RawRow;
using detail::IsBlank;
using detail::StemOf;

// Reads a required string field (integers accepted for `id`); false after recording the bad line.
bool GetString(Collector& c, const Json& obj, const char* field, long line, bool allow_int, std::string* out) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    c.Bad(BadLineKind::kMissingField, line, field, std::string("missing field '") + field + "'",
          "canonical rows have id, problem, answer (and choices for multiple choice)");
    return false;
  }
  if (it->is_string()) {
    *out = it->get<std::string>();
    return true;
  }
  if (allow_int && it->is_number_integer()) {
    *out = std::to_string(it->get<long long>());
    return true;
  }
  c.Bad(BadLineKind::kWrongType, line, field, std::string("field must be a string, got ") + it->type_name(),
        std::string(field) == "answer" ? "quote the answer so it stays verbatim, e.g. \"025\" or \"142.0\""
                                       : "write this field as a JSON string");
  return false;
}

bool GetChoices(Collector& c, const Json& v, long line, std::vector<std::string>* out) {
  if (!v.is_array()) {
    c.Bad(BadLineKind::kWrongType, line, "choices", std::string("field must be an array of strings, got ") + v.type_name(),
          "write choices as [\"first option\", \"second option\", ...]");
    return false;
  }
  for (const auto& e : v) {
    if (!e.is_string()) {
      c.Bad(BadLineKind::kWrongType, line, "choices", std::string("choices must be strings, got ") + e.type_name(),
            "quote every option");
      return false;
    }
    out->push_back(e.get<std::string>());
  }
  return true;
}

void ParseJsonlLine(Collector& c, std::string_view text, long line) {
  c.SeeRow();
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad))
    return c.Bad(BadLineKind::kInvalidUtf8, line, "", fmt::format("invalid UTF-8 at byte {}", bad),
                 "re-encode the file as UTF-8");
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    return c.Bad(BadLineKind::kMalformed, line, "", std::string("invalid JSON: ") + e.what(),
                 "each line must be one complete JSON object");
  }
  if (!j.is_object())
    return c.Bad(BadLineKind::kMalformed, line, "", std::string("expected a JSON object, got ") + j.type_name(),
                 "each line must be one JSON object");
  RawRow r;
  r.line = line;
  if (!GetString(c, j, "id", line, true, &r.id)) return;
  if (!GetString(c, j, "problem", line, false, &r.problem)) return;
  if (!GetString(c, j, "answer", line, false, &r.answer)) return;
  auto ch = j.find("choices");
  if (ch != j.end() && !ch->is_null()) {
    r.has_choices = true;
    if (!GetChoices(c, *ch, line, &r.choices)) return;
  }
  auto target = j.find("target");
  if (target != j.end() && target->is_string()) r.target = target->get<std::string>();
  auto meta = j.find("meta");
  if (meta != j.end() && !meta->is_null()) {
    if (!meta->is_object())
      return c.Bad(BadLineKind::kWrongType, line, "meta", std::string("field must be an object, got ") + meta->type_name(),
                   "meta holds extra fields as a JSON object");
    r.meta = *meta;
  }
  c.Accept(std::move(r));
}

}  // namespace

Benchmark ParseJsonl(std::string_view bytes, const std::string& source, const LoadOptions& opts, LoadReport* report) {
  LoadReport local;
  if (!report) report = &local;
  Collector c(source, opts, report);
  long line = 0;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    size_t end = nl == std::string_view::npos ? bytes.size() : nl;
    std::string_view text = bytes.substr(pos, end - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    ++line;
    if (!IsBlank(text)) ParseJsonlLine(c, text, line);
    pos = end + 1;
  }
  return c.Finish(opts.name.empty() ? StemOf(source) : opts.name);
}

std::string ResolveFormat(const std::string& path, const std::string& format) {
  if (format != "auto") return format;
  if (EndsWith(ToLower(path), ".csv")) return "csv";
  return IsParquetPath(path) ? "parquet" : "jsonl";
}

Benchmark LoadBenchmarkFile(const std::string& path, const LoadOptions& opts, LoadReport* report) {
  std::string format = ResolveFormat(path, opts.format);
  if (format == "parquet" || format == "verl") {
    LoadOptions o = opts;
    o.format = format;
    Benchmark b = ParseParquet(path, o, report);
    b.sha256 = Sha256File(path);
    return b;
  }
  std::string bytes = ReadFile(path);
  Benchmark b;
  if (format == "jsonl") b = ParseJsonl(bytes, path, opts, report);
  else if (format == "csv") b = ParseCsv(bytes, path, opts, report);
  else throw Error(UnknownNameMessage("format", format, {"auto", "jsonl", "csv", "parquet", "verl"}), "--format");
  b.sha256 = Sha256Hex(bytes);
  return b;
}

std::string ProblemToJsonLine(const Problem& p) {
  OrderedJson j = OrderedJson::object();
  j["id"] = p.id;
  j["problem"] = p.problem;
  if (!p.choices.empty()) j["choices"] = p.choices;
  j["answer"] = p.answer;
  if (!p.target.empty()) j["target"] = p.target;
  if (p.meta.is_object() && !p.meta.empty()) j["meta"] = OrderedJson::parse(p.meta.dump());
  return DumpLine(j);
}

std::string BenchmarkToJsonl(const Benchmark& b) {
  std::string out;
  for (const auto& p : b.problems) {
    out += ProblemToJsonLine(p);
    out += '\n';
  }
  return out;
}

void CheckSha256(std::string_view bytes, const std::string& expected_hex, const std::string& what) {
  std::string got = Sha256Hex(bytes);
  if (got != ToLower(expected_hex))
    throw Error("SHA-256 mismatch: the data changed (expected " + expected_hex + ", got " + got + ")", what,
                "the canonical file must stay byte-identical; restore it, or if the change is intended, "
                "update the hash and row count in datasets/registry.cpp and datasets/SOURCES.md");
}

const Problem* FindProblem(const Benchmark& b, const std::string& id) {
  for (const auto& p : b.problems)
    if (p.id == id) return &p;
  return nullptr;
}

}  // namespace upt::datasets
