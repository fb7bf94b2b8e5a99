// Loading benchmark files: canonical JSONL (the format of datasets/data/) and CSV
// (fast-cpp-csv-parser), with line-precise errors or counted, reported skips.
//
// Canonical JSONL row: {"id": str, "problem": str, "choices"?: [str, ...],
// "answer": str, "meta"?: object}. A file is multiple choice when its rows carry
// `choices` (then `answer` must be a letter A.. within the choices); math otherwise.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/options.h"
#include "datasets/problem.h"

namespace upt::datasets {

struct LoadOptions {
  std::string format = "auto";  // auto (.csv, .parquet/PAR1, else JSONL) | jsonl | csv | parquet | verl
  std::string kind = "auto";    // auto (rows with choices => multiple_choice) | math | multiple_choice
  bool skip_bad_lines = false;  // count and report bad lines instead of failing at the first one
  std::string name;             // benchmark name; "" = the file stem
  // CSV and Parquet: column names (Parquet: dotted paths into nested columns),
  // and how a CSV choices cell is written.
  std::string id_col = "id";            // missing column => ids "<stem>-<row index>"
  std::string problem_col = "problem";  // verl Parquet: "prompt" (its user message)
  std::string answer_col = "answer";    // verl Parquet: "reward_model.ground_truth"
  std::string target_col = "target";    // Parquet: optional demonstration (verl: target[0].content)
  std::string choices_col = "choices";  // optional column; absent => math
  std::string choices_sep;              // "" => the cell is a JSON array string; else a separator, e.g. "|"
  template <class V>
  void ForEach(V&& v) {
    v("format", format, "jsonl | csv | parquet | verl | auto (by extension / PAR1 magic)");
    v("kind", kind, "auto | math | multiple_choice");
    v("skip_bad_lines", skip_bad_lines, "skip (and report) bad lines instead of failing");
    v("name", name, "benchmark name (default: file stem; also the id prefix)", kOptNoDefault);
    v("id_col", id_col, "id column (absent => <stem>-<row>)");
    v("problem_col", problem_col, "problem column (Parquet: dotted path; verl default: prompt's user message)");
    v("answer_col", answer_col, "answer column (Parquet: dotted path; verl default: reward_model.ground_truth)");
    v("target_col", target_col, "Parquet demonstration column (verl: target[0].content)");
    v("choices_col", choices_col, "CSV choices column (optional)");
    v("choices_sep", choices_sep, "separator in the choices cell; default: a JSON array", kOptNoDefault);
  }
};

// Why a line was rejected. Names (BadLineKindName) are stable: they appear in reports.
enum class BadLineKind {
  kMalformed,     // not JSON / not an object / CSV row with the wrong number of cells
  kInvalidUtf8,
  kMissingField,
  kWrongType,
  kDuplicateId,
  kEmptyProblem,
  kEmptyAnswer,
  kBadChoices,    // fewer than 2 choices, empty choice, more than 26
  kBadAnswerLetter,
  kKindMismatch,  // a row with choices in a math file, or without in a multiple-choice file
};
const char* BadLineKindName(BadLineKind k);

struct BadLine {
  BadLineKind kind;
  long line = 0;      // 1-based line in the file
  std::string field;  // "" when the whole line is bad
  std::string message;
  std::string hint;
};

// What a load saw. Skips are never silent: callers print Summary().
struct LoadReport {
  std::string source;
  long rows_seen = 0;  // non-blank lines / CSV data rows
  long loaded = 0;
  long skipped = 0;
  std::map<std::string, long> skipped_by_kind;  // kind name -> count
  std::map<std::string, long> first_line_by_kind;
  std::vector<BadLine> first_bad;  // the first kMaxExamples bad lines, in file order
  static constexpr size_t kMaxExamples = 10;

  void Add(const BadLine& bad);
  std::string Summary() const;  // human-readable, several lines
  Json ToJson() const;
};

// Parses canonical JSONL bytes; `source` names the file in messages. Throws
// upt::Error(file:line: field 'x', hint) at the first bad line unless
// opts.skip_bad_lines. Empty result (no valid rows) is an error either way.
Benchmark ParseJsonl(std::string_view bytes, const std::string& source, const LoadOptions& opts,
                     LoadReport* report = nullptr);
// CSV with a header row, columns chosen by opts. Same checks as JSONL.
Benchmark ParseCsv(std::string_view bytes, const std::string& source, const LoadOptions& opts,
                   LoadReport* report = nullptr);
// Parquet (datasets/load_parquet.cpp): verl's layout (format "verl", or "parquet"
// on a file with `prompt` and `reward_model` columns) or columns chosen by opts.
// Rows stream one row group at a time; with a `sink` each accepted problem goes
// to it instead of into the returned benchmark (which then has no problems).
Benchmark ParseParquet(const std::string& path, const LoadOptions& opts, LoadReport* report = nullptr,
                       const std::function<void(Problem&&)>& sink = {});
// By extension (.parquet) or by the PAR1 magic.
bool IsParquetPath(const std::string& path);
// The format `auto` resolves to for this path: csv | parquet | jsonl.
std::string ResolveFormat(const std::string& path, const std::string& format);
// A user's own file (JSONL, CSV or Parquet). name = opts.name or the file stem; sha256 = of the bytes.
Benchmark LoadBenchmarkFile(const std::string& path, const LoadOptions& opts = {}, LoadReport* report = nullptr);

// Canonical JSONL serialisation (compact, keys id, problem, choices?, answer, meta?;
// UTF-8 unescaped). BenchmarkToJsonl ends every line with '\n'.
std::string ProblemToJsonLine(const Problem& p);
std::string BenchmarkToJsonl(const Benchmark& b);

// Throws upt::Error naming `what` when sha256(bytes) != expected_hex.
void CheckSha256(std::string_view bytes, const std::string& expected_hex, const std::string& what);

// The problem with this id, or nullptr.
const Problem* FindProblem(const Benchmark& b, const std::string& id);
// "A", "B", ... for choice index i (0-based); i < 26.
std::string ChoiceLetter(size_t i);
// Index of letter `answer` ("A".."Z"), or -1 when not a single capital letter.
int LetterIndex(const std::string& answer);

}  // namespace upt::datasets
