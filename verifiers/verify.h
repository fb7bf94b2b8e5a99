// Public API of the verifiers: Extract answers from a completion, Verify them
// against a gold answer. Thread-safe and reentrant; never throws in the reward
// path; every call is bounded by a step budget (no signals, no wall clock).
//
// Contract used by eval/ and train/ (keep these signatures stable):
//   std::vector<Candidate> Extract(completion, ExtractOptions)
//   Verdict Verify(gold, candidates, VerifyOptions)
//   Verdict Grade(gold, completion, GradeOptions)                 // math
//   Verdict GradeChoice(gold_letter, completion, choices, GradeOptions)  // multiple choice
//   std::string PolicyName(GradeOptions)  // recorded in every score's provenance
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/name_table.h"

namespace upt::verifiers {

// One extracted answer string and the rule that found it.
struct Candidate {
  std::string text;    // the raw answer text, e.g. "\\frac{1}{2}"
  std::string rule;    // e.g. "boxed", "answer_is", "after_think", "last_number"
  size_t offset = 0;   // byte offset in the completion
};

// Extraction policies: which rules of the extraction table (ExtractionRules()
// in extract_rules.h, listed in docs/verifiers.md) run. One name table:
// ExtractionPolicyTable().
//   default   every rule, down to the last math span and the last number
//   strict    the rules that find a stated answer (box, answer tag, answer
//             phrase, text after </think>, a bare whole answer); no fallbacks
//   boxed     only \boxed / \fbox
//   upt       = default, under the reward policy's name (reward.h)
//   hpt_code  the HPT fork's reward: Grade uses GradeHptCode (reward.h)
enum class ExtractionPolicy { kDefault, kStrict, kBoxed, kUpt, kHptCode };

// Answer kinds: math (Grade) or multiple choice (GradeChoice: gold is a letter).
enum class AnswerKind { kMath, kMultipleChoice };

struct ExtractOptions {
  // The extraction policy's name (an ExtractionPolicy; a string so options
  // files and flags carry it as written; PolicyName records it).
  std::string policy = "default";
  // The policy; an unknown name reads as kStrict (Extract never throws;
  // boundaries check names with ParseExtractionPolicy).
  ExtractionPolicy Policy() const;
  template <class V>
  void ForEach(V&& v) {
    v("policy", policy, "extraction policy: default, strict (no last-number fallback), boxed, hpt_code");
  }
};

struct VerifyOptions {
  // Numeric comparison when a decimal is involved: |a-b| <= rel_tol * max(|a|, |b|).
  // Exact rationals (no decimal written) compare exactly; an integer gold never
  // gets a tolerance (see docs/verifiers.md).
  double rel_tol = 1e-4;
  long long step_budget = 200000;  // parser + CAS work units per comparison
  template <class V>
  void ForEach(V&& v) {
    v("rel_tol", rel_tol, "relative tolerance when a decimal is involved");
    v("step_budget", step_budget, "work units per comparison (parse nodes, arithmetic, points)");
  }
};

struct GradeOptions {
  ExtractOptions extract;
  VerifyOptions verify;
  template <class V>
  void ForEach(V&& v) {
    v("extract", extract, "answer extraction");
    v("verify", verify, "answer comparison");
  }
};

// correct: the decision. extracted: the candidate that decided (or the last one
// tried), nullopt when nothing could be extracted. reason: a short machine-
// readable rule name, e.g. "equal_rational", "no_answer", "budget_exceeded".
struct Verdict {
  bool correct = false;
  std::optional<std::string> extracted;
  std::string reason;
};

// A gold prepared once for many comparisons (scoring n samples of a problem):
// its answer extracted (PrepareGold; PrepareGoldAnswer takes the answer as
// is), normalised, keyed and parsed. Verdicts are byte-identical to the
// unprepared calls with the same VerifyOptions. Cheap to copy; immutable, so
// one PreparedGold may be used from many threads. Never throws.
class PreparedGold {
 public:
  PreparedGold() = default;
  const std::string& raw() const;  // the gold as given

 private:
  struct Impl;
  PreparedGold(std::string_view gold, bool is_answer, const struct VerifyOptions& opts);
  std::shared_ptr<const Impl> impl_;
  friend PreparedGold PrepareGold(std::string_view, const VerifyOptions&);
  friend PreparedGold PrepareGoldAnswer(std::string_view, const VerifyOptions&);
  friend Verdict CompareAnswers(const PreparedGold&, std::string_view, const VerifyOptions&);
};
PreparedGold PrepareGold(std::string_view gold, const VerifyOptions& opts);
PreparedGold PrepareGoldAnswer(std::string_view gold_answer, const VerifyOptions& opts);
Verdict CompareAnswers(const PreparedGold& gold, std::string_view pred_answer, const VerifyOptions& opts);
Verdict Verify(const PreparedGold& gold, const std::vector<Candidate>& candidates, const VerifyOptions& opts);
Verdict Grade(const PreparedGold& gold, std::string_view completion, const GradeOptions& opts);

// Candidates of the highest-priority rule that matched, last occurrence first
// (boxed > answer tag > answer phrase > text after </think> > last number);
// empty when nothing matched. Only text after the last </think> is searched.
std::vector<Candidate> Extract(std::string_view completion, const ExtractOptions& opts);
// Compares the gold (bare, $..$, or a solution with \boxed{}) with candidates[0].
Verdict Verify(std::string_view gold, const std::vector<Candidate>& candidates, const VerifyOptions& opts);
Verdict Grade(std::string_view gold, std::string_view completion, const GradeOptions& opts);
Verdict GradeChoice(std::string_view gold_letter, std::string_view completion,
                    const std::vector<std::string>& choices, const GradeOptions& opts);
std::string PolicyName(const GradeOptions& opts);

// The extraction policy name table, in declaration order; the names alone.
const std::vector<NameEntry<ExtractionPolicy>>& ExtractionPolicyTable();
std::vector<std::string> ExtractionPolicies();
const char* ExtractionPolicyName(ExtractionPolicy p);
// Throws upt::Error listing the valid names; `where` names the flag or key.
ExtractionPolicy ParseExtractionPolicy(std::string_view name, std::string_view where = "--policy");

// Where each grading option is set (a flag or a config key), for error messages.
struct GradeOptionKeys {
  std::string policy = "--policy", rel_tol = "--rel-tol", step_budget = "--step-budget";
};
// Checks a grading group at a boundary: policy a known name, rel_tol in [0, 1),
// step_budget >= 1; throws upt::Error naming the key.
void CheckGradeOptions(const GradeOptions& g, const GradeOptionKeys& keys = {});

// The answer kind name table ("math", "multiple_choice").
const std::vector<NameEntry<AnswerKind>>& AnswerKindTable();
const char* AnswerKindName(AnswerKind k);
AnswerKind ParseAnswerKind(std::string_view name, std::string_view where);
// Multiple choice when flagged or when choices are given; else math.
AnswerKind KindOf(bool mc, const std::vector<std::string>& choices);
// The one math / multiple-choice dispatch: Grade or GradeChoice.
Verdict GradeAnswer(AnswerKind kind, std::string_view gold, std::string_view completion,
                    const std::vector<std::string>& choices, const GradeOptions& opts);

// The answer part of a gold: the last \boxed{} of a reference solution, else
// the whole string.
std::string GoldAnswer(std::string_view gold);

// Compares one gold answer with one predicted answer string (both already
// extracted). Never throws.
Verdict CompareAnswers(std::string_view gold_answer, std::string_view pred_answer,
                       const VerifyOptions& opts);

// Grouping key of an extracted answer (majority voting, answer statistics):
// answers with equal keys are judged equal by CompareAnswers (either order);
// equal answers usually share a key. "0.5", "\\frac12", "1/2" -> "q:1/2";
// tuples and lists of values key by their items (lists sorted); anything else
// is StringKey(Normalize(answer)). See canonical.cpp. Never throws.
std::string CanonicalKey(std::string_view answer);

// One item of a batch: math when choices is empty and mc is false.
struct GradeItem {
  std::string gold;
  std::string completion;
  bool mc = false;
  std::vector<std::string> choices;
};

// Grades every item in parallel (TBB); result i belongs to items[i].
std::vector<Verdict> GradeBatch(const std::vector<GradeItem>& items, const GradeOptions& opts);

}  // namespace upt::verifiers
