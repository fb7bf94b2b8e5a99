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

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace upt::verifiers {

// One extracted answer string and the rule that found it.
struct Candidate {
  std::string text;    // the raw answer text, e.g. "\\frac{1}{2}"
  std::string rule;    // e.g. "boxed", "answer_is", "after_think", "last_number"
  size_t offset = 0;   // byte offset in the completion
};

struct ExtractOptions {
  // Named extraction policy: "default" (boxed > answer phrases > ...), "strict"
  // (no last-number fallback), "boxed" (only \boxed / \fbox).
  std::string policy = "default";
};

struct VerifyOptions {
  double rel_tol = 1e-4;        // numeric comparison: |a-b| <= rel_tol * max(1, |b|)
  long long step_budget = 200000;  // parser + CAS work units per comparison
};

struct GradeOptions {
  ExtractOptions extract;
  VerifyOptions verify;
};

// correct: the decision. extracted: the candidate that decided (or the last one
// tried), nullopt when nothing could be extracted. reason: a short machine-
// readable rule name, e.g. "equal_rational", "no_answer", "budget_exceeded".
struct Verdict {
  bool correct = false;
  std::optional<std::string> extracted;
  std::string reason;
};

std::vector<Candidate> Extract(std::string_view completion, const ExtractOptions& opts);
Verdict Verify(std::string_view gold, const std::vector<Candidate>& candidates, const VerifyOptions& opts);
Verdict Grade(std::string_view gold, std::string_view completion, const GradeOptions& opts);
Verdict GradeChoice(std::string_view gold_letter, std::string_view completion,
                    const std::vector<std::string>& choices, const GradeOptions& opts);
std::string PolicyName(const GradeOptions& opts);

}  // namespace upt::verifiers
