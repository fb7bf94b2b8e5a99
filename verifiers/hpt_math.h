// Internal: the reading and comparison steps of the `hpt_code` reward policy,
// frozen at the HPT fork's behaviour. They share nothing with upt's own
// normalisation, parser or equivalence rules (which change with every rules
// round); only the arithmetic evaluator (evaluate.h: exact rationals, complex
// doubles) and the expression tree are shared. See docs/verifiers.md,
// "Reward policies", for what each stand-in reproduces and what it does not.
#pragma once

#include <string_view>

#include "verifiers/expr.h"

namespace upt::verifiers::hpt {

// The two input languages the fork hands to sympy.
enum class Dialect {
  // The fork's normalised plain text (`_normalize`) as sympy_parser.parse_expr
  // reads it with standard transformations + implicit_multiplication_application:
  // `^`/`**` powers, implicit products, names that are not sympy functions or
  // constants split into single letters (`xy` = x*y), `e` and `i` plain symbols.
  kSympyText,
  // LaTeX as Math-Verify's latex2sympy reads it (a reduced version: \frac,
  // \sqrt[n], powers, \cdot \times \div, \pi \infty, trig/log functions,
  // \text words, `%` as /100, tuples, intervals, \{sets\}, bare comma lists,
  // = < > \le \ge; `e` is Euler's number). No matrices, no \pm.
  kLatex,
};

// Parses s into *t (root set). False when s is not read by that dialect.
bool ParseAnswer(std::string_view s, Dialect d, Tree* t, Budget* b);

// are_equal_under_sympy (entropy_math/__init__.py:880-891): parse
// "(gold)-(pred)" as sympy text and accept when simplify() gives 0; here: the
// two sides are equal as exact rationals, or as functions of their variables
// (exact at rational points for rational functions, else at real points of
// both signs within 1e-10: sympy symbols are not assumed positive).
bool SympyDiffIsZero(std::string_view gold, std::string_view pred, Budget* b);

// Math-Verify's verify(parse("$gold$"), parse("$pred$")) with its defaults
// (float_rounding 6, numeric_precision 15, strict, no set-relation mode):
// grader.py sympy_expr_eq:599-690 — assignments `x = v` unwrapped as it does,
// relations by side differences, sets/tuples/intervals element-wise, numbers
// rounded to 6 places when one side is a decimal literal, else exact or
// symbolic equality.
bool MathVerifyEqual(std::string_view gold, std::string_view pred, Budget* b);

}  // namespace upt::verifiers::hpt
