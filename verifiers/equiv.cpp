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
#include "verifiers/equiv_rules.h"
#include "verifiers/evaluate.h"
#include "verifiers/expr.h"

namespace upt::verifiers {
namespace equiv {

constexpr int kPoints = 6;          // random points for symbolic comparison
constexpr int kMinValidPoints = 3;  // points where both sides are finite
constexpr double kExactTol = 1e-9;  // irrational exact forms (no decimals written)
constexpr double kAbsFloor = 1e-12;  // sin(pi) vs 0
constexpr double kMaxExactInt = 1e15;  // larger integer golds compare with tolerance
constexpr int kMinSigDigits = 4;  // a rounded decimal vs an exact gold needs >= 4 digits
constexpr int kMinPlaces = 4;     // ... and >= 4 decimal places (0.7071, not 4.899)
constexpr long long kScaleBudget = 20000;  // work units of the tiny-scale check
constexpr int kMaxPlaces = 400;   // last-place units beyond 10^-400 / 10^400 are not checked
constexpr uint64_t kPointSeed = 0x5eed7e11f1e5ULL;
constexpr int kExactPoints = 3;     // exact rational points for rational functions
constexpr uint64_t kExactPointSeed = 0x5eed7e11f1e6ULL;

bool Finite(C z) { return std::isfinite(z.real()) && std::isfinite(z.imag()); }

// Non-finite values (an overflowed 10^{400}, 0/0, a NaN tolerance) are never
// close to anything: inf - inf would otherwise pass any relative test.
bool Close(C a, C b, double tol, double abs_floor) {
  if (!Finite(a) || !Finite(b) || !(tol >= 0) || !std::isfinite(tol)) return false;
  double scale = std::max(std::abs(a), std::abs(b));
  double diff = std::abs(a - b);
  // The absolute floor only applies against an exact zero (sin(pi) vs 0), so
  // tiny physical constants (2.88e-19) still compare relatively.
  bool zero = a == C(0, 0) || b == C(0, 0);
  return diff <= tol * scale || (zero && diff <= abs_floor);
}

bool Close(C a, C b, double tol) { return Close(a, b, tol, kAbsFloor); }

// |a - b| <= tol * max(|a|, |b|) in exact arithmetic: huge exact values
// (10^{400}, 171!) compare without overflowing a double.
bool CloseExact(const mpq_class& a, const mpq_class& b, double tol) {
  if (!(tol >= 0) || !std::isfinite(tol)) return false;
  mpq_class scale = std::max(abs(a), abs(b));
  return abs(a - b) <= mpq_class(tol) * scale;
}

bool IsScalar(Kind k) {
  return k != Kind::kTuple && k != Kind::kList && k != Kind::kInterval && k != Kind::kUnion &&
         k != Kind::kMatrix && k != Kind::kRel && k != Kind::kText && k != Kind::kPm;
}

// A function name with a label or an inverse as superscript, applied to the
// names after it: the "f^{-1}" of f^{-1}(x), the "y^s" of y^s(p) (a supply curve).
bool DecoratedFunctionName(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind != Kind::kPow || t.at(n.kids[0]).kind != Kind::kSym) return false;
  const Node& e = t.at(n.kids[1]);
  if (e.kind == Kind::kSym) return e.s.size() == 1;
  return e.kind == Kind::kNeg && t.at(e.kids[0]).kind == Kind::kNum && t.at(e.kids[0]).s == "1";
}

// Equation left sides that only name the answer: x, f(x), a_1, M (products of
// symbols), f^{-1}(x) and y^s(p) (a decorated name applied to symbols).
bool NameLike(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kSym) return true;
  if (n.kind == Kind::kMul && n.kids.size() <= 3) {
    for (size_t k = 0; k < n.kids.size(); ++k)
      if (t.at(n.kids[k]).kind != Kind::kSym && !(k == 0 && n.kids.size() > 1 && DecoratedFunctionName(t, n.kids[0])))
        return false;
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
bool VariableFree(const Tree& t, int i, Budget* b) {
  std::vector<std::string> syms;
  CollectSymbols(t, i, &syms, b);
  for (const auto& v : syms)
    if (v != "i") return false;
  return true;
}

bool ValueStatement(const Tree& t, int i, Budget* b) {
  const Node& n = t.at(i);
  if (NamesOnly(t, n.kids[0])) return true;
  return IsScalar(t.at(n.kids[1]).kind) && VariableFree(t, n.kids[1], b);
}

void AppendKey(const Tree& t, int i, std::string* out, Budget* b) {
  if (!b->Visit()) return;
  const Node& n = t.at(i);
  *out += n.s;
  *out += '(';
  for (int c : n.kids) {
    AppendKey(t, c, out, b);
    *out += ',';
  }
  *out += ')';
}

std::string Key(const Tree& t, int i, Budget* b) {
  std::string k;
  AppendKey(t, i, &k, b);
  return k;
}

bool InfSign(const Tree& t, int i, int* sign) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kConst && n.s == "inf") { *sign = 1; return true; }
  if (n.kind == Kind::kNeg && InfSign(t, n.kids[0], sign)) { *sign = -*sign; return true; }
  return false;
}

bool HasExponent(const Tree& t, int i, Budget* b) {
  if (!b->Visit()) return false;
  const Node& n = t.at(i);
  if (n.kind == Kind::kNum) return n.s.find_first_of("eE") != std::string::npos;
  if (n.kind == Kind::kPow) return true;
  for (int k : n.kids)
    if (HasExponent(t, k, b)) return true;
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
  if (e != std::string::npos) {
    long x = std::strtol(s.c_str() + e + 1, nullptr, 10);  // saturates on overflow
    x = std::max(-100000L, std::min(100000L, x));
    d.places -= static_cast<int>(x);
  }
  return d;
}

// Fewest digits among the decimal literals under node i (99 if none).
Digits MinDigits(const Tree& t, int i, Budget* b) {
  if (!b->Visit()) return Digits{};
  const Node& n = t.at(i);
  if (n.kind == Kind::kNum) return n.decimal ? LiteralDigits(n.s) : Digits{};
  Digits m;
  for (int k : n.kids) {
    Digits d = MinDigits(t, k, b);
    m.sig = std::min(m.sig, d.sig);
    m.places = std::min(m.places, d.places);
  }
  return m;
}

bool HasInf(const Tree& t, int i, Budget* b) {
  if (!b->Visit()) return false;
  const Node& n = t.at(i);
  if (n.kind == Kind::kConst && n.s == "inf") return true;
  for (int k : n.kids)
    if (HasInf(t, k, b)) return true;
  return false;
}

// Values of gold and pred at shared random points; false when too few valid.
bool SamplePoints(Ctx& c, const Side& g, const Side& p, std::vector<std::pair<C, C>>* vals) {
  std::vector<std::string> syms;
  g.Symbols(&syms, c.b);
  p.Symbols(&syms, c.b);
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
// negation): 4.89898 -> 1e-5, 1.2e-3 -> 1e-4; 0 when node i is not one (or its
// exponent is beyond the exact range).
mpq_class LastPlaceUnit(const Tree& t, int i) {
  const Node* n = &t.at(i);
  if (n->kind == Kind::kNeg) n = &t.at(n->kids[0]);
  if (n->kind != Kind::kNum || !n->decimal) return 0;
  int places = LiteralDigits(n->s).places;
  if (places > kMaxPlaces || places < -kMaxPlaces) return 0;
  mpz_class p;
  mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(std::abs(places)));
  return places >= 0 ? mpq_class(1, p) : mpq_class(p);
}

// An exact gold (no decimals written) matched only approximately by a decimal
// is a rounding of it only with at least kMinSigDigits significant digits and
// kMinPlaces decimal places, every digit right (rounded or truncated:
// |gold - pred| <= one unit in the last place). 0.7071 and 1.0472 are
// \frac{\sqrt2}{2} and \frac\pi3; 4.899 is not 2\sqrt6 (3 places), 4.8990 is,
// 4.8988 is not (last digit wrong); 0.618 is not (\sqrt5-1)/2. `diff` is
// |gold - pred| (exact).
bool RoundedTooCoarse(Ctx& c, int gi, int pi, const mpq_class& diff) {
  if (HasDecimal(c.g, gi, c.b)) return false;
  Digits d = MinDigits(c.p, pi, c.b);
  mpq_class unit = LastPlaceUnit(c.p, pi);
  bool coarse = d.sig < kMinSigDigits || d.places < kMinPlaces;
  bool wrong_digit = unit > 0 && diff > unit * mpq_class(1000000001, 1000000000);
  if (!coarse && !wrong_digit) return false;
  c.rule = coarse ? "too_few_digits" : "wrong_last_digit";
  return true;
}

// A literal or power under node i whose value is below 1e-6 in magnitude
// (1.6e-19, 10^{-20}): the answer lives at a tiny scale, so the absolute floor
// that forgives rounding noise against an exact zero must not apply.
bool TinyScale(const Tree& t, int i, Budget* b) {
  const Node& n = t.at(i);
  if (b->exceeded) return true;  // undecided: no floor
  if (n.kind == Kind::kNum || n.kind == Kind::kPow) {
    C v = EvalNumeric(t, i, {}, b);
    double m = std::abs(v);
    if (!std::isfinite(m) || (m > 0 && m < 1e-6)) return true;
    if (n.kind == Kind::kNum) return false;
  }
  for (int k : n.kids)
    if (TinyScale(t, k, b)) return true;
  return false;
}

// Gold and pred as exact rationals at kExactPoints seeded random points, each
// variable p/q with p in [1, 2^20] and q in [1, 2^10] (positive, like the
// numeric points). Two different rational functions of degree d agree at such
// a point with probability <= d / 2^20 (Schwartz-Zippel), so agreement at every
// point is equality. 1 equal, 0 different, -1 undecided: a side is not a
// rational function of its variables (roots, trig, i), or a point is a pole.
int ExactPointsEq(Ctx& c, int gi, int pi, const std::vector<std::string>& syms) {
  if (syms.size() > kMaxSymbols) return -1;
  ExactEnv env;
  for (const auto& s : syms) {
    if (s == "i") return -1;
    env.push_back({s, mpq_class(0)});
  }
  for (int k = 0; k < kExactPoints; ++k) {
    RngStream rng(kExactPointSeed, {static_cast<uint64_t>(k)});
    for (auto& [name, v] : env) {
      unsigned long num = (rng.NextU64() >> 44) + 1, den = (rng.NextU64() >> 54) + 1;
      v = mpq_class(num, den);
      v.canonicalize();
    }
    mpq_class a, b;
    if (!EvalExact(c.g, gi, &a, c.b, &env) || !EvalExact(c.p, pi, &b, c.b, &env)) return -1;
    if (a != b) return 0;
  }
  return 1;
}

// A product with a literal 0 factor next to a name: "I(0)" (a function value
// the parser reads as I·0). Such a gold is not the number 0: compared as written.
bool ZeroTimesName(const Tree& t, int i, Budget* b) {
  if (!b->Visit()) return false;
  const Node& n = t.at(i);
  if (n.kind == Kind::kMul) {
    bool zero = false, name = false;
    for (int k : n.kids) {
      zero |= t.at(k).kind == Kind::kNum && t.at(k).s.find_first_not_of("0.") == std::string::npos;
      name |= t.at(k).kind == Kind::kSym;
    }
    if (zero && name) return true;
  }
  for (int k : n.kids)
    if (ZeroTimesName(t, k, b)) return true;
  return false;
}

bool ScalarEq(Ctx& c, int gi, int pi) {
  if (ZeroTimesName(c.g, gi, c.b)) {
    c.rule = "structural";
    return Key(c.g, gi, c.b) == Key(c.p, pi, c.b);
  }
  int gs = 0, ps = 0;
  bool gi_inf = InfSign(c.g, gi, &gs), pi_inf = InfSign(c.p, pi, &ps);
  if (gi_inf || pi_inf) {
    c.rule = "equal_infinity";
    return gi_inf && pi_inf && gs == ps;
  }
  if (HasInf(c.g, gi, c.b) || HasInf(c.p, pi, c.b)) {
    c.rule = "structural";
    return Key(c.g, gi, c.b) == Key(c.p, pi, c.b);
  }
  bool decimals = HasDecimal(c.g, gi, c.b) || HasDecimal(c.p, pi, c.b);
  mpq_class a, b;
  if (EvalExact(c.g, gi, &a, c.b) && EvalExact(c.p, pi, &b, c.b)) {
    // An integer gold ("142", "142.0") gets no tolerance; scientific notation
    // and huge values ("4.5e33") do.
    bool gold_integer = a.get_den() == 1 && !HasExponent(c.g, gi, c.b) && abs(a) < mpq_class(kMaxExactInt);
    if (!decimals || gold_integer || a == b) {
      c.rule = "equal_rational";
      return a == b;
    }
    c.rule = "equal_numeric";
    return CloseExact(a, b, c.rel_tol) && !RoundedTooCoarse(c, gi, pi, abs(a - b));
  }
  if (c.b->exceeded) return false;
  std::vector<std::pair<C, C>> vals;
  std::vector<std::string> syms;
  CollectSymbols(c.g, gi, &syms, c.b);
  CollectSymbols(c.p, pi, &syms, c.b);
  if (!decimals && !syms.empty()) {  // rational functions: decided exactly
    int exact = ExactPointsEq(c, gi, pi, syms);
    if (c.b->exceeded) return false;
    if (exact >= 0) {
      c.rule = exact ? "equal_symbolic" : "not_equal";
      return exact == 1;
    }
  }
  if (!SamplePoints(c, Side{&c.g, gi}, Side{&c.p, pi}, &vals)) {
    c.rule = "not_comparable";
    return false;
  }
  double tight = syms.empty() ? kExactTol : kSymbolicTol;
  c.rule = syms.empty() ? "equal_numeric" : "equal_symbolic";
  Budget scale;  // its own budget: the check must not change budget verdicts
  scale.left = kScaleBudget;
  double floor = TinyScale(c.g, gi, &scale) || TinyScale(c.p, pi, &scale) ? 0.0 : kAbsFloor;
  auto all_close = [&](double tol) {
    for (const auto& [x, y] : vals)
      if (!Close(x, y, tol, floor)) return false;
    return true;
  };
  if (all_close(tight)) return true;  // 0.5N = N/2 exactly
  if (!decimals) return false;
  double d0 = std::abs(vals[0].first.real() - vals[0].second.real());
  if (!std::isfinite(d0)) return false;
  mpq_class diff(d0);
  return all_close(std::max(c.rel_tol, tight)) && !RoundedTooCoarse(c, gi, pi, diff);
}

// "\frac{9.5}{\pi} \approx 3.02" (op "~", see parse.cpp): either side may
// state the answer. Returns true when a side of gold or pred is an "~".
bool ApproxEq(Ctx& c, int gi, int pi, bool* r) {
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  if (g.kind == Kind::kRel && g.s == "~") {
    *r = Eq(c, g.kids[0], pi);
    return true;
  }
  if (p.kind != Kind::kRel || p.s != "~") return false;
  *r = Eq(c, gi, p.kids[0]) || Eq(c, gi, p.kids[1]);
  return true;
}

// Gold "5" or "(1, -2)" vs pred "x = 5" or "(x, y) = (1, -2)".
bool StatedValueEq(Ctx& c, int gi, int pi, bool* r) {
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  if (g.kind == Kind::kRel || p.kind != Kind::kRel || p.s != "=" || !ValueStatement(c.p, pi, c.b)) return false;
  *r = false;
  if (!Eq(c, gi, p.kids[1])) return true;
  *r = true;
  if (!VariableFree(c.p, p.kids[0], c.b)) return true;
  // A computation "729 - 192 + 3 = 540" must be true: "\boxed{0 = 2}" is not 2.
  Ctx self{c.p, c.p, c.rel_tol, c.b, {}};
  if (Eq(self, p.kids[0], p.kids[1])) return true;
  c.rule = "false_statement";
  *r = false;
  return true;
}

// A decimal comma where it cannot be a thousands separator or a short list
// against a number: "1,22", "1000,99", "0,111" (two digits after it, or a
// zero or 4+ digits before it; never three digits after a non-zero part)
// read as 1.22, 1000.99, 0.111 when the other side is a number. "2,5" stays
// ambiguous (a list of roots). Decided only when one side is such a pair.
bool DecimalComma(const Tree& t, int i, mpq_class* value) {
  const Node& n = t.at(i);
  if (n.kind != Kind::kList || n.kids.size() != 2) return false;
  const Node& a = t.at(n.kids[0]);
  const Node& b = t.at(n.kids[1]);
  if (a.kind != Kind::kNum || b.kind != Kind::kNum || a.decimal || b.decimal) return false;
  const std::string &l = a.s, &r = b.s;
  bool digits = l.find_first_not_of("0123456789") == std::string::npos &&
                r.find_first_not_of("0123456789") == std::string::npos;
  bool zero = l == "0";
  if (!digits || r.empty() || (r.size() == 3 && !zero) || !(zero || r.size() == 2 || l.size() >= 4)) return false;
  mpz_class scale;
  mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(r.size()));
  *value = mpq_class(mpz_class(l)) + mpq_class(mpz_class(r), scale);
  value->canonicalize();
  return true;
}

bool DecimalCommaEq(Ctx& c, int gi, int pi, bool* equal) {
  mpq_class comma, other;
  bool gold_comma = DecimalComma(c.g, gi, &comma);
  if (!gold_comma && !DecimalComma(c.p, pi, &comma)) return false;
  const Tree& t = gold_comma ? c.p : c.g;
  int i = gold_comma ? pi : gi;
  if (!IsScalar(t.at(i).kind) || !EvalExact(t, i, &other, c.b)) return false;
  c.rule = "equal_decimal_comma";
  *equal = comma == other;
  return true;
}

// Gold "x = 5", "\frac{NO}{BO} = \frac{1}{\sqrt6}" vs pred "5"; gold
// "(p, q) = (3, 2)" vs pred "(3, 2)"; gold and pred both relations.
bool GoldRelationEq(Ctx& c, int gi, int pi, std::string* rule) {
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  if (p.kind == Kind::kRel) {
    *rule = "";
    return RelEq(c, gi, pi);
  }
  *rule = "not_equal";
  if (g.s != "=") return false;
  int gl = g.kids[0];
  bool tuple_names = c.g.at(gl).kind == Kind::kTuple && NamesOnly(c.g, gl);
  if (tuple_names && (p.kind == Kind::kTuple || p.kind == Kind::kList || p.kind == Kind::kMatrix)) {
    *rule = "";
    return Eq(c, g.kids[1], pi);
  }
  if (!tuple_names && NamingSide(c.g, gl) && IsScalar(p.kind)) {
    *rule = "";
    return Eq(c, g.kids[1], pi);
  }
  return false;
}

bool Eq(Ctx& c, int gi, int pi) {
  if (!c.b->Charge(1)) return false;
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  bool r = false;
  if (ApproxEq(c, gi, pi, &r) || StatedValueEq(c, gi, pi, &r) || IntervalRelationEq(c, gi, pi, &r) ||
      MatrixArithmeticEq(c, gi, pi, &r) || DecimalCommaEq(c, gi, pi, &r))
    return r;
  std::string rule;
  switch (g.kind) {
    case Kind::kList: case Kind::kTuple: case Kind::kInterval: case Kind::kUnion: case Kind::kMatrix:
      r = CollectionEq(c, gi, pi, &rule);
      break;
    case Kind::kText:
      rule = "equal_text";
      if (p.kind == Kind::kText) r = g.s == p.s;
      // "52_8" (gold, base 8) vs "52": the model dropped the base subscript.
      else if (p.kind == Kind::kNum && !p.decimal) r = g.s.compare(0, g.s.find('_'), p.s) == 0;
      break;
    case Kind::kPm:
      rule = "equal_set";
      r = p.kind == Kind::kPm && Eq(c, g.kids[0], p.kids[0]) && Eq(c, g.kids[1], p.kids[1]);
      break;
    case Kind::kRel:
      r = GoldRelationEq(c, gi, pi, &rule);
      if (rule.empty()) return r;  // the rule of the deciding comparison stands
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

}  // namespace equiv

bool Equivalent(const Tree& gold, const Tree& pred, double rel_tol, Budget* budget,
                std::string* rule) {
  using equiv::Ctx, equiv::Eq, equiv::ExpandPm, equiv::HasPmItem;
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
