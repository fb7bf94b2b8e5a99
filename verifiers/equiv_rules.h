// Internal: what the equivalence rules share between equiv.cpp (scalars,
// structures, the Eq dispatcher) and relations.cpp (equations, inequalities,
// intervals). Gold first everywhere: c.g / gi is the gold, c.p / pi the pred.
#pragma once

#include <complex>
#include <string>
#include <vector>

#include "verifiers/evaluate.h"
#include "verifiers/expr.h"

namespace upt::verifiers::equiv {

using C = std::complex<double>;
constexpr double kSymbolicTol = 1e-7;

// One comparison: both trees, the tolerance, the shared budget, and the rule
// that decided (the verdict's reason).
struct Ctx {
  const Tree& g;
  const Tree& p;
  double rel_tol;
  Budget* b;
  std::string rule;
};

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

// ---- equiv.cpp ----
bool Eq(Ctx& c, int gi, int pi);  // the dispatcher: gold node gi vs pred node pi
bool Close(C a, C b, double tol);
bool IsScalar(Kind k);
bool NameLike(const Tree& t, int i);     // x, f(x), a_1, M
bool NamingSide(const Tree& t, int i);   // a name, a tuple of names, \frac{NO}{BO}
std::string Key(const Tree& t, int i);   // structural key: equal keys, same tree
bool InfSign(const Tree& t, int i, int* sign);  // +-\infty -> +1 / -1
bool HasInf(const Tree& t, int i);
// Values of gold and pred at shared seeded random points; false when too few valid.
bool SamplePoints(Ctx& c, const Side& g, const Side& p, std::vector<std::pair<C, C>>* vals);

// ---- relations.cpp ----
// A set of reals written as an interval ("[2, 5)", "(-\infty, 3)" read as a
// tuple) or as an inequality in one lone name with constant other sides
// ("k < -5", "2 \le x", "-2 \le x \le 7", "0 < f(x) < 1"). An endpoint is a
// node, or (node -1) an infinity of sign lo_inf / hi_inf implied by a
// one-sided inequality.
struct Span {
  int lo = -1, hi = -1;
  int lo_inf = 0, hi_inf = 0;
  std::string br;
  int name = -1;  // the named side of an inequality; -1 for an interval
};
bool IntervalSpan(const Tree& t, int i, Span* s);
bool RelSpan(const Tree& t, int i, Span* s);
bool SpanEq(Ctx& c, const Span& g, const Span& p);  // sets c.rule = "equal_interval"
// Two relations (kRel nodes): equations by naming sides or proportional
// differences, inequalities as spans or up to a positive factor.
bool RelEq(Ctx& c, int gi, int pi);

}  // namespace upt::verifiers::equiv
