// CanonicalKey: the grouping key of an answer for majority voting and answer
// statistics. Contract (tested against the verifier over the case tables):
// two answers with equal keys are judged equal by CompareAnswers in either
// order; answers judged equal usually share a key (not always: 0.3333 rounds
// 1/3 for the verifier but keeps its own key, and "x = 5" stays apart from "5"
// because "x = 5" and "y = 5" are not equal to each other).
//   scalar with an exact rational value  "q:<p>/<q>"  (0.5, \frac12, 1/2, 50\%)
//   constant scalar, finite value        "n:<re>,<im>" (12 significant digits)
//   tuple / interval / matrix / list     "t()(k1;k2)", "l{k1;k2}" (list keys sorted)
//   anything else                        StringKey(Normalize(answer))
// Non-finite values never get a numeric key (10^{400} is exact: "q:1000...").
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <string>
#include <vector>

#include "verifiers/evaluate.h"
#include "verifiers/expr.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

constexpr size_t kMaxKeyBytes = 64 * 1024;
constexpr size_t kMaxKeyItems = 256;

bool ScalarKind(Kind k) {
  return k != Kind::kTuple && k != Kind::kList && k != Kind::kInterval && k != Kind::kUnion &&
         k != Kind::kMatrix && k != Kind::kRel && k != Kind::kText && k != Kind::kPm;
}

// Value key of a scalar node, or "" when it has none (variables, text, inf).
std::string ValueKey(const Tree& t, int i, Budget* b) {
  mpq_class q;
  if (EvalExact(t, i, &q, b) && !b->exceeded) return "q:" + q.get_str();
  if (b->exceeded) return {};
  std::vector<std::string> syms;
  CollectSymbols(t, i, &syms, b);
  if (!syms.empty()) return {};
  std::complex<double> z = EvalNumeric(t, i, {}, b);
  if (b->exceeded || !std::isfinite(z.real()) || !std::isfinite(z.imag())) return {};
  char buf[64];
  std::snprintf(buf, sizeof buf, "n:%.12g,%.12g", z.real() + 0.0, z.imag() + 0.0);
  return buf;
}

// Key of node i built from its items' value keys; "" when an item has none
// (then the whole answer falls back to its string key).
std::string NodeKey(const Tree& t, int i, Budget* b, int depth) {
  const Node& n = t.at(i);
  if (depth > 8 || b->exceeded) return {};
  if (ScalarKind(n.kind)) return ValueKey(t, i, b);
  bool ordered = n.kind == Kind::kTuple || n.kind == Kind::kInterval || n.kind == Kind::kMatrix;
  if ((!ordered && n.kind != Kind::kList) || n.kids.size() > kMaxKeyItems) return {};
  std::vector<std::string> items;
  for (int k : n.kids) {
    std::string s = NodeKey(t, k, b, depth + 1);
    if (s.empty()) return {};
    items.push_back(std::move(s));
  }
  // A list keeps multiplicity (1, 2, 2 is not 1, 2 for the verifier).
  if (!ordered) std::sort(items.begin(), items.end());
  std::string key = n.kind == Kind::kList ? "l{" : n.kind == Kind::kTuple ? "t" + n.s + "(" : n.kind == Kind::kInterval ? "i" + n.s + "(" : "m(";
  for (size_t j = 0; j < items.size(); ++j) key += (j ? ";" : "") + items[j];
  return key + (ordered ? ")" : "}");
}

}  // namespace

std::string CanonicalKey(std::string_view answer) {
  try {
    if (answer.size() > kMaxKeyBytes) {
      size_t b = answer.find_first_not_of(" \t\r\n");
      size_t e = answer.find_last_not_of(" \t\r\n");
      return b == std::string_view::npos ? std::string() : std::string(answer.substr(b, e - b + 1));
    }
    std::string n = Normalize(answer);
    Budget budget;
    budget.left = VerifyOptions{}.step_budget;
    Tree t;
    if (!Parse(n, &t, &budget)) return StringKey(n);
    std::string k = NodeKey(t, t.root, &budget, 0);
    return k.empty() || budget.exceeded ? StringKey(n) : k;
  } catch (...) {
    return std::string(answer);
  }
}

}  // namespace upt::verifiers
