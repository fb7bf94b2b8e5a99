// Internal: exact (GMP rational) and numeric (complex double) evaluation of an
// expression tree. See evaluate.cpp for the supported operations and bounds.
#pragma once

#include <complex>
#include <string>
#include <utility>
#include <vector>

#include <gmpxx.h>

#include "verifiers/expr.h"

namespace upt::verifiers {

using Env = std::vector<std::pair<std::string, std::complex<double>>>;

// Rational values of variables for EvalExact.
using ExactEnv = std::vector<std::pair<std::string, mpq_class>>;
// Exact value of node i, or false when it is not a (bounded) rational. With
// env, the variables it names take its values; any other variable fails.
bool EvalExact(const Tree& t, int i, mpq_class* out, Budget* b, const ExactEnv* env = nullptr);
// Numeric value of node i with variables from env (unbound -> NaN).
std::complex<double> EvalNumeric(const Tree& t, int i, const Env& env, Budget* b);
// Distinct variable names under node i, in first-seen order; stops growing
// past kMaxSymbols (callers treat more as "too many to compare"). Walks like
// these run once per compared pair, so each node visited is charged to b
// (Budget::Visit; the result is meaningless once b is exceeded: the verdict
// is then budget_exceeded).
constexpr size_t kMaxSymbols = 24;
void CollectSymbols(const Tree& t, int i, std::vector<std::string>* out, Budget* b);
// True when a literal under node i was written with a decimal point or exponent.
bool HasDecimal(const Tree& t, int i, Budget* b);

}  // namespace upt::verifiers
