// Reward policies: the name table, and hpt_code's behaviour as the HPT fork's
// entropy_math reward (hpt/verl/verl/mix_src/entropy_math/__init__.py) has it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/error.h"
#include "verifiers/reward.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

bool Hpt(const std::string& gold, const std::string& completion) {
  return GradeHptCode(gold, completion, VerifyOptions{}).correct;
}

TEST(RewardPolicyTest, NamesRoundTripAndUnknownNamesListTheValidOnes) {
  for (const auto& p : RewardPolicies()) EXPECT_EQ(ParseRewardPolicy(p.name), p.value);
  EXPECT_EQ(RewardPolicyNames(), (std::vector<std::string>{"upt", "hpt_code"}));
  try {
    ParseRewardPolicy("hpt");
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("upt"), std::string::npos) << m;
    EXPECT_NE(m.find("hpt_code"), std::string::npos) << m;
  }
  EXPECT_EQ(RewardGradeOptions(RewardPolicy::kHptCode).extract.policy, "hpt_code");
  EXPECT_EQ(RewardGradeOptions(RewardPolicy::kUpt).extract.policy, "default");
  // `upt verify --policy` accepts every reward policy name; "upt" grades as "default".
  std::vector<std::string> ex = ExtractionPolicies();
  for (const auto& n : RewardPolicyNames()) EXPECT_NE(std::find(ex.begin(), ex.end(), n), ex.end()) << n;
  GradeOptions named;
  named.extract.policy = "upt";
  for (const char* c : {"The answer is 5.", "so we get 5", "\\boxed{5}", "<think>4</think> 5"})
    EXPECT_EQ(Grade("5", c, named).reason, Grade("5", c, {}).reason) << c;
}

TEST(HptCodeTest, BoxingIsRequired) {
  EXPECT_FALSE(Hpt("5", "The answer is 5."));
  EXPECT_FALSE(Hpt("5", "<answer>5</answer>"));
  EXPECT_FALSE(Hpt("5", "\\fbox{5}"));     // found, but not of the form \boxed{...}
  EXPECT_FALSE(Hpt("5", "\\boxed 5"));     // no braces: no answer
  EXPECT_EQ(GradeHptCode("5", "The answer is 5.", {}).reason, "hpt_no_boxed");
  EXPECT_TRUE(Hpt("5", "so \\boxed{5}."));
  // upt accepts the unboxed forms; the policies differ exactly there.
  EXPECT_TRUE(Grade("5", "The answer is 5.", {}).correct);
}

TEST(HptCodeTest, TheLastBoxDecidesEvenBeforeThink) {
  EXPECT_TRUE(Hpt("3", "\\boxed{2} wait, no: \\boxed{3}"));
  EXPECT_FALSE(Hpt("2", "\\boxed{2} wait, no: \\boxed{3}"));
  // The whole response is searched (the fork prepends "<think>" and never cuts).
  EXPECT_TRUE(Hpt("7", "<think>\\boxed{7}</think> The answer is seven."));
  EXPECT_FALSE(Grade("7", "<think>\\boxed{7}</think> The answer is seven.", {}).correct);
  std::string box;
  ASSERT_TRUE(HptLastBoxed("a \\boxed{\\frac{1}{2}} b", &box));
  EXPECT_EQ(box, "\\frac{1}{2}");
  EXPECT_FALSE(HptLastBoxed("\\boxed{unclosed", &box));
}

TEST(HptCodeTest, GoldSolutionsAreReducedToTheirLastBox) {
  EXPECT_TRUE(Hpt("So $x = \\boxed{12}$.", "\\boxed{12}"));
  EXPECT_FALSE(Hpt("So $x = \\boxed{12}$.", "\\boxed{13}"));
}

TEST(HptCodeTest, MathdNormalisationMatches) {
  EXPECT_EQ(GradeHptCode("\\frac{1}{2}", "\\boxed{\\dfrac12}", {}).reason, "hpt_mathd");
  EXPECT_TRUE(Hpt("\\frac{1}{2}", "\\boxed{0.5}"));  // the mathd rule maps 0.5 to 1/2
  EXPECT_TRUE(Hpt("10", "\\boxed{10 \\text{ inches}}"));
  EXPECT_TRUE(Hpt("90", "\\boxed{90^\\circ}"));
  EXPECT_TRUE(Hpt("3", "\\boxed{k = 3}"));          // a short left side is dropped
  EXPECT_TRUE(Hpt("\\frac{3}{4}", "\\boxed{3/4}"));
  EXPECT_TRUE(Hpt("\\text{(C)}", "\\boxed{(C)}"));
}

TEST(HptCodeTest, SympyRulesAndSymbolicFallback) {
  // The sympy step needs an integer-looking pred for an integer gold; the
  // Math-Verify step then accepts.
  EXPECT_EQ(GradeHptCode("2000000", "\\boxed{2\\times10^6}", {}).reason, "hpt_symbolic");
  EXPECT_TRUE(Hpt("\\frac{2}{4}", "\\boxed{2/4}"));
  EXPECT_TRUE(Hpt("1,000,000", "\\boxed{1000000}"));
  EXPECT_TRUE(Hpt("(1, 2)", "\\boxed{(1,2)}"));
  EXPECT_FALSE(Hpt("(1, 2)", "\\boxed{(2, 1)}"));
  EXPECT_FALSE(Hpt("(1, 2)", "\\boxed{[1, 2]}"));    // brackets must match
  EXPECT_TRUE(Hpt("2\\sqrt{2}", "\\boxed{\\sqrt{8}}"));
  EXPECT_TRUE(Hpt("x^2+2x+1", "\\boxed{(x+1)^2}"));
  EXPECT_FALSE(Hpt("7", "\\boxed{8}"));
  EXPECT_FALSE(Hpt("\\frac{1}{3}", "\\boxed{0.33}"));
}

// hpt_code reads and compares with its own frozen steps (verifiers/hpt_math.h),
// never upt's rules: each pair below is decided one way by upt's rules and the
// other way by the fork's code (entropy_math/__init__.py; Math-Verify grader.py).
TEST(HptCodeTest, VerdictsDoNotFollowUptRules) {
  struct Case {
    const char *gold, *box;
    bool hpt;
    const char* why;
  } cases[] = {
      {"\\frac12", "\\sin 30^\\circ", false, "upt-verify-6 degrees in trig; Math-Verify parses with convert_degrees=False"},
      {"20:34", "08:34 \\text{P.M.}", false, "upt-verify-6 clock times; mathd strips the text, sympy reads 20/34"},
      {"\\frac{\\sqrt2}{2}", "0.7071", false, "upt's rounding rule; Math-Verify rounds only number vs number"},
      {"x", "\\sqrt{x^2}", false, "upt's positive variables; sympy symbols are complex"},
      {"(-\\infty, 3)", "x < 3", false, "upt's interval = inequality; Math-Verify only gold relation vs set"},
      {"3", "1+1=3", true, "upt's false_statement; Math-Verify takes a predicted equation's right side"},
      {"\\frac14", "25\\%", true, "upt drops %; Math-Verify reads X% as X/100"},
      {"\\{1, 2\\}", "\\{1, 1, 2\\}", true, "upt keeps multiplicity; a sympy FiniteSet does not"},
  };
  for (const auto& c : cases) {
    std::string completion = std::string("so \\boxed{") + c.box + "}";
    EXPECT_EQ(Hpt(c.gold, completion), c.hpt) << c.gold << " vs " << c.box << ": " << c.why;
    EXPECT_NE(Grade(c.gold, completion, {}).correct, c.hpt) << c.gold << " vs " << c.box << " (upt)";
  }
}

TEST(HptCodeTest, OverflowAndJunkAreNotRewarded) {
  for (const char* a : {"10^{400}", "-1e309", "171!", "0/0", "\\infty", "", "NaN"})
    EXPECT_FALSE(Hpt("0.5", std::string("\\boxed{") + a + "}")) << a;
}

TEST(HptCodeTest, LongAnswersStayBounded) {
  std::string big(60000, '9');
  EXPECT_TRUE(Hpt(big, "\\boxed{" + big + "}"));
  EXPECT_FALSE(Hpt("9", "\\boxed{" + big + "}"));
  std::string rep;
  for (int i = 0; i < 3000; ++i) rep += "ab";
  EXPECT_FALSE(Hpt("ab", "\\boxed{" + rep + "}"));
}

TEST(HptCodeTest, SelectableThroughGradeAndExtract) {
  GradeOptions o = RewardGradeOptions(RewardPolicy::kHptCode);
  EXPECT_FALSE(Grade("5", "The answer is 5.", o).correct);
  EXPECT_TRUE(Grade("5", "\\boxed{5}", o).correct);
  auto cands = Extract("\\boxed{1} then \\boxed{2}", o.extract);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].text, "2");
  EXPECT_EQ(cands[0].rule, "hpt_last_boxed");
  EXPECT_TRUE(Grade(PrepareGold("5", o.verify), "\\boxed{5}", o).correct);
  // Its own version in the provenance, not upt's rules version.
  EXPECT_EQ(PolicyName(o), "hpt-code-2/hpt_code/budget=200000");
}

}  // namespace
}  // namespace upt::verifiers
