#include "reports/heatmap.h"

#include <gtest/gtest.h>

#include <cmath>

namespace upt::reports {
namespace {

std::vector<RolloutRecord> Records(const std::vector<std::tuple<long long, std::string, long long, long long>>& rows) {
  std::vector<RolloutRecord> out;
  long long step = 0;
  for (const auto& [epoch, q, c, n] : rows) out.push_back({step++, epoch, q, c, n});
  return out;
}

TEST(HeatmapTest, RowsOrderedByFirstSolvedEpochNeverSolvedLast) {
  // late: solved from epoch 2; never: 0 throughout; early: from epoch 0;
  // mid_hi and mid_lo both from epoch 1, mid_hi with higher mean accuracy.
  auto recs = Records({{0, "late", 0, 4},  {1, "late", 0, 4},  {2, "late", 1, 4},  {0, "never", 0, 4},
                       {1, "never", 0, 4}, {2, "never", 0, 4}, {0, "early", 2, 4}, {1, "early", 3, 4},
                       {2, "early", 4, 4}, {0, "mid_lo", 0, 4}, {1, "mid_lo", 1, 4}, {2, "mid_lo", 1, 4},
                       {0, "mid_hi", 0, 4}, {1, "mid_hi", 4, 4}, {2, "mid_hi", 4, 4}});
  Heatmap h = BuildHeatmap(recs);
  EXPECT_EQ(h.column_axis, "epoch");
  EXPECT_EQ(h.columns, (std::vector<long long>{0, 1, 2}));
  EXPECT_EQ(h.questions, (std::vector<std::string>{"early", "mid_hi", "mid_lo", "late", "never"}));
  EXPECT_EQ(h.first_solved, (std::vector<int>{0, 1, 1, 2, -1}));
  EXPECT_DOUBLE_EQ(h.never_solved_fraction, 0.2);
  EXPECT_DOUBLE_EQ(h.acc[0][1], 0.75);
}

TEST(HeatmapTest, CountsWithinAnEpochAreSummedAndGapsAreNaN) {
  auto recs = Records({{0, "q", 1, 4}, {0, "q", 3, 4}, {2, "q", 0, 8}, {1, "r", 2, 2}});
  Heatmap h = BuildHeatmap(recs);
  ASSERT_EQ(h.questions.size(), 2u);
  EXPECT_EQ(h.questions[0], "q");
  EXPECT_DOUBLE_EQ(h.acc[0][0], 0.5);  // (1 + 3) / 8
  EXPECT_TRUE(std::isnan(h.acc[0][1]));
  EXPECT_DOUBLE_EQ(h.acc[0][2], 0.0);
  EXPECT_TRUE(std::isnan(h.acc[1][0]));
}

TEST(HeatmapTest, SingleEpochLogsUseStepColumns) {
  std::vector<RolloutRecord> recs = {{10, 0, "q", 1, 2}, {20, 0, "q", 2, 2}};
  Heatmap h = BuildHeatmap(recs);
  EXPECT_EQ(h.column_axis, "step");
  EXPECT_EQ(h.columns, (std::vector<long long>{10, 20}));
}

TEST(HeatmapTest, DifferenceOnSharedQuestionsAndEpochs) {
  Heatmap a = BuildHeatmap(Records({{0, "x", 1, 2}, {1, "x", 2, 2}, {0, "y", 0, 2}, {1, "y", 0, 2}, {0, "only_a", 1, 1}}));
  Heatmap b = BuildHeatmap(Records({{0, "x", 0, 2}, {1, "x", 1, 2}, {2, "x", 1, 2}, {0, "y", 2, 2}, {1, "y", 2, 2}}));
  Heatmap d = BuildDiffHeatmap(a, b);
  EXPECT_EQ(d.columns, (std::vector<long long>{0, 1}));
  EXPECT_EQ(d.questions, (std::vector<std::string>{"x", "y"}));  // x solved by A at 0; y never by A
  EXPECT_DOUBLE_EQ(d.acc[0][0], 0.5);
  EXPECT_DOUBLE_EQ(d.acc[0][1], 0.5);
  EXPECT_DOUBLE_EQ(d.acc[1][0], -1.0);
  EXPECT_DOUBLE_EQ(d.never_solved_fraction, 0.5);
}

}  // namespace
}  // namespace upt::reports
