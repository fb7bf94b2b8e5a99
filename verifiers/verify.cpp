// Public entry points: Verify / Grade / GradeBatch / PolicyName.
// Decision order for one (gold, pred) pair:
//   1. equal normalised strings                  -> "equal_string"
//   2. both parse -> Equivalent() (rational, numeric, symbolic, structures)
//   3. otherwise not equal ("unparsed_pred", "unparsed_gold")
// Answers longer than kMaxParseBytes are compared byte for byte only.
// Everything runs under a step budget; nothing here throws.
#include <cmath>
#include <complex>
#include <cstdio>
#include <string>
#include <vector>

#include <tbb/parallel_for.h>

#include "core/error.h"
#include "verifiers/evaluate.h"
#include "verifiers/expr.h"
#include "verifiers/reward.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

constexpr size_t kMaxParseBytes = 64 * 1024;
// Bumped whenever a verdict can change; recorded in every score.
// 2 (2026-12): last-math extraction, hedges, rounding digits, value statements,
// named tuple components, MC phrases.
// 3 (2026-12): and/or/';' lists, spaced mixed numbers, adjacent
// boxes, interval = inequality, named golds; see docs/verifiers.md.
// 4 (2026-12): non-finite values never equal (10^{400}, 1e-999, 0/0), exact
// tolerance between exact values (no absolute floor), MC answers offering
// every option give no letter, "C, because ..." is C, a gold system matches a
// predicted tuple in order.
// 6 (2026-12): clock times compare on the 24-hour clock, strings escaped
// twice as a whole are halved, degree marks inside trig arguments mean pi/180,
// prose inside one math span gives its one number.
// 7 (2026-12): a gold written as a percentage also accepts its value as a
// fraction (10\% = 0.1); labelled boxes `y_1 = \boxed{A}` and `y_2 = \boxed{B}`
// are one list of equations; hpt_code no longer uses upt's rules.
// 10 (2026-12): tree walks repeated per compared pair are charged to the step
// budget (a unit per 8 node visits) and big rationals superlinearly (docs/verifiers.md
// "Bounds"): comparisons of very large answers near the budget can end on
// budget_exceeded (250 reversed intervals); no case-table or realistic-mix verdict changed.
constexpr const char* kRulesVersion = "upt-verify-10";
// The reward policy hpt_code has its own version: its verdicts follow the HPT
// fork's code (reward.h), not upt's rules. 1: steps 3-4 borrowed upt's engine
// (until upt-verify-6); 2: its own frozen reader and comparison (hpt_math.h).
constexpr const char* kHptCodeVersion = "hpt-code-2";

Verdict Internal() {
  Verdict v;
  v.reason = "internal_error";
  return v;
}

std::string_view TrimView(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool HasPercent(std::string_view s) {
  return s.find('%') != std::string_view::npos || s.find("percent") != std::string_view::npos;
}

// The value part of a gold written as one percentage ("10\%", "$62.5%$",
// "12.5 \%"), empty when the gold is not one.
std::string PercentBase(std::string_view answer) {
  std::string_view s = TrimView(answer);
  while (s.size() >= 2 && s.front() == '$' && s.back() == '$') s = TrimView(s.substr(1, s.size() - 2));
  if (s.empty() || s.back() != '%') return {};
  s.remove_suffix(1);
  if (!s.empty() && s.back() == '\\') s.remove_suffix(1);
  s = TrimView(s);
  if (s.empty() || HasPercent(s) || s.find(',') != std::string_view::npos || s.find('=') != std::string_view::npos)
    return {};
  return std::string(s);
}

}  // namespace

// The gold side of every comparison, computed once: raw gold, its answer, the
// normalised text and key, and the parse (with the budget it cost, so a
// prepared comparison spends exactly what an unprepared one would).
struct PreparedGold::Impl {
  std::string raw, answer, normalized, key;
  bool oversize = false, normalized_oversize = false, parsed = false, parse_exceeded = false;
  long long step_budget = 0, parse_cost = 0;
  Tree tree;
  // A gold written as a percentage: its value as a fraction (\frac{base}{100}),
  // compared when the prediction carries no percent sign.
  std::shared_ptr<const Impl> fraction;
  // The verdict for one prediction (no percent fallback).
  Verdict Compare(std::string_view pred_answer, const VerifyOptions& opts) const;
};

PreparedGold::PreparedGold(std::string_view gold, bool is_answer, const VerifyOptions& opts) {
  auto impl = std::make_shared<Impl>();
  try {
    impl->raw = std::string(gold);
    impl->answer = is_answer ? impl->raw : GoldAnswer(gold);
    impl->step_budget = opts.step_budget;
    impl->oversize = impl->answer.size() > kMaxParseBytes;
    if (!impl->oversize) {
      impl->normalized = Normalize(impl->answer);
      impl->key = StringKey(impl->normalized);
      impl->normalized_oversize = impl->normalized.size() > kMaxParseBytes;
      if (!impl->normalized_oversize) {
        Budget budget;
        budget.left = opts.step_budget;
        impl->parsed = Parse(impl->normalized, &impl->tree, &budget);
        impl->parse_exceeded = budget.exceeded;
        impl->parse_cost = opts.step_budget - budget.left;
      }
      std::string base = PercentBase(impl->answer);
      if (!base.empty()) impl->fraction = PreparedGold("\\frac{" + base + "}{100}", true, opts).impl_;
    }
  } catch (...) {
    impl.reset();  // every comparison reports internal_error
  }
  impl_ = std::move(impl);
}

PreparedGold PrepareGold(std::string_view gold, const VerifyOptions& opts) { return PreparedGold(gold, false, opts); }
PreparedGold PrepareGoldAnswer(std::string_view gold_answer, const VerifyOptions& opts) {
  return PreparedGold(gold_answer, true, opts);
}

const std::string& PreparedGold::raw() const {
  static const std::string kEmpty;
  return impl_ ? impl_->raw : kEmpty;
}

Verdict PreparedGold::Impl::Compare(std::string_view pred_answer, const VerifyOptions& opts) const {
  Verdict v;
  v.extracted = std::string(pred_answer);
  try {
    // Answers over the parse limit are only compared byte for byte (trimmed).
    if (oversize || pred_answer.size() > kMaxParseBytes) {
      v.correct = TrimView(answer) == TrimView(pred_answer);
      v.reason = v.correct ? "equal_string" : "budget_exceeded";
      return v;
    }
    std::string np = Normalize(pred_answer);
    if (np.empty()) {
      v.reason = "empty_answer";
      return v;
    }
    if (key == StringKey(np)) {
      v.correct = true;
      v.reason = "equal_string";
      return v;
    }
    if (normalized_oversize || np.size() > kMaxParseBytes || parse_exceeded) {
      v.reason = "budget_exceeded";
      return v;
    }
    Budget budget;
    budget.left = opts.step_budget - parse_cost;
    Tree pt;
    bool pok = parsed && Parse(np, &pt, &budget);
    if (budget.exceeded) {
      v.reason = "budget_exceeded";
      return v;
    }
    if (!parsed) {
      v.reason = "unparsed_gold";
      return v;
    }
    if (!pok) {
      v.reason = "unparsed_pred";
      return v;
    }
    std::string rule;
    v.correct = Equivalent(tree, pt, opts.rel_tol, &budget, &rule);
    v.reason = rule;
  } catch (...) {
    v.correct = false;
    v.reason = "internal_error";
  }
  return v;
}

// Percentages (docs/verifiers.md "Percentages"): a gold `10\%` accepts `10`
// and, when the prediction has no percent sign, `0.1` / `\frac{1}{10}`.
Verdict CompareAnswers(const PreparedGold& prepared, std::string_view pred_answer, const VerifyOptions& opts) {
  const PreparedGold::Impl* g = prepared.impl_.get();
  if (g && g->step_budget != opts.step_budget) {
    PreparedGold again(g->answer, true, opts);
    return CompareAnswers(again, pred_answer, opts);
  }
  Verdict v = g ? g->Compare(pred_answer, opts) : Internal();
  if (!v.correct && g && g->fraction && !HasPercent(pred_answer)) {
    Verdict f = g->fraction->Compare(pred_answer, opts);
    if (f.correct) {
      v = f;
      v.reason = "equal_percent_fraction";
    }
  }
  return v;
}

Verdict CompareAnswers(std::string_view gold_answer, std::string_view pred_answer,
                       const VerifyOptions& opts) {
  return CompareAnswers(PrepareGoldAnswer(gold_answer, opts), pred_answer, opts);
}

Verdict Verify(const PreparedGold& gold, const std::vector<Candidate>& candidates, const VerifyOptions& opts) {
  if (candidates.empty()) {
    Verdict v;
    v.reason = "no_answer";
    return v;
  }
  return CompareAnswers(gold, candidates.front().text, opts);
}

Verdict Verify(std::string_view gold, const std::vector<Candidate>& candidates,
               const VerifyOptions& opts) {
  if (candidates.empty()) return Verify(PreparedGold(), candidates, opts);
  return Verify(PrepareGold(gold, opts), candidates, opts);
}

Verdict Grade(const PreparedGold& gold, std::string_view completion, const GradeOptions& opts) {
  if (opts.extract.Policy() == ExtractionPolicy::kHptCode) return GradeHptCode(gold.raw(), completion, opts.verify);
  try {
    return Verify(gold, Extract(completion, opts.extract), opts.verify);
  } catch (...) {
    Verdict v;
    v.reason = "internal_error";
    return v;
  }
}

Verdict Grade(std::string_view gold, std::string_view completion, const GradeOptions& opts) {
  return Grade(PrepareGold(gold, opts.verify), completion, opts);
}

const std::vector<NameEntry<ExtractionPolicy>>& ExtractionPolicyTable() {
  static const std::vector<NameEntry<ExtractionPolicy>> kTable = {
      {ExtractionPolicy::kDefault, "default", "every extraction rule, down to the last math span and number"},
      {ExtractionPolicy::kStrict, "strict", "only a stated answer: box, answer tag, answer phrase, after </think>, bare answer"},
      {ExtractionPolicy::kBoxed, "boxed", "only \\boxed / \\fbox"},
      {ExtractionPolicy::kUpt, "upt", "= default, under the reward policy's name"},
      {ExtractionPolicy::kHptCode, "hpt_code", "the HPT fork's reward (last \\boxed{} required; reward.h)"},
  };
  return kTable;
}
std::vector<std::string> ExtractionPolicies() { return TableNames(ExtractionPolicyTable()); }
const char* ExtractionPolicyName(ExtractionPolicy p) { return TableName(ExtractionPolicyTable(), p); }
ExtractionPolicy ParseExtractionPolicy(std::string_view name, std::string_view where) {
  return ParseTableName(ExtractionPolicyTable(), name, "verifier policy", where);
}

void CheckGradeOptions(const GradeOptions& g, const GradeOptionKeys& keys) {
  if (!(g.verify.rel_tol >= 0 && g.verify.rel_tol < 1))
    throw Error("relative tolerance must be in [0, 1), got " + std::to_string(g.verify.rel_tol), keys.rel_tol,
                "e.g. 1e-4");
  if (g.verify.step_budget < 1) throw Error("must be >= 1", keys.step_budget, "e.g. 200000");
  ParseExtractionPolicy(g.extract.policy, keys.policy);  // throws, listing the valid names
}

ExtractionPolicy ExtractOptions::Policy() const {
  for (const auto& e : ExtractionPolicyTable())
    if (policy == e.name) return e.value;
  return ExtractionPolicy::kStrict;
}

const std::vector<NameEntry<AnswerKind>>& AnswerKindTable() {
  static const std::vector<NameEntry<AnswerKind>> kTable = {
      {AnswerKind::kMath, "math", "a math answer (Grade)"},
      {AnswerKind::kMultipleChoice, "multiple_choice", "an option letter (GradeChoice)"},
  };
  return kTable;
}
const char* AnswerKindName(AnswerKind k) { return TableName(AnswerKindTable(), k); }
AnswerKind ParseAnswerKind(std::string_view name, std::string_view where) {
  return ParseTableName(AnswerKindTable(), name, "answer kind", where);
}
AnswerKind KindOf(bool mc, const std::vector<std::string>& choices) {
  return mc || !choices.empty() ? AnswerKind::kMultipleChoice : AnswerKind::kMath;
}
Verdict GradeAnswer(AnswerKind kind, std::string_view gold, std::string_view completion,
                    const std::vector<std::string>& choices, const GradeOptions& opts) {
  return kind == AnswerKind::kMultipleChoice ? GradeChoice(gold, completion, choices, opts)
                                             : Grade(gold, completion, opts);
}

std::string PolicyName(const GradeOptions& opts) {
  if (opts.extract.Policy() == ExtractionPolicy::kHptCode)  // rel_tol is not used by hpt_code
    return std::string(kHptCodeVersion) + "/hpt_code/budget=" + std::to_string(opts.verify.step_budget);
  char tol[32];
  std::snprintf(tol, sizeof(tol), "%g", opts.verify.rel_tol);
  return std::string(kRulesVersion) + "/" + opts.extract.policy + "/rel_tol=" + tol +
         "/budget=" + std::to_string(opts.verify.step_budget);
}

std::vector<Verdict> GradeBatch(const std::vector<GradeItem>& items, const GradeOptions& opts) {
  std::vector<Verdict> out(items.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, items.size(), 16),
                    [&](const tbb::blocked_range<size_t>& r) {
                      for (size_t i = r.begin(); i != r.end(); ++i) {
                        const GradeItem& it = items[i];
                        out[i] = GradeAnswer(KindOf(it.mc, it.choices), it.gold, it.completion, it.choices, opts);
                      }
                    });
  return out;
}

}  // namespace upt::verifiers
