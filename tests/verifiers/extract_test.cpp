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

TEST(ExtractTest, UnclosedBoxedIsSkipped) {
  auto c = Ex("\\boxed{12", "strict");
  EXPECT_TRUE(c.empty());
}

TEST(PolicyNameTest, RecordsPolicyToleranceAndBudget) {
  GradeOptions o;
  EXPECT_EQ(PolicyName(o), "upt-verify-2/default/rel_tol=0.0001/budget=200000");
  o.extract.policy = "strict";
  o.verify.rel_tol = 1e-6;
  EXPECT_EQ(PolicyName(o), "upt-verify-2/strict/rel_tol=1e-06/budget=200000");
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

}  // namespace
}  // namespace upt::verifiers
