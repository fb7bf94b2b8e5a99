// GradeBatch equals sequential grading (order, determinism, thread safety).
#include <gtest/gtest.h>

#include "tests/verifiers/case_table.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

TEST(GradeBatchTest, MatchesSequentialGradingInOrder) {
  std::vector<testing::Case> cases = testing::LoadCases(false);
  std::vector<GradeItem> items;
  for (int rep = 0; rep < 4; ++rep)
    for (const auto& c : cases) items.push_back({c.gold, c.pred, c.mc, c.choices});
  std::vector<Verdict> batch = GradeBatch(items, {});
  ASSERT_EQ(batch.size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    Verdict s = testing::GradeCase(cases[i % cases.size()]);
    ASSERT_EQ(batch[i].correct, s.correct) << i;
    ASSERT_EQ(batch[i].reason, s.reason) << i;
    ASSERT_EQ(batch[i].extracted, s.extracted) << i;
  }
}

TEST(GradeBatchTest, SymbolicComparisonIsDeterministic) {
  GradeOptions o;
  Verdict a = Grade("\\sin^2 x + \\cos^2 x", "\\boxed{1}", o);
  for (int i = 0; i < 50; ++i) {
    Verdict b = Grade("\\sin^2 x + \\cos^2 x", "\\boxed{1}", o);
    EXPECT_EQ(a.correct, b.correct);
    EXPECT_EQ(a.reason, b.reason);
  }
  EXPECT_TRUE(a.correct);
}

}  // namespace
}  // namespace upt::verifiers
