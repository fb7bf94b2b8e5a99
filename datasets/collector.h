// Internal to datasets/: row validation shared by the JSONL and CSV loaders.
#pragma once

#include <functional>
#include <string>
#include <unordered_set>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "core/error.h"
#include "core/strings.h"
#include "datasets/load.h"

namespace upt::datasets::detail {

inline bool IsBlank(std::string_view s) { return Trim(s).empty(); }

inline std::string StemOf(const std::string& source) { return std::filesystem::path(source).stem().string(); }

// One row before validation; `has_choices` separates "absent" from "empty list".
struct RawRow {
  long line = 0;
  std::string id, problem, answer;
  bool has_choices = false;
  std::vector<std::string> choices;
  std::string target;
  Json meta = Json::object();
};

// Validates rows, resolves the benchmark kind, and either throws at the first bad
// row or records it in the report, depending on opts.skip_bad_lines.
class Collector {
 public:
  Collector(std::string source, const LoadOptions& opts, LoadReport* report)
      : source_(std::move(source)), opts_(opts), report_(report) {
    report_->source = source_;
    if (opts.kind == "math") kind_ = 0;
    else if (opts.kind == "multiple_choice") kind_ = 1;
    else if (opts.kind != "auto")
      throw Error(UnknownNameMessage("kind", opts.kind, {"auto", "math", "multiple_choice"}), "--kind");
  }

  // Records a bad line; throws unless skipping.
  void Bad(BadLineKind kind, long line, std::string field, std::string message, std::string hint) {
    if (!opts_.skip_bad_lines) throw Error(message, Where(source_, line, field), hint);
    report_->Add({kind, line, std::move(field), std::move(message), std::move(hint)});
  }

  void SeeRow() { ++report_->rows_seen; }

  void Accept(RawRow r) {
    if (Trim(r.problem).empty())
      return Bad(BadLineKind::kEmptyProblem, r.line, "problem", "empty problem", "every row needs the problem text");
    if (Trim(r.answer).empty())
      return Bad(BadLineKind::kEmptyAnswer, r.line, "answer", "empty answer",
                 "every row needs a gold answer; drop unanswerable rows or pass --skip-bad-lines");
    if (Trim(r.id).empty())
      return Bad(BadLineKind::kMissingField, r.line, "id", "empty id", "give every row a unique, non-empty id");
    if (r.has_choices && !CheckChoices(r)) return;
    int row_kind = r.has_choices ? 1 : 0;
    if (kind_ < 0) kind_ = row_kind;
    if (row_kind != kind_) {
      return kind_ == 1 ? Bad(BadLineKind::kKindMismatch, r.line, "choices", "missing choices in a multiple-choice file",
                              "every row of a multiple-choice file needs a `choices` list")
                        : Bad(BadLineKind::kKindMismatch, r.line, "choices", "choices in a math file",
                              "remove `choices`, or load with kind multiple_choice");
    }
    if (row_kind == 1) {
      int idx = LetterIndex(r.answer);
      if (idx < 0 || idx >= static_cast<int>(r.choices.size()))
        return Bad(BadLineKind::kBadAnswerLetter, r.line, "answer",
                   fmt::format("answer '{}' is not a letter A..{} for {} choices", r.answer,
                               ChoiceLetter(r.choices.size() - 1), r.choices.size()),
                   "a multiple-choice answer is the letter of the correct choice (A = first)");
    }
    if (!ids_.insert(r.id).second)
      return Bad(BadLineKind::kDuplicateId, r.line, "id", "duplicate id '" + r.id + "'",
                 "ids must be unique within a file");
    Problem p;
    p.id = std::move(r.id);
    p.problem = std::move(r.problem);
    p.answer = std::move(r.answer);
    p.choices = std::move(r.choices);
    p.meta = std::move(r.meta);
    p.target = std::move(r.target);
    ++report_->loaded;
    if (sink_) return sink_(std::move(p));
    problems_.push_back(std::move(p));
  }

  // Streams accepted problems to `sink` instead of keeping them.
  void SetSink(std::function<void(Problem&&)> sink) { sink_ = std::move(sink); }

  Benchmark Finish(const std::string& name) {
    if (report_->loaded == 0)
      throw Error("no valid rows", source_,
                  report_->skipped ? "every row was skipped; see the report above" : "the file is empty");
    Benchmark b;
    b.name = name;
    b.kind = kind_ == 1 ? Kind::kMultipleChoice : Kind::kMath;
    b.source = source_;
    b.problems = std::move(problems_);
    return b;
  }

 private:
  bool CheckChoices(const RawRow& r) {
    if (r.choices.size() < 2 || r.choices.size() > 26) {
      Bad(BadLineKind::kBadChoices, r.line, "choices", fmt::format("{} choices; need 2..26", r.choices.size()),
          "list the option texts in letter order");
      return false;
    }
    for (size_t i = 0; i < r.choices.size(); ++i) {
      if (Trim(r.choices[i]).empty()) {
        Bad(BadLineKind::kBadChoices, r.line, "choices", "choice " + ChoiceLetter(i) + " is empty",
            "every option needs text");
        return false;
      }
    }
    return true;
  }

  std::string source_;
  const LoadOptions& opts_;
  LoadReport* report_;
  int kind_ = -1;  // -1 unknown, 0 math, 1 multiple choice
  std::unordered_set<std::string> ids_;
  std::vector<Problem> problems_;
  std::function<void(Problem&&)> sink_;
};

}  // namespace upt::datasets::detail
