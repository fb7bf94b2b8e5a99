// hpt_code's own reading and comparison (verifiers/hpt_math.h): sympy text as
// parse_expr reads it, and Math-Verify's sympy_expr_eq, each pinned by the
// upstream line it reproduces (verl recipe/entropy/reward_score/entropy_math/
// __init__.py @246cac4c; huggingface/Math-Verify src/math_verify/grader.py @5d148cf).
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "core/json.h"
#include "core/jsonl.h"
#include "tests/verifiers/case_table.h"
#include "verifiers/hpt_math.h"

namespace upt::verifiers::hpt {
namespace {

bool Sympy(const std::string& gold, const std::string& pred) {
  Budget b;
  return SympyDiffIsZero(gold, pred, &b);
}

bool Mv(const std::string& gold, const std::string& pred) {
  Budget b;
  return MathVerifyEqual(gold, pred, &b);
}

TEST(HptSympyTextTest, ImplicitProductsAndSplitNames) {
  // standard_transformations + implicit_multiplication_application (:701-707)
  EXPECT_TRUE(Sympy("x^2y", "yx^2"));        // "yx" splits into y*x; the power takes x
  EXPECT_TRUE(Sympy("2sqrt(2)", "sqrt(8)"));
  EXPECT_TRUE(Sympy("(1)/(2)", "0.5"));      // simplify(1/2 - 0.5) == 0
  EXPECT_TRUE(Sympy("(a+b)^5", "a^5+5a^4b+10a^3b^2+10a^2b^3+5ab^4+b^5"));
  EXPECT_TRUE(Sympy("3!", "6"));
  EXPECT_FALSE(Sympy("(1)/(3)", "0.3333"));  // floats are not rounded: simplify leaves 3.3e-5
  EXPECT_FALSE(Sympy("x", "sqrt(x^2)"));      // sympy symbols are complex
  EXPECT_FALSE(Sympy("(1,2)", "(1,2)"));      // a Python tuple minus a tuple raises: not equal
  EXPECT_FALSE(Sympy("1", "1+"));             // unparsable
}

TEST(HptMathVerifyTest, NumbersRoundToSixPlacesOnlyAgainstNumbers) {
  // sympy_numeric_eq:117-171 (float_rounding 6 when one side is a Float and both are numbers)
  EXPECT_TRUE(Mv("\\frac{1}{3}", "0.333333"));
  EXPECT_FALSE(Mv("\\frac{1}{3}", "0.3333"));
  EXPECT_FALSE(Mv("\\frac{\\sqrt{2}}{2}", "0.7071068"));  // not a Number: no rounding
  EXPECT_TRUE(Mv("6.67e-11", "6.7\\times 10^{-11}"));     // both round to 0.0 (Math-Verify's own false accept)
  EXPECT_TRUE(Mv("2\\sqrt{2}", "\\sqrt{8}"));
  EXPECT_TRUE(Mv("\\frac14", "25\\%"));                    // X% is X/100
  EXPECT_TRUE(Mv("\\frac{7}{2}", "3\\frac{1}{2}"));        // mixed numbers
  EXPECT_TRUE(Mv("\\frac{40}{9}", "4 4/9"));
  EXPECT_TRUE(Mv("\\frac{\\pi}{2}", "\\frac{\\pi}{2}"));
  EXPECT_TRUE(Mv("e^{i\\pi}", "-1"));                      // a lone i is the imaginary unit
  EXPECT_TRUE(Mv("\\binom{n+1}{2}", "\\frac{n(n+1)}{2}"));
  EXPECT_FALSE(Mv("x", "\\sqrt{x^2}"));
}

TEST(HptMathVerifyTest, AssignmentsRelationsAndSets) {
  // sympy_expr_eq:639-660: assignments unwrapped, a predicted equation gives its right side
  EXPECT_TRUE(Mv("x = 5", "5"));
  EXPECT_TRUE(Mv("3", "1+1=3"));                 // the fork rewards this false statement
  EXPECT_TRUE(Mv("(p,q)=(3,2)", "(3,2)"));
  EXPECT_FALSE(Mv("x = 5", "y = 5"));
  // sympy_compare_relational:297-354 (with solve: proportional sides)
  EXPECT_TRUE(Mv("y = 2x+1", "2x+1 = y"));
  EXPECT_TRUE(Mv("2x+3y=6", "4x+6y=12"));
  EXPECT_TRUE(Mv("x < 1", "2x < 2"));
  EXPECT_FALSE(Mv("x < 1", "-2x < -2"));
  // a gold relation against a predicted set becomes a set (:666-672); not the other way
  EXPECT_TRUE(Mv("-2 \\le x \\le 7", "[-2, 7]"));
  EXPECT_FALSE(Mv("(-\\infty, 3)", "x < 3"));
  // sets sorted, each element once; tuples in order; interval brackets (:207-271, :377-438)
  EXPECT_TRUE(Mv("\\{1, 2\\}", "\\{2, 1, 1\\}"));
  EXPECT_TRUE(Mv("-1, 2", "x=2, x=-1"));
  EXPECT_TRUE(Mv("1 \\pm \\sqrt{19}", "1-\\sqrt{19}, 1+\\sqrt{19}"));
  EXPECT_FALSE(Mv("(1, 2)", "(2, 1)"));
  EXPECT_FALSE(Mv("[1, 2)", "[1, 2]"));
  EXPECT_TRUE(Mv("[1,2]\\cup[3,4]", "[3,4]\\cup[1,2]"));
  EXPECT_TRUE(Mv("\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}",
                 "\\left[\\begin{array}{cc}1 & 2 \\\\ 3 & 4\\end{array}\\right]"));
  EXPECT_FALSE(Mv("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1, 2)"));
}

// Fidelity of the stand-in against Math-Verify's own test expectations
// (tests/verifiers/cases/external/math_verify.jsonl): the rows whose gold and
// prediction are both short bare answers (no prose, no \\boxed: Math-Verify's
// extraction is not what MathVerifyEqual stands in for), with the default
// options (strict, precision 6, no set-relation mode).
TEST(HptMathVerifyTest, AgreesWithMathVerifysOwnExpectationsOnBareAnswers) {
  static const std::regex kWord("[A-Za-z]{4,}"), kCommand("\\\\[A-Za-z]+");
  auto bare = [](const std::string& x) {
    return x.size() < 80 && x.find('\n') == std::string::npos && x.find("\\boxed") == std::string::npos &&
           !std::regex_search(std::regex_replace(x, kCommand, ""), kWord);
  };
  JsonlReader r(testing::SourceDir() + "/tests/verifiers/cases/external/math_verify.jsonl");
  JsonlRecord rec;
  int n = 0, agree = 0;
  while (r.Next(&rec)) {
    ASSERT_TRUE(rec.error.empty()) << rec.error;
    const Json& j = rec.value;
    Json o = j.value("mv_options", Json::object());
    if (!o.value("strict", true) || o.value("allow_set_relation_comp", false) || o.value("precision", 6) != 6) continue;
    std::string g = j.at("gold").get<std::string>(), p = j.at("pred").get<std::string>();
    auto trim = [](std::string x) {
      x.erase(0, x.find_first_not_of(" \t"));
      x.erase(x.find_last_not_of(" \t") + 1);
      return x;
    };
    if (!bare(trim(g)) || !bare(trim(p))) continue;
    ++n;
    agree += Mv(g, p) == j.at("expected").get<bool>();
  }
  EXPECT_GE(n, 150);
  EXPECT_GE(agree, n * 94 / 100) << agree << " of " << n;  // 144 of 153 at hpt-code-2
}

TEST(HptMathVerifyTest, BoundedOnHostileInput) {
  std::string deep(5000, '(');
  EXPECT_FALSE(Mv("1", deep));
  EXPECT_FALSE(Mv("1", "\\frac{\\frac{\\frac{1}{2}}{3}"));
  EXPECT_FALSE(Sympy("1", std::string(3000, '9') + "^" + std::string(3000, '9')));
  Budget tiny;
  tiny.left = 5;
  EXPECT_FALSE(MathVerifyEqual("x^2+2x+1", "(x+1)^2", &tiny));
  EXPECT_TRUE(tiny.exceeded);
}

}  // namespace
}  // namespace upt::verifiers::hpt
