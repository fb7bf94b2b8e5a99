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
  void Symbols(std::vector<std::string>* out, Budget* budget) const {
    CollectSymbols(*t, a, out, budget);
    if (b >= 0) CollectSymbols(*t, b, out, budget);
  }
};

// ---- equiv.cpp ----
bool Eq(Ctx& c, int gi, int pi);  // the dispatcher: gold node gi vs pred node pi
bool Close(C a, C b, double tol);
bool IsScalar(Kind k);
bool NameLike(const Tree& t, int i);     // x, f(x), a_1, M
bool NamingSide(const Tree& t, int i);   // a name, a tuple of names, \frac{NO}{BO}
// Structural key (equal keys, same tree); one unit of b per node.
std::string Key(const Tree& t, int i, Budget* b);
bool InfSign(const Tree& t, int i, int* sign);  // +-\infty -> +1 / -1
bool HasInf(const Tree& t, int i, Budget* b);
// Values of gold and pred at shared seeded random points; false when too few valid.
bool SamplePoints(Ctx& c, const Side& g, const Side& p, std::vector<std::pair<C, C>>* vals);

// ---- collections.cpp ----
// Gold list, tuple, interval, union or matrix (also ratios, kTuple ":")
// against pred; *rule names the kind ("equal_set", "equal_tuple", ...).
bool CollectionEq(Ctx& c, int gi, int pi, std::string* rule);
bool UnorderedEq(Ctx& c, const std::vector<int>& gk, const std::vector<int>& pk);
bool OrderedEq(Ctx& c, const std::vector<int>& gk, const std::vector<int>& pk);
bool HasNamedItem(const Tree& t, const std::vector<int>& kids);  // an item "x = 1"
bool VectorItems(const Tree& t, int i, std::vector<int>* out);   // n x 1 / 1 x n matrix

// ---- matrices.cpp ----
// A gold matrix against arithmetic on written matrices in the pred (a sum, a
// product, a scalar multiple): true when the pred has that shape, with *equal
// the entry-wise numeric comparison (c.rule = "equal_matrix").
bool MatrixArithmeticEq(Ctx& c, int gi, int pi, bool* equal);

// ---- relations.cpp ----
// An interval (or an open pair read as one) against an inequality in one lone
// name with constant bounds, either of them the gold ("(-\infty, -5)" vs
// "k < -5", "x \ge 2" vs "[2, \infty)"): true when the pair has that shape,
// with *equal the verdict (same set; c.rule = "equal_interval").
bool IntervalRelationEq(Ctx& c, int gi, int pi, bool* equal);
// Two relations (kRel nodes): equations by naming sides or proportional
// differences, inequalities as spans or up to a positive factor.
bool RelEq(Ctx& c, int gi, int pi);

}  // namespace upt::verifiers::equiv
