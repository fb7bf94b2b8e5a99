// Normalisation rewrites (Hendrycks MATH rules and more) and parser shapes.
#include <gtest/gtest.h>

#include "verifiers/evaluate.h"
#include "verifiers/expr.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

TEST(NormalizeTest, StripsWrappersSpacingDegreesPercentAndUnits) {
  EXPECT_EQ(Normalize("  $\\dfrac{1}{2}$. "), "\\frac{1}{2}");
  EXPECT_EQ(Normalize("\\left( 3, \\frac{\\pi}{2} \\right)"), "( 3, \\frac{\\pi}{2} )");
  EXPECT_EQ(Normalize("90^\\circ"), "90");
  EXPECT_EQ(Normalize("50\\%"), "50");
  EXPECT_EQ(Normalize("10\\text{ cm}^2"), "10");
  EXPECT_EQ(Normalize("27 miles"), "27");
  EXPECT_EQ(Normalize("\\text{Evelyn}"), "Evelyn");
  EXPECT_EQ(Normalize("1,000,000"), "1000000");
  EXPECT_EQ(Normalize("1,3"), "1,3");  // a list, not a thousands separator
  EXPECT_EQ(Normalize("10,\\!000"), "10000");
  EXPECT_EQ(Normalize("\xe2\x88\x92" "3"), "-3");  // unicode minus
  EXPECT_EQ(Normalize("x \\in [2, 5)"), "[2, 5)");
  EXPECT_EQ(Normalize("\\$18.90"), "18.90");
}

TEST(NormalizeTest, DoubledEscapesListWordsAndSemicolonsBecomeLaTeXLists) {
  EXPECT_EQ(Normalize("\\\\frac{1}{5}"), "\\frac{1}{5}");           // JSON escaped twice
  EXPECT_EQ(Normalize("-2 \\\\le x \\\\le 7"), "-2 \\le x \\le 7");
  EXPECT_EQ(Normalize("1 \\\\ab"), "1 \\\\ab");                 // a line break before letters
  EXPECT_EQ(Normalize("6 \\text{ and } 8"), "6, 8");
  EXPECT_EQ(Normalize("1, 2, and 3"), "1, 2, 3");
  EXPECT_EQ(Normalize("(11,7)or(7,11)"), "(11,7), (7,11)");
  EXPECT_EQ(Normalize("C and not A"), "C and not A");
  EXPECT_EQ(Normalize("\\text{north}"), "north");
  EXPECT_EQ(Normalize("(0;-2;6)"), "(0,-2,6)");
  EXPECT_EQ(Normalize("p=5,q=2;p=7"), "p=5,q=2;p=7");  // a group with commas keeps ';'
  EXPECT_EQ(Normalize("1, 2, 3, ..."), "1, 2, 3, ...");
  EXPECT_EQ(Normalize("5."), "5");
  EXPECT_EQ(Normalize("{-2021, 2021}"), "\\{-2021, 2021\\}");
}

TEST(NormalizeTest, StringEscapedTwiceAsAWholeHalvesEveryBackslashRun) {
  // Every run even and a doubled command present: row breaks halve too.
  EXPECT_EQ(Normalize("\\\\begin{pmatrix} 1 \\\\\\\\ 2 \\\\end{pmatrix}"),
            "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}");
  EXPECT_EQ(Normalize("\\\\frac{a}{b} \\\\\\\\ c"), "\\frac{a}{b} \\\\ c");
  // A single-backslash command present: only doubled commands collapse.
  EXPECT_EQ(Normalize("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}"),
            "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}");
  // No doubled command: a lone line break stays.
  EXPECT_EQ(Normalize("1 \\\\ 2"), "1 \\\\ 2");
}

TEST(NormalizeTest, ClockTimesBecomeTwentyFourHourMinutes) {
  EXPECT_EQ(Normalize("20:34:00"), "20:34");
  EXPECT_EQ(Normalize("08:34 \\text{P.M.}"), "20:34");
  EXPECT_EQ(Normalize("8:05 pm"), "20:05");
  EXPECT_EQ(Normalize("12:15 a.m."), "0:15");
  EXPECT_EQ(Normalize("12:15 PM"), "12:15");
  EXPECT_EQ(Normalize("07:30"), "7:30");
  EXPECT_EQ(Normalize("7:30:15"), "7:30:15");   // seconds that carry information stay
  EXPECT_EQ(Normalize("13:30 pm"), "13:30");  // no 13 p.m.: not a clock, the word drops as before
  EXPECT_EQ(Normalize("3:4"), "3:4");            // a ratio
  EXPECT_EQ(Normalize("10:75"), "10:75");        // not minutes
  EXPECT_EQ(Normalize("24:00"), "24:00");
}

TEST(NormalizeTest, DegreesInsideTrigArgumentsBecomeRadians) {
  EXPECT_EQ(Normalize("\\sin(90^{\\circ}-x)"), "\\sin(90\\cdot\\frac{\\pi}{180}-x)");
  EXPECT_EQ(Normalize("\\cos 60^\\circ"), "\\cos(60\\cdot\\frac{\\pi}{180})");
  EXPECT_EQ(Normalize("2\\tan{45\xc2\xb0}"), "2\\tan{45\\cdot\\frac{\\pi}{180}}");
  EXPECT_EQ(Normalize("\\sin\\left(90^\\circ-x\\right)"), "\\sin(90\\cdot\\frac{\\pi}{180}-x)");
  EXPECT_EQ(Normalize("\\sinh(30^\\circ)"), "\\sinh(30)");  // not a listed trig function
  EXPECT_EQ(Normalize("\\cos x + 30^\\circ"), "\\cos x + 30");  // outside the argument
  EXPECT_EQ(Normalize("30^\\circ"), "30");                          // an angle answer
}

TEST(NormalizeTest, StringKeyIgnoresSpacesAndFoldsOnlyWords) {
  EXPECT_EQ(StringKey("6 - 5i"), StringKey("6-5i"));
  EXPECT_EQ(StringKey("East"), StringKey("east"));
  EXPECT_NE(StringKey("X"), StringKey("x"));
  EXPECT_NE(StringKey("\\frac{9}{32}\\sqrt{2}"), StringKey("\\frac{9}{32\\sqrt{2}}"));
}

Kind RootKind(const std::string& s) {
  Budget b;
  Tree t;
  EXPECT_TRUE(Parse(Normalize(s), &t, &b)) << s;
  return t.root < 0 ? Kind::kText : t.at(t.root).kind;
}

TEST(ParseTest, BuildsTheExpectedStructures) {
  EXPECT_EQ(RootKind("(1, 2)"), Kind::kTuple);
  EXPECT_EQ(RootKind("(1, 2]"), Kind::kInterval);
  EXPECT_EQ(RootKind("1, 2, 3"), Kind::kList);
  EXPECT_EQ(RootKind("\\{1, 2\\}"), Kind::kList);
  EXPECT_EQ(RootKind("(-\\infty, 0) \\cup \\{1\\}"), Kind::kUnion);
  EXPECT_EQ(RootKind("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"), Kind::kMatrix);
  EXPECT_EQ(RootKind("y = 2x + 1"), Kind::kRel);
  EXPECT_EQ(RootKind("52_8"), Kind::kText);
  EXPECT_EQ(RootKind("1 \\pm \\sqrt{19}"), Kind::kPm);
}

mpq_class Exact(const std::string& s) {
  Budget b;
  Tree t;
  mpq_class q;
  EXPECT_TRUE(Parse(Normalize(s), &t, &b)) << s;
  EXPECT_TRUE(EvalExact(t, t.root, &q, &b)) << s;
  return q;
}

TEST(ParseTest, ExactValuesOfLatexNumberForms) {
  EXPECT_EQ(Exact("\\frac12"), mpq_class(1, 2));
  EXPECT_EQ(Exact("2\\frac{1}{2}"), mpq_class(5, 2));   // mixed number
  EXPECT_EQ(Exact("2\\cdot\\frac{1}{2}"), mpq_class(1));
  EXPECT_EQ(Exact("025"), mpq_class(25));
  EXPECT_EQ(Exact("142.0"), mpq_class(142));
  EXPECT_EQ(Exact("4.5e3"), mpq_class(4500));
  EXPECT_EQ(Exact("4.5\\times10^{3}"), mpq_class(4500));
  EXPECT_EQ(Exact("-1./3"), mpq_class(-1, 3));
  EXPECT_EQ(Exact("\\binom{6}{2}"), mpq_class(15));
  EXPECT_EQ(Exact("5!"), mpq_class(120));
  EXPECT_EQ(Exact("\\sqrt{\\frac{9}{4}}"), mpq_class(3, 2));
  EXPECT_EQ(Exact("2^{-3}"), mpq_class(1, 8));
  EXPECT_EQ(Exact("3(2+1)"), mpq_class(9));  // implicit multiplication
  EXPECT_EQ(Exact("4 4/9"), mpq_class(40, 9));  // spaced mixed number
  EXPECT_EQ(Exact("-3 1/2"), mpq_class(-7, 2));
  EXPECT_EQ(Exact("4 0/9"), mpq_class(4));
}

TEST(ParseTest, ImproperSpacedMixedNumbersAreNotNumbers) {
  Budget b;
  Tree t;
  EXPECT_FALSE(Parse("11 6/6", &t, &b));
  EXPECT_FALSE(Parse("4 9/0", &t, &b));
}

TEST(EvalExactTest, BindsVariablesToRationalsAndFailsOnUnboundOnes) {
  Budget b;
  Tree t;
  ASSERT_TRUE(Parse(Normalize("\\frac{x^2 - 1}{y} + 2x"), &t, &b));
  ExactEnv env{{"x", mpq_class(3, 2)}, {"y", mpq_class(5)}};
  mpq_class q;
  ASSERT_TRUE(EvalExact(t, t.root, &q, &b, &env));
  EXPECT_EQ(q, mpq_class(13, 4));  // (9/4 - 1)/5 + 3 = 1/4 + 3
  ExactEnv only_x{{"x", mpq_class(3, 2)}};
  EXPECT_FALSE(EvalExact(t, t.root, &q, &b, &only_x));
  EXPECT_FALSE(EvalExact(t, t.root, &q, &b));  // no bindings: not a constant
  ExactEnv pole{{"x", mpq_class(1)}, {"y", mpq_class(0)}};
  EXPECT_FALSE(EvalExact(t, t.root, &q, &b, &pole));  // division by zero
}

TEST(EvalExactTest, RationalFunctionsAreComparedExactlyNotWithinATolerance) {
  VerifyOptions o;
  // A difference of 1e-9 in x^30 + 1 (~1e9 at the sample points) passes a 1e-7
  // relative tolerance but not exact evaluation.
  EXPECT_FALSE(CompareAnswers("x^{30}+1", "x^{30}+1+\\frac{1}{10^{9}}", o).correct);
  EXPECT_TRUE(CompareAnswers("(a+b)^3", "a^3+3a^2b+3ab^2+b^3", o).correct);
  Verdict v = CompareAnswers("\\frac{x^2-1}{x-1}", "x+1", o);
  EXPECT_TRUE(v.correct);
  EXPECT_EQ(v.reason, "equal_symbolic");
  // Roots fall back to numeric points (variables are positive reals).
  EXPECT_TRUE(CompareAnswers("\\sqrt{x^2}", "x", o).correct);
}

TEST(CanonicalKeyTest, EqualRationalsShareAKeyAndOthersDoNot) {
  EXPECT_EQ(CanonicalKey("0.5"), "q:1/2");
  EXPECT_EQ(CanonicalKey("\\dfrac{1}{2}"), CanonicalKey("1/2"));
  EXPECT_EQ(CanonicalKey("$\\frac12$."), CanonicalKey("0.50"));
  EXPECT_EQ(CanonicalKey("025"), CanonicalKey("25"));
  EXPECT_NE(CanonicalKey("12"), CanonicalKey("1.2"));
  EXPECT_EQ(CanonicalKey("\\left( 1, 2 \\right)"), CanonicalKey("(1,2)"));
  EXPECT_NE(CanonicalKey("(1,2)"), CanonicalKey("(2,1)"));
  EXPECT_EQ(CanonicalKey("\\sqrt{2}"), CanonicalKey("\\sqrt 2"));
  EXPECT_NE(CanonicalKey("\\sqrt{2}"), CanonicalKey("\\sqrt{3}"));
  EXPECT_FALSE(CanonicalKey(std::string(70000, '{')).empty());
}

TEST(ParseTest, RejectsMalformedInput) {
  Budget b;
  Tree t;
  for (const char* s : {"(1,", "\\frac{1}", "2^", ")(", "\\begin{pmatrix} 1", "{{1}"})
    EXPECT_FALSE(Parse(s, &t, &b)) << s;
}

// latex2sympy's reading of an unbracketed argument that starts with a number.
TEST(ParseTest, UnbracketedTrigArgumentTakesTheLettersGluedToItsCoefficient) {
  auto eq = [](const char* gold, const char* pred) { return Grade(gold, std::string("\\boxed{") + pred + "}", {}).correct; };
  EXPECT_TRUE(eq("\\cos(2x)", "\\cos 2x"));
  EXPECT_TRUE(eq("\\sin(3\\theta)", "\\sin 3\\theta"));
  EXPECT_TRUE(eq("2\\sin x\\cos x", "\\sin 2x"));
  EXPECT_TRUE(eq("\\sin(2x)\\cos(x)", "\\sin 2x \\cos x"));
  EXPECT_FALSE(eq("x\\cos(2)", "\\cos 2x"));
  EXPECT_FALSE(eq("\\cos(2)", "\\cos 2x"));
  EXPECT_TRUE(eq("\\sin(x)y", "\\sin x y"));  // no coefficient: the argument stays one factor
  EXPECT_TRUE(eq("\\frac{1}{2}", "\\sin 30^\\circ"));
}

}  // namespace
}  // namespace upt::verifiers
