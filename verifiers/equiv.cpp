// Equivalence rules between a gold tree and a predicted tree (gold first: the
// rules are deliberately asymmetric where a false positive is the risk; see
// docs/verifiers.md "Asymmetries").
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <complex>
#include <string>
#include <vector>

#include "core/rng.h"
#include "verifiers/evaluate.h"
#include "verifiers/expr.h"

namespace upt::verifiers {
namespace {

using C = std::complex<double>;
constexpr int kPoints = 6;          // random points for symbolic comparison
constexpr int kMinValidPoints = 3;  // points where both sides are finite
constexpr double kSymbolicTol = 1e-7;
constexpr double kExactTol = 1e-9;  // irrational exact forms (no decimals written)
constexpr double kAbsFloor = 1e-12;  // sin(pi) vs 0
constexpr double kMaxExactInt = 1e15;  // larger integer golds compare with tolerance
constexpr int kMinSigDigits = 4;  // a rounded decimal vs an exact gold needs >= 4 digits
constexpr int kMinPlaces = 4;     // ... and >= 4 decimal places (0.7071, not 4.899)
constexpr size_t kMaxItems = 256;   // list / tuple length bound
constexpr uint64_t kPointSeed = 0x5eed7e11f1e5ULL;

bool Finite(C z) { return std::isfinite(z.real()) && std::isfinite(z.imag()); }

bool Close(C a, C b, double tol) {
  double scale = std::max(std::abs(a), std::abs(b));
  double diff = std::abs(a - b);
  // The absolute floor only applies against an exact zero (sin(pi) vs 0), so
  // tiny physical constants (2.88e-19) still compare relatively.
  bool zero = a == C(0, 0) || b == C(0, 0);
  return diff <= tol * scale || (zero && diff <= kAbsFloor);
}

struct Ctx {
  const Tree& g;
  const Tree& p;
  double rel_tol;
  Budget* b;
  std::string rule;
};

bool Eq(Ctx& c, int gi, int pi);

bool IsScalar(Kind k) {
  return k != Kind::kTuple && k != Kind::kList && k != Kind::kInterval && k != Kind::kUnion &&
         k != Kind::kMatrix && k != Kind::kRel && k != Kind::kText && k != Kind::kPm;
}

// Equation left sides that only name the answer: x, f(x), a_1, M (products of symbols).
bool NameLike(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kSym) return true;
  if (n.kind == Kind::kMul && n.kids.size() <= 3) {
    for (int k : n.kids)
      if (t.at(k).kind != Kind::kSym) return false;
    return true;
  }
  return false;
}

// A name, or a tuple of names: the left side of "(x, y) = (1, -2)".
bool NamesOnly(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind != Kind::kTuple) return NameLike(t, i);
  for (int k : n.kids)
    if (!NameLike(t, k)) return false;
  return !n.kids.empty();
}

// A product or quotient of names without numbers: "\frac{NO}{BO}", "xy", "f(x)".
// Sums are excluded ("x + y = 1" is more likely a line than a value of x + y).
bool NameExpr(const Tree& t, int i, int depth = 0) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kSym) return true;
  if (depth > 8 || n.kids.empty() || n.kids.size() > 8) return false;
  if (n.kind != Kind::kMul && n.kind != Kind::kDiv) return false;
  for (int k : n.kids)
    if (!NameExpr(t, k, depth + 1)) return false;
  return true;
}

// Left sides of a gold "L = value" that only name the answer, so the bare
// value is accepted: a name, a tuple of names, or a NameExpr.
bool NamingSide(const Tree& t, int i) { return NamesOnly(t, i) || NameExpr(t, i); }

// "x = 5", "(x, y) = (1, -2)", "a + b = 7.5", "6^3 = 216": node i (an "=")
// states a value: its right side, when the left is a name or the right is a
// constant (no variables but the imaginary unit: "x + yi = -8 + 0i").
bool VariableFree(const Tree& t, int i) {
  std::vector<std::string> syms;
  CollectSymbols(t, i, &syms);
  for (const auto& v : syms)
    if (v != "i") return false;
  return true;
}

bool ValueStatement(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (NamesOnly(t, n.kids[0])) return true;
  return VariableFree(t, n.kids[1]) && IsScalar(t.at(n.kids[1]).kind);
}

std::string Key(const Tree& t, int i) {
  const Node& n = t.at(i);
  std::string k = n.s + "(";
  for (int c : n.kids) k += Key(t, c) + ",";
  return k + ")";
}

bool InfSign(const Tree& t, int i, int* sign) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kConst && n.s == "inf") { *sign = 1; return true; }
  if (n.kind == Kind::kNeg && InfSign(t, n.kids[0], sign)) { *sign = -*sign; return true; }
  return false;
}

bool HasExponent(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kNum) return n.s.find_first_of("eE") != std::string::npos;
  if (n.kind == Kind::kPow) return true;
  for (int k : n.kids)
    if (HasExponent(t, k)) return true;
  return false;
}

// Digits of a decimal literal: significant ones, and decimal places counted
// from the point after applying the exponent (1.25e-3 has 5 places).
struct Digits {
  int sig = 99;
  int places = 99;
};

Digits LiteralDigits(const std::string& s) {
  Digits d{0, 0};
  size_t e = s.find_first_of("eE");
  bool lead = true, frac = false;
  for (size_t k = 0; k < std::min(e, s.size()); ++k) {
    char ch = s[k];
    if (ch == '.') frac = true;
    if (ch < '0' || ch > '9') continue;
    d.places += frac;
    if (lead && ch == '0') continue;
    lead = false;
    ++d.sig;
  }
  if (e != std::string::npos) d.places -= std::atoi(s.c_str() + e + 1);
  return d;
}

// Fewest digits among the decimal literals under node i (99 if none).
Digits MinDigits(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kNum) return n.decimal ? LiteralDigits(n.s) : Digits{};
  Digits m;
  for (int k : n.kids) {
    Digits d = MinDigits(t, k);
    m.sig = std::min(m.sig, d.sig);
    m.places = std::min(m.places, d.places);
  }
  return m;
}

bool HasInf(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kConst && n.s == "inf") return true;
  for (int k : n.kids)
    if (HasInf(t, k)) return true;
  return false;
}

// One side of a comparison: node a, or the difference a - b (for relations).
struct Side {
  const Tree* t;
  int a;
  int b = -1;
  C Eval(const Env& env, Budget* budget) const {
    C v = EvalNumeric(*t, a, env, budget);
    return b < 0 ? v : v - EvalNumeric(*t, b, env, budget);
  }
  void Symbols(std::vector<std::string>* out) const {
    CollectSymbols(*t, a, out);
    if (b >= 0) CollectSymbols(*t, b, out);
  }
};

// Values of gold and pred at shared random points; false when too few valid.
bool SamplePoints(Ctx& c, const Side& g, const Side& p, std::vector<std::pair<C, C>>* vals) {
  std::vector<std::string> syms;
  g.Symbols(&syms);
  p.Symbols(&syms);
  if (syms.size() > kMaxSymbols) return false;
  Env env;
  for (const auto& s : syms) env.push_back({s, C(0, 0)});
  int points = syms.empty() ? 1 : kPoints;
  for (int k = 0; k < points && !c.b->exceeded; ++k) {
    RngStream rng(kPointSeed, {static_cast<uint64_t>(k)});
    for (auto& [name, v] : env) v = name == "i" ? C(0, 1) : C(0.35 + 1.7 * rng.Uniform(), 0);
    C a = g.Eval(env, c.b), b = p.Eval(env, c.b);
    if (Finite(a) != Finite(b)) return false;  // different domains: not equal
    if (Finite(a)) vals->push_back({a, b});
  }
  return static_cast<int>(vals->size()) >= (syms.empty() ? 1 : kMinValidPoints);
}

// One unit in the last written place of a lone decimal literal (or its
// negation): 4.89898 -> 1e-5, 1.2e-3 -> 1e-4; 0 when node i is not one.
double LastPlaceUnit(const Tree& t, int i) {
  const Node* n = &t.at(i);
  if (n->kind == Kind::kNeg) n = &t.at(n->kids[0]);
  if (n->kind != Kind::kNum || !n->decimal) return 0;
  return std::pow(10.0, -LiteralDigits(n->s).places);
}

// An exact gold (no decimals written) matched only approximately by a decimal
// is a rounding of it only with at least kMinSigDigits significant digits and
// kMinPlaces decimal places, every digit right (rounded or truncated:
// |gold - pred| <= one unit in the last place). 0.7071 and 1.0472 are
// \frac{\sqrt2}{2} and \frac\pi3; 4.899 is not 2\sqrt6 (3 places), 4.8990 is,
// 4.8988 is not (last digit wrong); 0.618 is not (\sqrt5-1)/2.
bool RoundedTooCoarse(Ctx& c, int gi, int pi, double gold, double pred) {
  if (HasDecimal(c.g, gi)) return false;
  Digits d = MinDigits(c.p, pi);
  double unit = LastPlaceUnit(c.p, pi);
  bool coarse = d.sig < kMinSigDigits || d.places < kMinPlaces;
  bool wrong_digit = unit > 0 && std::abs(gold - pred) > unit * (1 + 1e-9);
  if (!coarse && !wrong_digit) return false;
  c.rule = coarse ? "too_few_digits" : "wrong_last_digit";
  return true;
}

bool ScalarEq(Ctx& c, int gi, int pi) {
  int gs = 0, ps = 0;
  bool gi_inf = InfSign(c.g, gi, &gs), pi_inf = InfSign(c.p, pi, &ps);
  if (gi_inf || pi_inf) {
    c.rule = "equal_infinity";
    return gi_inf && pi_inf && gs == ps;
  }
  if (HasInf(c.g, gi) || HasInf(c.p, pi)) {
    c.rule = "structural";
    return Key(c.g, gi) == Key(c.p, pi);
  }
  bool decimals = HasDecimal(c.g, gi) || HasDecimal(c.p, pi);
  mpq_class a, b;
  if (EvalExact(c.g, gi, &a, c.b) && EvalExact(c.p, pi, &b, c.b)) {
    // An integer gold ("142", "142.0") gets no tolerance; scientific notation
    // and huge values ("4.5e33") do.
    bool gold_integer = a.get_den() == 1 && !HasExponent(c.g, gi) && abs(a) < mpq_class(kMaxExactInt);
    if (!decimals || gold_integer || a == b) {
      c.rule = "equal_rational";
      return a == b;
    }
    c.rule = "equal_numeric";
    return Close(C(a.get_d(), 0), C(b.get_d(), 0), c.rel_tol) &&
           !RoundedTooCoarse(c, gi, pi, a.get_d(), b.get_d());
  }
  if (c.b->exceeded) return false;
  std::vector<std::pair<C, C>> vals;
  std::vector<std::string> syms;
  CollectSymbols(c.g, gi, &syms);
  CollectSymbols(c.p, pi, &syms);
  if (!SamplePoints(c, Side{&c.g, gi}, Side{&c.p, pi}, &vals)) {
    c.rule = "not_comparable";
    return false;
  }
  double tight = syms.empty() ? kExactTol : kSymbolicTol;
  c.rule = syms.empty() ? "equal_numeric" : "equal_symbolic";
  auto all_close = [&](double tol) {
    for (const auto& [x, y] : vals)
      if (!Close(x, y, tol)) return false;
    return true;
  };
  if (all_close(tight)) return true;  // 0.5N = N/2 exactly
  if (!decimals) return false;
  return all_close(std::max(c.rel_tol, tight)) && !RoundedTooCoarse(c, gi, pi, vals[0].first.real(), vals[0].second.real());
}

// (lhs - rhs) of gold and pred are non-zero multiples of each other at every
// point; with `positive` the factor must be a positive real (inequalities:
// "x < 1" is "-x > -1" and "2x < 2", never "-x < -1").
bool ProportionalSides(Ctx& c, const Side& gs, const Side& ps, bool positive) {
  std::vector<std::pair<C, C>> vals;
  if (!SamplePoints(c, gs, ps, &vals)) return false;
  C ratio(0, 0);
  for (const auto& [x, y] : vals) {
    if (std::abs(x) < 1e-12 && std::abs(y) < 1e-12) continue;
    if (std::abs(y) < 1e-12) return false;
    C r = x / y;
    if (ratio == C(0, 0)) ratio = r;
    else if (!Close(r, ratio, kSymbolicTol)) return false;
  }
  if (positive && !(ratio.real() > 0 && std::abs(ratio.imag()) <= 1e-9 * ratio.real())) return false;
  c.rule = "equal_equation";
  return ratio != C(0, 0) || vals.size() >= 1;
}

bool ProportionalEq(Ctx& c, int g, int p) {
  const Node& gn = c.g.at(g);
  const Node& pn = c.p.at(p);
  return ProportionalSides(c, Side{&c.g, gn.kids[0], gn.kids[1]}, Side{&c.p, pn.kids[0], pn.kids[1]},
                           /*positive=*/false);
}

std::string FlipOp(const std::string& op) {
  return op == "<" ? ">" : op == ">" ? "<" : op == "<=" ? ">=" : op == ">=" ? "<=" : op;
}

bool Constant(const Tree& t, int i) {
  std::vector<std::string> syms;
  CollectSymbols(t, i, &syms);
  return syms.empty() && IsScalar(t.at(i).kind);
}

// A set of reals written as an interval ("[2, 5)", "(-\infty, 3)" read as a
// tuple) or as an inequality in one lone name with constant other sides
// ("k < -5", "2 \le x", "-2 \le x \le 7", "0 < f(x) < 1"). An endpoint is a
// node, or (node -1) an infinity of sign inf implied by a one-sided inequality.
struct Span {
  int lo = -1, hi = -1;
  int lo_inf = 0, hi_inf = 0;
  std::string br;
  int name = -1;  // the named side of an inequality; -1 for an interval
};

bool IntervalSpan(const Tree& t, int i, Span* s) {
  const Node& n = t.at(i);
  bool open_pair = n.kind == Kind::kTuple && n.s == "()";
  if ((n.kind != Kind::kInterval && !open_pair) || n.kids.size() != 2) return false;
  s->lo = n.kids[0];
  s->hi = n.kids[1];
  s->br = n.kind == Kind::kInterval ? n.s : "()";
  return true;
}

bool RelSpan(const Tree& t, int i, Span* s) {
  const Node& n = t.at(i);
  if (n.kind != Kind::kRel || n.kids.size() != 2) return false;
  auto up = [](const std::string& op) { return op == "<" || op == "<="; };
  auto down = [](const std::string& op) { return op == ">" || op == ">="; };
  const Node& l = t.at(n.kids[0]);
  if (l.kind == Kind::kRel) {  // a op1 x op2 b
    if (l.kids.size() != 2) return false;
    int a = l.kids[0], x = l.kids[1], b = n.kids[1];
    if (!NameLike(t, x) || !Constant(t, a) || !Constant(t, b)) return false;
    const std::string &op1 = l.s, &op2 = n.s;
    if (up(op1) && up(op2)) {
      s->lo = a, s->hi = b;
      s->br = {op1 == "<" ? '(' : '[', op2 == "<" ? ')' : ']'};
    } else if (down(op1) && down(op2)) {
      s->lo = b, s->hi = a;
      s->br = {op2 == ">" ? '(' : '[', op1 == ">" ? ')' : ']'};
    } else {
      return false;
    }
    s->name = x;
    return true;
  }
  int x, v;
  std::string op = n.s;
  if (NameLike(t, n.kids[0]) && Constant(t, n.kids[1])) {
    x = n.kids[0], v = n.kids[1];
  } else if (NameLike(t, n.kids[1]) && Constant(t, n.kids[0])) {
    x = n.kids[1], v = n.kids[0], op = FlipOp(op);
  } else {
    return false;
  }
  if (up(op)) {
    s->lo_inf = -1, s->hi = v;
    s->br = op == "<" ? "()" : "(]";
  } else if (down(op)) {
    s->lo = v, s->hi_inf = 1;
    s->br = op == ">" ? "()" : "[)";
  } else {
    return false;
  }
  s->name = x;
  return true;
}

bool EndEq(Ctx& c, int g, int ginf, int p, int pinf) {
  if (g >= 0 && p >= 0) return Eq(c, g, p);
  int gs = ginf, ps = pinf;
  if (g >= 0 && !InfSign(c.g, g, &gs)) return false;
  if (p >= 0 && !InfSign(c.p, p, &ps)) return false;
  return gs != 0 && gs == ps;
}

bool SpanEq(Ctx& c, const Span& g, const Span& p) {
  bool r = g.br == p.br && (g.name < 0 || p.name < 0 || Key(c.g, g.name) == Key(c.p, p.name)) &&
           EndEq(c, g.lo, g.lo_inf, p.lo, p.lo_inf) && EndEq(c, g.hi, g.hi_inf, p.hi, p.hi_inf);
  c.rule = "equal_interval";
  return r;
}

bool RelEq(Ctx& c, int gi, int pi) {
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  int gl = g.kids[0], gr = g.kids[1], pl = p.kids[0], pr = p.kids[1];
  if (g.s == "=" && p.s == "=") {
    if (NamingSide(c.g, gl) && NamingSide(c.p, pl) && Key(c.g, gl) == Key(c.p, pl)) return Eq(c, gr, pr);
    if (NamingSide(c.g, gl) && NamingSide(c.p, pr) && Key(c.g, gl) == Key(c.p, pr)) return Eq(c, gr, pl);
    return ProportionalEq(c, gi, pi);
  }
  // One-name inequalities (chains too) compare as the sets they describe.
  Span gs, ps;
  if (RelSpan(c.g, gi, &gs) && RelSpan(c.p, pi, &ps) && Key(c.g, gs.name) == Key(c.p, ps.name))
    return SpanEq(c, gs, ps);
  if (g.s == p.s && Eq(c, gl, pl) && Eq(c, gr, pr)) return true;
  if (g.s == FlipOp(p.s) && Eq(c, gl, pr) && Eq(c, gr, pl)) return true;
  if (c.b->exceeded) return false;
  // Same relation after orienting both to "<", "<=" (or "!="), with the
  // differences of the sides proportional: "x < 1" is "-x > -1".
  auto orient = [](const std::string& op, bool* swap) {
    *swap = op == ">" || op == ">=";
    return *swap ? FlipOp(op) : op;
  };
  bool gswap = false, pswap = false;
  std::string go = orient(g.s, &gswap), po = orient(p.s, &pswap);
  if (go != po || go == "=") {
    c.rule = "relation_mismatch";
    return false;
  }
  c.rule = "not_equal";
  for (int k : {gl, gr})
    if (!IsScalar(c.g.at(k).kind)) return false;
  for (int k : {pl, pr})
    if (!IsScalar(c.p.at(k).kind)) return false;
  if (HasInf(c.g, gi) || HasInf(c.p, pi)) return false;
  Side gside{&c.g, gswap ? gr : gl, gswap ? gl : gr}, pside{&c.p, pswap ? pr : pl, pswap ? pl : pr};
  std::vector<std::string> syms;
  gside.Symbols(&syms);
  pside.Symbols(&syms);
  if (syms.empty()) return false;
  if (ProportionalSides(c, gside, pside, /*positive=*/go != "!=")) return true;
  c.rule = "not_equal";
  return false;
}

// Unordered multiset match (greedy is exact for an equivalence relation).
bool UnorderedEq(Ctx& c, const std::vector<int>& gk, const std::vector<int>& pk) {
  if (gk.size() != pk.size() || gk.size() > kMaxItems) return false;
  std::vector<bool> used(pk.size(), false);
  for (int g : gk) {
    bool found = false;
    for (size_t j = 0; j < pk.size() && !found; ++j) {
      if (used[j]) continue;
      if (Eq(c, g, pk[j])) { used[j] = true; found = true; }
      if (c.b->exceeded) return false;
    }
    if (!found) return false;
  }
  return true;
}

// Items of an answer list, duplicates removed (the first of equal items kept).
std::vector<int> DistinctItems(Ctx& c, const Tree& t, const std::vector<int>& items) {
  Ctx self{t, t, c.rel_tol, c.b, {}};
  std::vector<int> kept;
  for (int k : items) {
    bool dup = false;
    for (size_t j = 0; j < kept.size() && !dup && !c.b->exceeded; ++j) dup = Eq(self, kept[j], k);
    if (!dup) kept.push_back(k);
  }
  return kept;
}

// Gold list vs pred list/tuple: a multiset match, except that when the gold
// lists pairwise distinct tuples (solutions (p, q, r, s)) a pred repeating a
// tuple is read as a set ((3,17,3,7) listed twice). Scalar items keep
// multiplicity (1, 2, 2 is not 1, 2: a repeated root claims a double root),
// and so does a gold with repeats.
constexpr size_t kMaxDedupItems = 64;
bool ListEq(Ctx& c, const std::vector<int>& gk, const std::vector<int>& pk) {
  if (pk.size() <= gk.size() || pk.size() > kMaxDedupItems) return UnorderedEq(c, gk, pk);
  for (int k : gk)
    if (c.g.at(k).kind != Kind::kTuple) return UnorderedEq(c, gk, pk);
  if (DistinctItems(c, c.g, gk).size() != gk.size() || c.b->exceeded) return false;
  std::vector<int> uniq = DistinctItems(c, c.p, pk);
  if (c.b->exceeded) return false;
  return UnorderedEq(c, gk, uniq);
}

// The components of a column (n x 1) or row (1 x n) vector, n >= 2.
bool VectorItems(const Tree& t, int i, std::vector<int>* out) {
  const Node& n = t.at(i);
  if (n.kind != Kind::kMatrix || n.kids.empty()) return false;
  out->clear();
  if (n.kids.size() == 1) {
    *out = t.at(n.kids[0]).kids;
    return out->size() >= 2;
  }
  for (int row : n.kids) {
    const Node& r = t.at(row);
    if (r.kids.size() != 1) return false;
    out->push_back(r.kids[0]);
  }
  return true;
}

bool OrderedEq(Ctx& c, const std::vector<int>& gk, const std::vector<int>& pk) {
  if (gk.size() != pk.size() || gk.size() > kMaxItems) return false;
  for (size_t j = 0; j < gk.size(); ++j)
    if (!Eq(c, gk[j], pk[j])) return false;
  return true;
}

// Items written "x = 1": a gold tuple is not matched by named components,
// since which name is which position is a guess (x=1, y=-2 vs (1,-2)).
bool HasNamedItem(const Tree& t, const std::vector<int>& kids) {
  for (int k : kids) {
    const Node& n = t.at(k);
    if (n.kind == Kind::kRel && n.s == "=" && NameLike(t, n.kids[0])) return true;
  }
  return false;
}

bool Eq(Ctx& c, int gi, int pi) {
  if (!c.b->Charge(1)) return false;
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  std::string rule;
  bool r = false;
  // Gold "5" or "(1, -2)" vs pred "x = 5" or "(x, y) = (1, -2)".
  if (g.kind != Kind::kRel && p.kind == Kind::kRel && p.s == "=" && ValueStatement(c.p, pi)) {
    if (!Eq(c, gi, p.kids[1])) return false;
    if (!VariableFree(c.p, p.kids[0])) return true;
    // A computation "729 - 192 + 3 = 540" must be true: "\boxed{0 = 2}" is not 2.
    Ctx self{c.p, c.p, c.rel_tol, c.b, {}};
    if (Eq(self, p.kids[0], p.kids[1])) return true;
    c.rule = "false_statement";
    return false;
  }
  switch (g.kind) {
    case Kind::kList:
      rule = "equal_set";
      if (p.kind == Kind::kList || p.kind == Kind::kTuple) r = ListEq(c, g.kids, p.kids);
      break;
    case Kind::kTuple:
      rule = "equal_tuple";
      if ((p.kind == Kind::kTuple || p.kind == Kind::kList) && HasNamedItem(c.p, p.kids)) {
        c.rule = "named_components";
        return false;
      }
      if (p.kind == Kind::kTuple || p.kind == Kind::kList) r = OrderedEq(c, g.kids, p.kids);
      else if (p.kind == Kind::kInterval && p.s == "()" ) r = OrderedEq(c, g.kids, p.kids);
      else if (p.kind == Kind::kMatrix) {
        std::vector<int> items;
        if (VectorItems(c.p, pi, &items)) r = OrderedEq(c, g.kids, items);
      } else if (p.kind == Kind::kRel) {
        // "(-\infty, -5)" or "(-793, 10)" vs "k < -5", "-793 < a < 10".
        Span gs, ps;
        if (IntervalSpan(c.g, gi, &gs) && RelSpan(c.p, pi, &ps)) return SpanEq(c, gs, ps);
      }
      break;
    case Kind::kInterval:
      rule = "equal_interval";
      if (p.kind == Kind::kInterval && p.s == g.s) r = OrderedEq(c, g.kids, p.kids);
      else if (p.kind == Kind::kTuple && p.s == "()" && g.s == "()") r = OrderedEq(c, g.kids, p.kids);
      else if (p.kind == Kind::kRel) {
        Span gs, ps;
        if (IntervalSpan(c.g, gi, &gs) && RelSpan(c.p, pi, &ps)) return SpanEq(c, gs, ps);
      }
      break;
    case Kind::kUnion:
      rule = "equal_union";
      if (p.kind == Kind::kUnion) r = UnorderedEq(c, g.kids, p.kids);
      break;
    case Kind::kMatrix:
      rule = "equal_matrix";
      if (p.kind == Kind::kMatrix) {
        r = OrderedEq(c, g.kids, p.kids);
      } else if (p.kind == Kind::kTuple) {
        // A column or row vector vs a tuple of its components, in order.
        std::vector<int> items;
        if (VectorItems(c.g, gi, &items)) r = OrderedEq(c, items, p.kids);
      }
      break;
    case Kind::kText:
      rule = "equal_text";
      if (p.kind == Kind::kText) r = g.s == p.s;
      // "52_8" (gold, base 8) vs "52": the model dropped the base subscript.
      else if (p.kind == Kind::kNum && !p.decimal) r = g.s.compare(0, g.s.find('_'), p.s) == 0;
      break;
    case Kind::kPm: {
      rule = "equal_set";
      if (p.kind == Kind::kPm) r = Eq(c, g.kids[0], p.kids[0]) && Eq(c, g.kids[1], p.kids[1]);
      break;
    }
    case Kind::kRel:
      if (p.kind == Kind::kRel) {
        r = RelEq(c, gi, pi);
        return r;
      }
      // Gold "x = 5", "\frac{NO}{BO} = \frac{1}{\sqrt6}" vs pred "5"; gold
      // "(p, q) = (3, 2)" vs pred "(3, 2)".
      rule = "not_equal";
      if (g.s == "=") {
        int gl = g.kids[0];
        bool tuple_names = c.g.at(gl).kind == Kind::kTuple && NamesOnly(c.g, gl);
        if (tuple_names && (p.kind == Kind::kTuple || p.kind == Kind::kList || p.kind == Kind::kMatrix))
          return Eq(c, g.kids[1], pi);
        if (!tuple_names && NamingSide(c.g, gl) && IsScalar(p.kind)) return Eq(c, g.kids[1], pi);
      } else {
        // Gold "x \ge 2" vs pred "[2, \infty)".
        Span gs, ps;
        if (RelSpan(c.g, gi, &gs) && IntervalSpan(c.p, pi, &ps)) return SpanEq(c, gs, ps);
      }
      break;
    default:
      if (IsScalar(p.kind)) return ScalarEq(c, gi, pi);
      rule = "structure_mismatch";
      if (p.kind == Kind::kList && p.kids.size() == 1) return Eq(c, gi, p.kids[0]);
      break;
  }
  c.rule = rule;
  return r;
}

// a \pm b at the root means the two-element set {a+b, a-b}; inside a set or
// list each a \pm b item is the two items ({1 \pm \sqrt5, -2} has three).
int ExpandPm(Tree* t) {
  auto split = [t](int pm, std::vector<int>* items) {
    std::vector<int> kids = t->at(pm).kids;
    int neg = t->Add(Kind::kNeg, {}, {kids[1]});
    items->push_back(t->Add(Kind::kAdd, {}, {kids[0], kids[1]}));
    items->push_back(t->Add(Kind::kAdd, {}, {kids[0], neg}));
  };
  int r = t->root;
  std::vector<int> items;
  if (t->at(r).kind == Kind::kPm) {
    split(r, &items);
    return t->Add(Kind::kList, {}, items);
  }
  for (int k : std::vector<int>(t->at(r).kids)) {
    if (t->at(k).kind == Kind::kPm) split(k, &items);
    else items.push_back(k);
  }
  return t->Add(Kind::kList, {}, items);
}

// True when ExpandPm changes the tree: a root \pm, or a \pm item of a root list.
bool HasPmItem(const Tree& t) {
  const Node& r = t.at(t.root);
  if (r.kind == Kind::kPm) return true;
  if (r.kind != Kind::kList) return false;
  for (int k : r.kids)
    if (t.at(k).kind == Kind::kPm) return true;
  return false;
}

}  // namespace

bool Equivalent(const Tree& gold, const Tree& pred, double rel_tol, Budget* budget,
                std::string* rule) {
  // Copies only when a root \pm has to be expanded.
  Tree gx, px;
  const Tree* g = &gold;
  const Tree* p = &pred;
  if (HasPmItem(gold)) {
    gx = gold;
    gx.root = ExpandPm(&gx);
    g = &gx;
  }
  if (HasPmItem(pred)) {
    px = pred;
    px.root = ExpandPm(&px);
    p = &px;
  }
  Ctx c{*g, *p, rel_tol, budget, {}};
  bool r = Eq(c, g->root, p->root);
  if (budget->exceeded) {
    *rule = "budget_exceeded";
    return false;
  }
  *rule = r ? c.rule : (c.rule.rfind("equal_", 0) == 0 ? "not_equal" : c.rule);
  if (rule->empty()) *rule = r ? "equal" : "not_equal";
  return r;
}

}  // namespace upt::verifiers
