// Extraction rules and their priority; policy names.
#include <gtest/gtest.h>

#include "core/options.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

std::vector<Candidate> Ex(std::string_view s, const char* policy = "default") {
  ExtractOptions o;
  o.policy = policy;
  return Extract(s, o);
}

TEST(ExtractTest, LastBoxedWinsAndNestedBracesAreKept) {
  auto c = Ex("first \\boxed{1} then \\boxed{\\frac{1}{\\sqrt{2}}} done");
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c[0].text, "\\frac{1}{\\sqrt{2}}");
  EXPECT_EQ(c[0].rule, "boxed");
  EXPECT_EQ(c[1].text, "1");
}

TEST(ExtractTest, FboxAndSpaceFormAreBoxed) {
  EXPECT_EQ(Ex("\\fbox{7}")[0].text, "7");
  EXPECT_EQ(Ex("so \\boxed 12$ end")[0].text, "12");
}

TEST(ExtractTest, OffsetPointsAtTheRule) {
  std::string s = "abc \\boxed{9}";
  auto c = Ex(s);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(s.substr(c[0].offset, 6), "\\boxed");
}

TEST(ExtractTest, OnlyTextAfterThinkIsSearched) {
  auto c = Ex("<think>\\boxed{1}</think>The answer is 2.");
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c[0].text, "2");
  EXPECT_EQ(c[0].rule, "answer_is");
  auto d = Ex("<think>long</think>\n 42 \n");
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].rule, "after_think");
  EXPECT_EQ(d[0].text, "42");
}

TEST(ExtractTest, AnswerPhrasesTakeDollarGroupsAndDropSentencePeriod) {
  EXPECT_EQ(Ex("The final answer is $\\frac{1}{2}$. I hope it is correct.")[0].text, "\\frac{1}{2}");
  EXPECT_EQ(Ex("Final Answer: 3.5.")[0].text, "3.5");
  EXPECT_EQ(Ex("ANSWER: C")[0].text, "C");
  EXPECT_EQ(Ex("<answer> 17 </answer>")[0].rule, "answer_tag");
}

TEST(ExtractTest, LastNumberOnlyInDefaultPolicy) {
  auto d = Ex("we get 3 and then 1,250.5 apples");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].text, "1,250.5");
  EXPECT_EQ(d[0].rule, "last_number");
  EXPECT_TRUE(Ex("we get 3", "strict").empty());
  EXPECT_TRUE(Ex("The answer is 3", "boxed").empty());
}

TEST(ExtractTest, ProseInsideOneMathSpanGivesItsNumber) {
  auto d = Ex("so it is $roughly 12 apples$");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].text, "12");
  EXPECT_EQ(d[0].rule, "last_math");
  EXPECT_EQ(Ex("so it is $either 3 or 4$")[0].text, "either 3 or 4");  // a hedge stays whole
  EXPECT_EQ(Ex("so it is $2 \\text{ apples}$")[0].text, "2 \\text{ apples}");  // LaTeX, not prose
}

TEST(ExtractTest, UnclosedBoxedIsSkipped) {
  auto c = Ex("\\boxed{12", "strict");
  EXPECT_TRUE(c.empty());
}

TEST(ExtractTest, AdjacentBoxesFormOneList) {
  auto c = Ex("first \\boxed{7}. Then \\boxed{1}, \\boxed{2} and $\\boxed{3}$.");
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c[0].text, "1, 2, 3");
  EXPECT_EQ(c[0].rule, "boxed");
  EXPECT_EQ(c[1].text, "7");  // prose divides it from the list
  EXPECT_EQ(Ex("\\[ \\boxed{-2} \\quad \\text{and} \\quad \\boxed{1}. \\]")[0].text, "-2, 1");
  EXPECT_EQ(Ex("\\boxed{(1, 2)}, \\boxed{(2, 1)}, \\boxed{(-1, -20)}")[0].text, "(1, 2), (2, 1), (-1, -20)");
  EXPECT_EQ(Ex("\\[\n\\boxed{1},\n\\boxed{2}\n\\]")[0].text, "1, 2");  // one display block
  EXPECT_EQ(Ex("\\boxed{1},\n\\boxed{2}")[0].text, "2");              // a line break
  EXPECT_EQ(Ex("\\boxed{5} \\boxed{6}")[0].text, "6");                 // spacing only
  EXPECT_EQ(Ex("\\boxed{3} \\text{ for part (a) and } \\boxed{1}")[0].text, "1");
  std::string s = "x \\boxed{1}, \\boxed{2}";
  EXPECT_EQ(s.substr(Ex(s)[0].offset, 9), "\\boxed{1}");
}

TEST(ExtractTest, ManyAdjacentBoxesStayBounded) {
  std::string s;
  for (int i = 0; i < 100000; ++i) s += "\\boxed{1}, ";
  auto c = Ex(s);
  ASSERT_FALSE(c.empty());
  EXPECT_LE(c[0].text.size(), 64u);  // at most 16 items joined
}

TEST(ExtractTest, LastNumberKeepsGluedUnitsButNotNames) {
  EXPECT_EQ(Ex("so the number is 10 which is 1,000.99m²")[0].text, "1,000.99");
  EXPECT_EQ(Ex("a side of 5cm")[0].text, "5");
  EXPECT_EQ(Ex("we get 4 from x2")[0].text, "4");
  EXPECT_TRUE(Ex("the code is AZYUK2A").empty());
}

TEST(ExtractTest, FinalAnswerAfterTheLastBoxDecides) {
  auto c = Ex("$0.05 \\cdot 10,200 = \\boxed{255}$ So he has $10,200 + $255 = $10,455. "
              "Final Answer: The final answer is $10,455$. I hope it is correct.");
  ASSERT_GE(c.size(), 2u);
  EXPECT_EQ(c[0].text, "10,455");
  EXPECT_EQ(c[0].rule, "answer_is");
  EXPECT_EQ(c[1].text, "255");
  EXPECT_EQ(Ex("\\boxed{5}. So the answer is correct.")[0].text, "5");
  EXPECT_EQ(Ex("\\boxed{5}. The final answer is $7$.", "boxed")[0].text, "5");
}

TEST(PolicyNameTest, RecordsPolicyToleranceAndBudget) {
  GradeOptions o;
  EXPECT_EQ(PolicyName(o), "upt-verify-10/default/rel_tol=0.0001/budget=200000");
  o.extract.policy = "strict";
  o.verify.rel_tol = 1e-6;
  EXPECT_EQ(PolicyName(o), "upt-verify-10/strict/rel_tol=1e-06/budget=200000");
}

TEST(PolicyNameTest, OptionsRoundTripThroughTheOptionsVisitor) {
  GradeOptions o;
  o.extract.policy = "boxed";
  o.verify.rel_tol = 1e-6;
  OrderedJson j = OptionsToJson(o);
  EXPECT_EQ(j["extract.policy"], "boxed");
  EXPECT_DOUBLE_EQ(j["verify.rel_tol"].get<double>(), 1e-6);
  EXPECT_EQ(j["verify.step_budget"].get<long long>(), 200000);
}

TEST(GoldAnswerTest, ReferenceSolutionsUseTheirLastBox) {
  EXPECT_EQ(GoldAnswer("We find $x=2$ so \\boxed{2}."), "2");
  EXPECT_EQ(GoldAnswer("$\\frac12$"), "$\\frac12$");
  EXPECT_TRUE(Grade("Thus the area is $\\boxed{\\frac{3}{4}}$.", "\\boxed{0.75}", {}).correct);
}

TEST(GoldAnswerTest, AdjacentGoldBoxesFormOneList) {
  EXPECT_EQ(GoldAnswer("$\\boxed{1}\\boxed{2}$"), "1, 2");
  EXPECT_EQ(GoldAnswer("\\(\\boxed{1}\\) and \\(\\boxed{-2}\\)."), "1, -2");
  EXPECT_EQ(GoldAnswer("$$\\boxed{2}, \\boxed{3}, \\boxed{5}$$"), "2, 3, 5");
}

TEST(GoldAnswerTest, LongProseSolutionsWithoutABoxAreExtracted) {
  std::string sol =
      "The stock loses $10\\%$ on Monday and $20\\%$ of the rest on Tuesday, so it keeps "
      "$0.9 \\cdot 0.8 = 0.72$ of its value. Final Answer: The final answer is $28\\%$. I hope "
      "it is correct.";
  EXPECT_EQ(GoldAnswer(sol), "28\\%");
  for (const char* g : {"x = 5", "\\text{Evelyn}", "(3, \\frac{\\pi}{2})", "10\\%",
                        "\\text{The function is increasing}"})
    EXPECT_EQ(GoldAnswer(g), g);
  // Long mathematics without prose stays whole.
  std::string poly;
  for (int i = 0; i < 40; ++i) poly += "+ x^{" + std::to_string(i) + "} ";
  EXPECT_EQ(GoldAnswer(poly), poly);
}

}  // namespace
}  // namespace upt::verifiers
