// hpt_code's comparisons (sympy simplify, Math-Verify's sympy_expr_eq), frozen
// at the fork's behaviour; reading is in hpt_parse.cpp and hpt_latex.cpp.
// Sources (read, not copied):
//   verl recipe/entropy/reward_score/entropy_math/__init__.py @246cac4c
//     (= TsinghuaC3I/Unify-Post-Training hpt/verl/verl/mix_src/entropy_math):
//     _sympy_parse:701-707, are_equal_under_sympy:880-891, is_latex_equal:629-679;
//   huggingface/Math-Verify src/math_verify/grader.py @5d148cf:
//     sympy_numeric_eq:117-171, sympy_deep_compare_set_and_tuple:207-250,
//     sympy_compare_interval:253-271, sympy_compare_relational:297-354,
//     sympy_compare_sets:377-438, is_assignment_relation:531-547,
//     sympy_expr_eq:599-690.
#include "verifiers/hpt_math.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <complex>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <gmpxx.h>

#include "core/rng.h"
#include "verifiers/evaluate.h"
#include "verifiers/hpt_read.h"

namespace upt::verifiers::hpt {
namespace {

using C = std::complex<double>;

bool IsScalar(const Tree& t, int i) {
  Kind k = t.at(i).kind;
  return k != Kind::kList && k != Kind::kTuple && k != Kind::kInterval && k != Kind::kRel;
}

bool Close(C a, C b, double tol) {
  if (!std::isfinite(std::abs(a)) || !std::isfinite(std::abs(b))) return false;
  return std::abs(a - b) <= tol * std::max({1.0, std::abs(a), std::abs(b)});
}

// The variables under node i, charging nothing: hpt_code's reader caps an answer at
// 4000 characters, which bounds these walks, and its budget verdicts stay those of
// hpt-code-2 (upt's rules charge theirs, evaluate.h).
void CollectSymbols(const Tree& t, int i, std::vector<std::string>* out) {
  Budget uncharged;
  uncharged.left = std::numeric_limits<long long>::max();
  ::upt::verifiers::CollectSymbols(t, i, out, &uncharged);
}

bool HasGamma(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kFact || (n.kind == Kind::kFunc && n.s == "binom")) return true;
  return std::any_of(n.kids.begin(), n.kids.end(), [&](int k) { return HasGamma(t, k); });
}

// Equal as functions of their variables (sympy's simplify(a - b) == 0):
// constants exactly when both are rational, else within tol; with variables
// exactly at 3 random rational points when both are rational functions, else
// at 6 random real points of either sign.
bool SameFunction(const Tree& g, int gi, const Tree& p, int pi, double tol, Budget* b) {
  if (!IsScalar(g, gi) || !IsScalar(p, pi)) return false;
  std::vector<std::string> syms;
  CollectSymbols(g, gi, &syms);
  CollectSymbols(p, pi, &syms);
  if (syms.size() > kMaxSymbols) return false;
  ExactEnv exact;
  Env env;
  bool rational = true;
  for (const auto& s : syms) {
    exact.push_back({s, mpq_class(0)});
    env.push_back({s, C(0, 0)});
    rational &= s != kImaginary;
  }
  for (uint64_t k = 0; k < 3 && rational; ++k) {
    RngStream rng(0x4870745f6d617468ULL, {k});
    for (auto& [name, v] : exact) {
      long num = static_cast<long>(rng.NextU64() >> 44) + 1, den = static_cast<long>(rng.NextU64() >> 54) + 1;
      v = mpq_class(rng.NextU64() & 1 ? -num : num, den);
      v.canonicalize();
    }
    mpq_class x, y;
    rational = EvalExact(g, gi, &x, b, &exact) && EvalExact(p, pi, &y, b, &exact);
    if (rational && x != y) return false;
    if (syms.empty()) break;
  }
  if (rational) return !b->exceeded;
  bool constant = syms.empty() || (syms.size() == 1 && syms[0] == kImaginary);
  bool positive = HasGamma(g, gi) || HasGamma(p, pi);  // x! and binom through the gamma function
  int valid = 0, points = constant ? 1 : 6;
  for (uint64_t k = 0; k < static_cast<uint64_t>(points) && !b->exceeded; ++k) {
    RngStream rng(0x4870745f6e756d73ULL, {k});
    for (auto& [name, v] : env)
      v = name == kImaginary ? C(0, 1) : C((rng.NextU64() & 1 && !positive ? -1 : 1) * (0.5 + 1.5 * rng.Uniform()), 0);
    C x = EvalNumeric(g, gi, env, b), y = EvalNumeric(p, pi, env, b);
    bool fx = std::isfinite(std::abs(x)), fy = std::isfinite(std::abs(y));
    if (fx != fy) return false;
    if (!fx) continue;
    if (!Close(x, y, tol)) return false;
    ++valid;
  }
  return !b->exceeded && valid >= (constant ? 1 : 3);
}

// A decimal literal, possibly negated (a sympy Float atom).
bool FloatAtom(const Tree& t, int i) {
  const auto* n = &t.at(i);
  if (n->kind == Kind::kNeg) n = &t.at(n->kids[0]);
  return n->kind == Kind::kNum && n->decimal;
}

// round(x, 6) of an exact rational, half away from zero.
mpq_class Round6(const mpq_class& x) {
  mpq_class scaled = x * 1000000 + (x < 0 ? mpq_class(-1, 2) : mpq_class(1, 2));
  mpz_class q = scaled.get_num() / scaled.get_den();  // truncates toward zero
  return mpq_class(q, 1000000);
}

// sympy_expr_eq for two scalars: numbers rounded to 6 places when one side is
// a decimal literal and both are rational; else equal values (15 digits; here
// exact or within 1e-12) or equal functions.
bool MvScalarEq(const Tree& g, int gi, const Tree& p, int pi, Budget* b) {
  mpq_class x, y;
  if ((FloatAtom(g, gi) || FloatAtom(p, pi)) && EvalExact(g, gi, &x, b) && EvalExact(p, pi, &y, b))
    return x == y || Round6(x) == Round6(y);
  return SameFunction(g, gi, p, pi, 1e-12, b);
}

bool MvEqual(Tree& g, int gi, Tree& p, int pi, Budget* b, int depth);
bool SameTree(const Tree& g, int gi, const Tree& p, int pi);

// lhs - rhs of a relation, as a new node of t.
int Difference(Tree& t, int rel, bool flip) {
  int l = t.at(rel).kids[0], r = t.at(rel).kids[1];
  if (flip) std::swap(l, r);
  int neg = t.Add(Kind::kNeg, {}, {r});
  return t.Add(Kind::kAdd, {}, {l, neg});
}

// is_expr_of_only_symbols: a name, or products, quotients and tuples of names.
bool OnlyNames(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kSym) return true;
  if (n.kind != Kind::kMul && n.kind != Kind::kDiv && n.kind != Kind::kTuple) return false;
  return std::all_of(n.kids.begin(), n.kids.end(), [&](int k) { return OnlyNames(t, k); });
}

bool HasSymbols(const Tree& t, int i) {
  std::vector<std::string> syms;
  CollectSymbols(t, i, &syms);
  return !syms.empty();
}

// Relational.as_set for a relation with constant other sides (function calls
// such as f(x) read as one symbol, as unwrap_fcs does): x < c, c <= x,
// a < x <= b; -1 when it is not one.
int RelationInterval(Tree& t, int rel) {
  const Node n = t.at(rel);
  std::string o1 = n.s, o2;
  size_t bar = o1.find('|');
  if (bar != std::string::npos) o2 = o1.substr(bar + 1), o1 = o1.substr(0, bar);
  auto less = [](const std::string& o) { return o[0] == '<'; };
  auto closed = [](const std::string& o) { return o.size() == 2; };
  if (o1 == "=" || o1 == "!=" || (!o2.empty() && less(o1) != less(o2))) return -1;
  int inf = t.Add(Kind::kConst, "inf"), ninf = t.Add(Kind::kNeg, {}, {inf});
  int lo = ninf, hi = inf;
  std::string br = "()";
  if (n.kids.size() == 3) {
    if (!HasSymbols(t, n.kids[1]) || HasSymbols(t, n.kids[0]) || HasSymbols(t, n.kids[2])) return -1;
    bool up = less(o1);
    lo = n.kids[up ? 0 : 2], hi = n.kids[up ? 2 : 0];
    br = {closed(up ? o1 : o2) ? '[' : '(', closed(up ? o2 : o1) ? ']' : ')'};
  } else {
    bool name_left = HasSymbols(t, n.kids[0]) && !HasSymbols(t, n.kids[1]);
    bool name_right = HasSymbols(t, n.kids[1]) && !HasSymbols(t, n.kids[0]);
    if (!name_left && !name_right) return -1;
    int c = n.kids[name_left ? 1 : 0];
    bool upper = less(o1) == name_left;  // x < c or c > x: c is the upper end
    (upper ? hi : lo) = c;
    br = upper ? std::string{'(', closed(o1) ? ']' : ')'} : std::string{closed(o1) ? '[' : '(', ')'};
  }
  return t.Add(Kind::kInterval, br, {lo, hi});
}

bool IsEq(const Tree& t, int i) { return t.at(i).kind == Kind::kRel && t.at(i).s == "="; }

// x / y at random points, when it is one non-zero constant (the differences of
// two relations with the same solutions, as solve() would find them).
bool ConstantRatio(const Tree& g, int gi, const Tree& p, int pi, Budget* b, double* ratio) {
  std::vector<std::string> syms;
  CollectSymbols(g, gi, &syms);
  CollectSymbols(p, pi, &syms);
  if (syms.empty() || syms.size() > kMaxSymbols) return false;
  Env env;
  for (const auto& name : syms) env.push_back({name, C(0, 0)});
  int valid = 0;
  for (uint64_t k = 0; k < 6 && !b->exceeded; ++k) {
    RngStream rng(0x4870745f72617469ULL, {k});
    for (auto& [name, v] : env) v = C((rng.NextU64() & 1 ? -1 : 1) * (0.5 + 1.5 * rng.Uniform()), 0);
    C x = EvalNumeric(g, gi, env, b), y = EvalNumeric(p, pi, env, b);
    if (!std::isfinite(std::abs(x)) || !std::isfinite(std::abs(y)) || std::abs(y) < 1e-9) continue;
    C r = x / y;
    if (std::abs(r.imag()) > 1e-9 * std::abs(r) || std::abs(r) < 1e-12) return false;
    if (valid > 0 && !Close(r, C(*ratio, 0), 1e-9)) return false;
    *ratio = r.real();
    ++valid;
  }
  return !b->exceeded && valid >= 3;
}

// sympy_compare_relational: the same (or mirrored) relation with equal side
// differences; else, as its solve-and-compare step finds for such relations,
// differences in a constant ratio (positive for inequalities).
bool MvRelations(Tree& g, int gi, Tree& p, int pi, Budget* b) {
  static const std::vector<std::pair<std::string, std::string>> kFlip = {
      {"<", ">"}, {">", "<"}, {"<=", ">="}, {">=", "<="}, {"=", "="}, {"!=", "!="}};
  const std::string go = g.at(gi).s, po = p.at(pi).s;
  if (g.at(gi).kids.size() == 3 || p.at(pi).kids.size() == 3) {  // chains: the same ops, side by side
    if (go != po || g.at(gi).kids.size() != p.at(pi).kids.size()) return false;
    for (size_t k = 0; k < 3; ++k)
      if (!MvScalarEq(g, g.at(gi).kids[k], p, p.at(pi).kids[k], b)) return false;
    return true;
  }
  bool mirrored = false;
  for (const auto& [x, y] : kFlip) mirrored |= go == x && po == y;
  if (go != po && !mirrored) return false;
  int gd = Difference(g, gi, false), pd = Difference(p, pi, go != po);
  if (MvScalarEq(g, gd, p, pd, b)) return true;
  if (go == po && mirrored && MvScalarEq(g, gd, p, Difference(p, pi, true), b)) return true;  // = and !=
  double ratio = 0;
  return ConstantRatio(g, gd, p, pd, b, &ratio) && (go == "=" || go == "!=" || ratio > 0);
}

// Items in sympy's canonical order: by value (tuples by their items' values),
// as written when some item has no constant value.
std::vector<int> Ordered(const Tree& t, std::vector<int> items, Budget* b) {
  std::vector<std::pair<std::vector<double>, int>> keyed;
  for (int k : items) {
    int v = IsEq(t, k) && OnlyNames(t, t.at(k).kids[0]) ? t.at(k).kids[1] : k;
    std::vector<int> leaves = IsScalar(t, v) ? std::vector<int>{v} : t.at(v).kids;
    std::vector<double> key;
    for (int leaf : leaves) {
      C z = IsScalar(t, leaf) ? EvalNumeric(t, leaf, {}, b) : C(NAN, 0);
      if (!std::isfinite(z.real())) return items;
      key.push_back(z.real());
    }
    keyed.push_back({key, k});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  for (size_t k = 0; k < keyed.size(); ++k) items[k] = keyed[k].second;
  return items;
}

// A FiniteSet holds each element once.
std::vector<int> Distinct(const Tree& t, const std::vector<int>& items) {
  std::vector<int> out;
  for (int k : items)
    if (std::none_of(out.begin(), out.end(), [&](int o) { return SameTree(t, o, t, k); })) out.push_back(k);
  return out;
}

// sympy_compare_sets / sympy_deep_compare_set_and_tuple / sympy_compare_interval.
bool MvCollections(Tree& g, int gi, Tree& p, int pi, Budget* b, int depth) {
  auto items = [](const Tree& t, int i) {
    return IsScalar(t, i) || t.at(i).kind == Kind::kRel ? std::vector<int>{i} : t.at(i).kids;
  };
  std::vector<int> ga = items(g, gi), pa = items(p, pi);
  Kind gk = g.at(gi).kind, pk = p.at(pi).kind;
  if (gk == Kind::kList) ga = Distinct(g, ga);
  if (pk == Kind::kList) pa = Distinct(p, pa);
  if (ga.size() != pa.size()) return false;
  bool g_set = gk == Kind::kList || IsScalar(g, gi), p_set = pk == Kind::kList || IsScalar(p, pi);
  if (!g_set && !p_set && ga.size() == 2) {
    bool g_int = g.at(gi).s != "()" || gk == Kind::kInterval, p_int = p.at(pi).s != "()" || pk == Kind::kInterval;
    if ((g_int || p_int) && g.at(gi).s != p.at(pi).s) return false;  // brackets of intervals
  }
  if (g_set) {
    ga = Ordered(g, ga, b);
    pa = Ordered(p, pa, b);
  }
  for (size_t k = 0; k < ga.size(); ++k)
    if (!MvEqual(g, ga[k], p, pa[k], b, depth + 1)) return false;
  return true;
}

// sympy_str_eq: the same tree.
bool SameTree(const Tree& g, int gi, const Tree& p, int pi) {
  const Node &x = g.at(gi), &y = p.at(pi);
  if (x.kind != y.kind || x.s != y.s || x.kids.size() != y.kids.size()) return false;
  for (size_t k = 0; k < x.kids.size(); ++k)
    if (!SameTree(g, x.kids[k], p, y.kids[k])) return false;
  return true;
}

// Unions: the same parts in any order; matrices: the same shape, element-wise.
bool MvUnionOrMatrix(Tree& g, int gi, Tree& p, int pi, Budget* b, int depth) {
  const Node gn = g.at(gi), pn = p.at(pi);
  if (gn.kind != pn.kind || gn.kids.size() != pn.kids.size()) return false;
  if (gn.kind == Kind::kMatrix) {
    for (size_t r = 0; r < gn.kids.size(); ++r) {
      const Node gr = g.at(gn.kids[r]), pr = p.at(pn.kids[r]);
      if (gr.kids.size() != pr.kids.size()) return false;
      for (size_t c = 0; c < gr.kids.size(); ++c)
        if (!MvEqual(g, gr.kids[c], p, pr.kids[c], b, depth + 1)) return false;
    }
    return true;
  }
  std::vector<bool> used(pn.kids.size(), false);
  for (int gk : gn.kids) {
    bool found = false;
    for (size_t k = 0; k < pn.kids.size() && !found; ++k)
      if (!used[k] && MvEqual(g, gk, p, pn.kids[k], b, depth + 1)) used[k] = found = true;
    if (!found) return false;
  }
  return true;
}

bool IsSet(const Tree& t, int i) {
  Kind k = t.at(i).kind;
  return k == Kind::kInterval || k == Kind::kList || k == Kind::kUnion || (k == Kind::kTuple && t.at(i).kids.size() == 2);
}

// A word: "\\text{odd}" (one symbol) or "odd" (the product o*d*d), lower case;
// empty when node i is neither (grader.py sympy_compare_symbols:441-494).
std::string Word(const Tree& t, int i) {
  const Node& n = t.at(i);
  auto letter = [&](int k) -> std::string {
    const Node& x = t.at(k);
    if (x.kind == Kind::kConst && x.s == "e") return "e";
    if (x.kind != Kind::kSym) return {};
    if (x.s.compare(0, 3, "_w_") == 0) return x.s.substr(3);
    return x.s.size() == 1 ? std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(x.s[0])))) : "";
  };
  if (n.kind != Kind::kMul) return letter(i);
  std::string w;
  for (int k : n.kids) {
    std::string l = letter(k);
    if (l.empty()) return {};
    w += l;
  }
  return w;
}

bool MvEqual(Tree& g, int gi, Tree& p, int pi, Budget* b, int depth) {
  if (depth > kMaxDepth || b->exceeded) return false;
  bool g_assign = IsEq(g, gi) && OnlyNames(g, g.at(gi).kids[0]);
  bool g_eq = IsEq(g, gi), p_eq = IsEq(p, pi);
  if (p_eq && !g_eq) pi = p.at(pi).kids[1];
  else if (g_assign && !p_eq) gi = g.at(gi).kids[1];
  if (SameTree(g, gi, p, pi)) return true;
  std::string gw = Word(g, gi);
  if (gw.size() > 1 && gw == Word(p, pi)) return true;  // \text{odd} = odd
  bool g_rel = g.at(gi).kind == Kind::kRel, p_rel = p.at(pi).kind == Kind::kRel;
  if (g_rel && IsSet(p, pi)) {  // 1 < x < 2 against an interval (sympy_expr_eq:666-672)
    int as_set = RelationInterval(g, gi);
    if (as_set < 0) return false;
    gi = as_set;
    g_rel = false;
  }
  if (g_rel && p_rel) return MvRelations(g, gi, p, pi, b);
  if (g_rel || p_rel) return false;
  Kind gk = g.at(gi).kind, pk = p.at(pi).kind;
  if (gk == Kind::kUnion || pk == Kind::kUnion || gk == Kind::kMatrix || pk == Kind::kMatrix)
    return MvUnionOrMatrix(g, gi, p, pi, b, depth);
  if (!IsScalar(g, gi) || !IsScalar(p, pi)) return MvCollections(g, gi, p, pi, b, depth);
  return MvScalarEq(g, gi, p, pi, b);
}

}  // namespace

bool SympyDiffIsZero(std::string_view gold, std::string_view pred, Budget* b) {
  Tree g, p;
  if (!ParseAnswer(gold, Dialect::kSympyText, &g, b) || !ParseAnswer(pred, Dialect::kSympyText, &p, b)) return false;
  return SameFunction(g, g.root, p, p.root, 1e-10, b);
}

bool MathVerifyEqual(std::string_view gold, std::string_view pred, Budget* b) {
  Tree g, p;
  if (!ParseAnswer(gold, Dialect::kLatex, &g, b) || !ParseAnswer(pred, Dialect::kLatex, &p, b)) return false;
  return MvEqual(g, g.root, p, p.root, b, 0);
}

}  // namespace upt::verifiers::hpt
