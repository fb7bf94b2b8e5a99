// Evaluators over the expression tree:
//  - EvalExact: exact rational value (GMP) for +, -, *, /, integer powers,
//    factorials, binomials and perfect-square roots, with variables bound to
//    rationals by an optional ExactEnv; refuses anything else.
//    Bit growth is bounded (kMaxBits) and charged to the Budget.
//  - EvalNumeric: complex double value with variables bound by an Env.
#include "verifiers/evaluate.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace upt::verifiers {
namespace {

constexpr long kMaxBits = 1 << 17;  // 131072 bits (~40k digits) per intermediate
constexpr long kMaxExp10 = 400;

bool IsInteger(const mpq_class& q) { return q.get_den() == 1; }

long Bits(const mpq_class& q) {
  return static_cast<long>(mpz_sizeinbase(q.get_num_mpz_t(), 2) +
                           mpz_sizeinbase(q.get_den_mpz_t(), 2));
}

// Units for producing q: its limbs, plus limbs^2 / 256 because GMP's gcd
// (every rational result is canonicalised) and division grow faster than
// linearly. Values under 16 limbs (~1000 bits) cost what they always did;
// sums of \frac{2^{40000}+1}{3^{25000}} no longer run ~1 ms per unit-cheap term.
bool Charge(const mpq_class& q, Budget* b) {
  long bits = Bits(q);
  if (bits > kMaxBits) return false;
  long limbs = bits / 64;
  return b->Charge(1 + limbs + limbs * limbs / 256);
}

bool LiteralToRational(const std::string& lit, mpq_class* out) {
  std::string digits;
  long exp10 = 0;
  size_t i = 0;
  for (; i < lit.size() && lit[i] != 'e' && lit[i] != 'E'; ++i) {
    if (lit[i] == '.') {
      for (size_t j = i + 1; j < lit.size() && lit[j] >= '0' && lit[j] <= '9'; ++j) --exp10;
      continue;
    }
    digits += lit[i];
  }
  if (i < lit.size()) {
    long e = std::strtol(lit.c_str() + i + 1, nullptr, 10);
    if (e > kMaxExp10 || e < -kMaxExp10) return false;
    exp10 += e;
  }
  if (digits.empty()) digits = "0";
  mpz_class n(digits, 10);
  mpz_class p;
  mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(std::labs(exp10)));
  if (exp10 >= 0) *out = mpq_class(n * p);
  else *out = mpq_class(n, p);
  out->canonicalize();
  return true;
}

bool PerfectRoot(const mpz_class& z, mpz_class* root) {
  if (z < 0 || !mpz_perfect_square_p(z.get_mpz_t())) return false;
  mpz_sqrt(root->get_mpz_t(), z.get_mpz_t());
  return true;
}

// ---- EvalExact, one step per node kind ----

bool ExactSym(const Node& n, mpq_class* out, Budget* b, const ExactEnv* env) {
  if (env)
    for (const auto& [name, v] : *env)
      if (name == n.s) {
        *out = v;
        return b->Charge(1);
      }
  return false;
}

bool ExactSumOrProduct(const Tree& t, const Node& n, mpq_class* out, Budget* b, const ExactEnv* env) {
  mpq_class acc(n.kind == Kind::kAdd ? 0 : 1), x;
  for (int k : n.kids) {
    if (!EvalExact(t, k, &x, b, env)) return false;
    if (n.kind == Kind::kAdd) acc += x;
    else acc *= x;
    if (!Charge(acc, b)) return false;
  }
  *out = acc;
  return true;
}

// base^e for an integer e (bounded size), or (p/q)^(1/2) when p and q are
// perfect squares.
bool ExactPow(const Tree& t, const Node& n, mpq_class* out, Budget* b, const ExactEnv* env) {
  mpq_class base, e;
  if (!EvalExact(t, n.kids[0], &base, b, env) || !EvalExact(t, n.kids[1], &e, b, env)) return false;
  if (!IsInteger(e)) {
    if (e != mpq_class(1, 2)) return false;
    mpz_class rn, rd;
    if (!PerfectRoot(base.get_num(), &rn) || !PerfectRoot(base.get_den(), &rd)) return false;
    *out = mpq_class(rn, rd);
    return true;
  }
  if (!e.get_num().fits_slong_p()) return false;
  long k = e.get_num().get_si();
  if (base == 0 && k <= 0) return false;  // 0^0 and 0^-k are undefined
  long ak = std::labs(k);
  if (base != 0 && base != 1 && base != -1 && ak > 0 &&
      static_cast<double>(Bits(base)) * static_cast<double>(ak) > kMaxBits)
    return false;
  mpz_class num, den;
  mpz_pow_ui(num.get_mpz_t(), base.get_num_mpz_t(), static_cast<unsigned long>(ak));
  mpz_pow_ui(den.get_mpz_t(), base.get_den_mpz_t(), static_cast<unsigned long>(ak));
  *out = k >= 0 ? mpq_class(num, den) : mpq_class(den, num);
  out->canonicalize();
  return Charge(*out, b);
}

bool ExactFactorial(const Tree& t, const Node& n, mpq_class* out, Budget* b, const ExactEnv* env) {
  mpq_class x;
  if (!EvalExact(t, n.kids[0], &x, b, env) || !IsInteger(x) || x < 0 || x > 3000) return false;
  mpz_class f;
  mpz_fac_ui(f.get_mpz_t(), x.get_num().get_ui());
  *out = mpq_class(f);
  return Charge(*out, b);
}

// sqrt of a rational square, binom of small naturals, abs.
bool ExactFunc(const Tree& t, const Node& n, mpq_class* out, Budget* b, const ExactEnv* env) {
  if (n.s == "sqrt" && n.kids.size() == 1) {
    mpq_class x;
    mpz_class rn, rd;
    if (!EvalExact(t, n.kids[0], &x, b, env)) return false;
    if (!PerfectRoot(x.get_num(), &rn) || !PerfectRoot(x.get_den(), &rd)) return false;
    *out = mpq_class(rn, rd);
    return true;
  }
  if (n.s == "binom" && n.kids.size() == 2) {
    mpq_class a, k;
    if (!EvalExact(t, n.kids[0], &a, b, env) || !EvalExact(t, n.kids[1], &k, b, env)) return false;
    if (!IsInteger(a) || !IsInteger(k) || a < 0 || k < 0 || a > 100000 || k > a) return false;
    mpz_class r;
    mpz_bin_uiui(r.get_mpz_t(), a.get_num().get_ui(), k.get_num().get_ui());
    *out = mpq_class(r);
    return Charge(*out, b);
  }
  if (n.s == "abs" && n.kids.size() == 1) {
    if (!EvalExact(t, n.kids[0], out, b, env)) return false;
    *out = abs(*out);
    return true;
  }
  return false;
}

}  // namespace

bool EvalExact(const Tree& t, int i, mpq_class* out, Budget* b, const ExactEnv* env) {
  if (b->exceeded) return false;
  const Node& n = t.at(i);
  switch (n.kind) {
    case Kind::kSym:
      return ExactSym(n, out, b, env);
    case Kind::kNum:
      if (!b->Charge(1 + static_cast<long long>(n.s.size()) / 8)) return false;
      return LiteralToRational(n.s, out) && Charge(*out, b);
    case Kind::kAdd:
    case Kind::kMul:
      return ExactSumOrProduct(t, n, out, b, env);
    case Kind::kNeg:
      if (!EvalExact(t, n.kids[0], out, b, env)) return false;
      *out = -*out;
      return true;
    case Kind::kDiv: {
      mpq_class a, d;
      if (!EvalExact(t, n.kids[0], &a, b, env) || !EvalExact(t, n.kids[1], &d, b, env) || d == 0)
        return false;
      *out = a / d;
      return Charge(*out, b);
    }
    case Kind::kPow:
      return ExactPow(t, n, out, b, env);
    case Kind::kFact:
      return ExactFactorial(t, n, out, b, env);
    case Kind::kFunc:
      return ExactFunc(t, n, out, b, env);
    default:
      return false;
  }
}

namespace {

using C = std::complex<double>;
const C kNaN(std::nan(""), 0.0);

bool IsReal(C z) { return std::abs(z.imag()) <= 1e-12 * std::max(1.0, std::abs(z.real())); }

C Func(const std::string& f, const std::vector<C>& a) {
  if (a.empty()) return kNaN;
  C x = a[0];
  if (f == "sin") return std::sin(x);
  if (f == "cos") return std::cos(x);
  if (f == "tan") return std::tan(x);
  if (f == "cot") return 1.0 / std::tan(x);
  if (f == "sec") return 1.0 / std::cos(x);
  if (f == "csc") return 1.0 / std::sin(x);
  if (f == "arcsin") return std::asin(x);
  if (f == "arccos") return std::acos(x);
  if (f == "arctan") return std::atan(x);
  if (f == "arccot") return std::atan(1.0 / x);
  if (f == "sinh") return std::sinh(x);
  if (f == "cosh") return std::cosh(x);
  if (f == "tanh") return std::tanh(x);
  if (f == "exp") return std::exp(x);
  if (f == "sqrt") return IsReal(x) && x.real() >= 0 ? C(std::sqrt(x.real()), 0) : std::sqrt(x);
  if (f == "abs") return C(std::abs(x), 0);
  if (f == "ln") return std::log(x);
  if (f == "log") return a.size() >= 2 ? std::log(x) / std::log(a[1]) : std::log(x);
  if (!IsReal(x)) return kNaN;
  double r = x.real();
  if (f == "floor") return std::floor(r);
  if (f == "ceil") return std::ceil(r);
  if (a.size() < 2 || !IsReal(a[1])) return kNaN;
  double s = a[1].real();
  if (f == "binom") return std::exp(std::lgamma(r + 1) - std::lgamma(s + 1) - std::lgamma(r - s + 1));
  if (f == "max") return std::max(r, s);
  if (f == "min") return std::min(r, s);
  if (f == "gcd" || f == "lcm") {
    long long p = std::llround(r), q = std::llround(s);
    if (p != r || q != s) return kNaN;
    long long g = std::llabs(p), h = std::llabs(q);
    while (h) { long long t = g % h; g = h; h = t; }
    if (f == "gcd") return static_cast<double>(g);
    return g == 0 ? 0.0 : static_cast<double>(std::llabs(p / g * q));
  }
  return kNaN;
}

// A product, quotient or power of non-zero values that overflowed to inf or
// underflowed to 0 (10^{400}, 10^{-400}) has no double value: NaN.
C InRange(C z) {
  bool finite = std::isfinite(z.real()) && std::isfinite(z.imag());
  return finite && z != C(0, 0) ? z : kNaN;
}

// x^e for complex doubles; odd roots of negative reals stay real.
C PowNumeric(C x, C e) {
  if (x == C(0, 0) && e.real() <= 0) return kNaN;
  if (IsReal(x) && IsReal(e)) {
    double xr = x.real(), er = e.real();
    if (xr >= 0 || er == std::floor(er)) return C(std::pow(xr, er), 0);
    // Odd roots of negatives stay real: (-8)^(1/3) = -2.
    double inv = 1.0 / er;
    if (std::abs(inv - std::round(inv)) < 1e-9 && static_cast<long long>(std::round(inv)) % 2 != 0)
      return C(-std::pow(-xr, er), 0);
  }
  return std::pow(x, e);
}

}  // namespace

C EvalNumeric(const Tree& t, int i, const Env& env, Budget* b) {
  if (!b->Charge(1)) return kNaN;
  const Node& n = t.at(i);
  switch (n.kind) {
    case Kind::kNum: {
      // A literal beyond double range (1e400, 1e-999) has no numeric value:
      // NaN, never inf or 0, so it equals nothing by tolerance.
      double v = std::strtod(n.s.c_str(), nullptr);
      if (!std::isfinite(v) || (v == 0 && n.s.find_first_of("123456789") < n.s.find_first_of("eE")))
        return kNaN;
      return C(v, 0);
    }
    case Kind::kConst:
      if (n.s == "pi") return C(M_PI, 0);
      if (n.s == "e") return C(M_E, 0);
      return C(HUGE_VAL, 0);
    case Kind::kSym:
      for (const auto& [name, v] : env)
        if (name == n.s) return v;
      return kNaN;
    case Kind::kAdd: {
      C acc(0, 0);
      for (int k : n.kids) acc += EvalNumeric(t, k, env, b);
      return acc;
    }
    case Kind::kMul: {
      C acc(1, 0);
      bool zero = false;
      for (int k : n.kids) {
        C x = EvalNumeric(t, k, env, b);
        zero |= x == C(0, 0);
        acc *= x;
      }
      return zero ? acc : InRange(acc);
    }
    case Kind::kNeg:
      return -EvalNumeric(t, n.kids[0], env, b);
    case Kind::kDiv: {
      C x = EvalNumeric(t, n.kids[0], env, b);
      C r = x / EvalNumeric(t, n.kids[1], env, b);
      return x == C(0, 0) ? r : InRange(r);
    }
    case Kind::kPow: {
      C x = EvalNumeric(t, n.kids[0], env, b), e = EvalNumeric(t, n.kids[1], env, b);
      if (x != C(0, 0)) return InRange(PowNumeric(x, e));
      return PowNumeric(x, e);
    }
    case Kind::kFact: {
      C x = EvalNumeric(t, n.kids[0], env, b);
      if (!IsReal(x) || x.real() < 0) return kNaN;
      return C(std::tgamma(x.real() + 1), 0);
    }
    case Kind::kFunc: {
      std::vector<C> args;
      args.reserve(n.kids.size());
      for (int k : n.kids) args.push_back(EvalNumeric(t, k, env, b));
      return Func(n.s, args);
    }
    default:
      return kNaN;
  }
}

void CollectSymbols(const Tree& t, int i, std::vector<std::string>* out, Budget* b) {
  if (out->size() > kMaxSymbols || !b->Visit()) return;
  const Node& n = t.at(i);
  if (n.kind == Kind::kSym) {
    for (const auto& s : *out)
      if (s == n.s) return;
    out->push_back(n.s);
    return;
  }
  for (int k : n.kids) CollectSymbols(t, k, out, b);
}

bool HasDecimal(const Tree& t, int i, Budget* b) {
  if (!b->Visit()) return false;
  const Node& n = t.at(i);
  if (n.kind == Kind::kNum) return n.decimal;
  for (int k : n.kids)
    if (HasDecimal(t, k, b)) return true;
  return false;
}

}  // namespace upt::verifiers
