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

#include "verifiers/evaluate.h"
#include "verifiers/expr.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

constexpr size_t kMaxParseBytes = 64 * 1024;
// Bumped whenever a verdict can change; recorded in every score.
// 2 (2026-12): last-math extraction, hedges, rounding digits, value statements,
// named tuple components, MC phrases.
// 3 (2026-12): and/or/';' lists, spaced mixed numbers, adjacent
// boxes, interval = inequality, named golds; see docs/verifiers.md.
constexpr const char* kRulesVersion = "upt-verify-3";

std::string_view TrimView(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

Verdict CompareAnswers(std::string_view gold_answer, std::string_view pred_answer,
                       const VerifyOptions& opts) {
  Verdict v;
  v.extracted = std::string(pred_answer);
  try {
    // Answers over the parse limit are only compared byte for byte (trimmed).
    if (gold_answer.size() > kMaxParseBytes || pred_answer.size() > kMaxParseBytes) {
      v.correct = TrimView(gold_answer) == TrimView(pred_answer);
      v.reason = v.correct ? "equal_string" : "budget_exceeded";
      return v;
    }
    std::string ng = Normalize(gold_answer), np = Normalize(pred_answer);
    if (np.empty()) {
      v.reason = "empty_answer";
      return v;
    }
    if (StringKey(ng) == StringKey(np)) {
      v.correct = true;
      v.reason = "equal_string";
      return v;
    }
    if (ng.size() > kMaxParseBytes || np.size() > kMaxParseBytes) {
      v.reason = "budget_exceeded";
      return v;
    }
    Budget budget;
    budget.left = opts.step_budget;
    Tree gt, pt;
    bool gok = Parse(ng, &gt, &budget);
    bool pok = gok && Parse(np, &pt, &budget);
    if (budget.exceeded) {
      v.reason = "budget_exceeded";
      return v;
    }
    if (!gok) {
      v.reason = "unparsed_gold";
      return v;
    }
    if (!pok) {
      v.reason = "unparsed_pred";
      return v;
    }
    std::string rule;
    v.correct = Equivalent(gt, pt, opts.rel_tol, &budget, &rule);
    v.reason = rule;
  } catch (const std::exception& e) {
    v.correct = false;
    v.reason = "internal_error";
  } catch (...) {
    v.correct = false;
    v.reason = "internal_error";
  }
  return v;
}

Verdict Verify(std::string_view gold, const std::vector<Candidate>& candidates,
               const VerifyOptions& opts) {
  Verdict v;
  try {
    if (candidates.empty()) {
      v.reason = "no_answer";
      return v;
    }
    std::string g = GoldAnswer(gold);
    return CompareAnswers(g, candidates.front().text, opts);
  } catch (...) {
    v.reason = "internal_error";
  }
  return v;
}

Verdict Grade(std::string_view gold, std::string_view completion, const GradeOptions& opts) {
  try {
    return Verify(gold, Extract(completion, opts.extract), opts.verify);
  } catch (...) {
    Verdict v;
    v.reason = "internal_error";
    return v;
  }
}

std::vector<std::string> ExtractionPolicies() { return {"default", "strict", "boxed"}; }

std::string AnswerKey(std::string_view answer) {
  try {
    if (answer.size() > kMaxParseBytes) return std::string(TrimView(answer));
    std::string n = Normalize(answer);
    Budget budget;
    budget.left = VerifyOptions{}.step_budget;
    Tree t;
    mpq_class q;
    if (!Parse(n, &t, &budget)) return StringKey(n);
    if (EvalExact(t, t.root, &q, &budget) && !budget.exceeded) return "q:" + q.get_str();
    std::vector<std::string> syms;
    CollectSymbols(t, t.root, &syms);
    if (syms.empty() && !budget.exceeded) {
      std::complex<double> z = EvalNumeric(t, t.root, {}, &budget);
      if (!budget.exceeded && std::isfinite(z.real()) && std::isfinite(z.imag()))
      {
        char buf[64];
        std::snprintf(buf, sizeof buf, "n:%.12g,%.12g", z.real() + 0.0, z.imag() + 0.0);
        return buf;
      }
    }
    return StringKey(n);
  } catch (...) {
    return std::string(TrimView(answer));
  }
}

std::string PolicyName(const GradeOptions& opts) {
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
                        out[i] = it.mc || !it.choices.empty()
                                     ? GradeChoice(it.gold, it.completion, it.choices, opts)
                                     : Grade(it.gold, it.completion, opts);
                      }
                    });
  return out;
}

}  // namespace upt::verifiers
