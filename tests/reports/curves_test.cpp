#include "reports/curves.h"

#include <gtest/gtest.h>

#include <cmath>

namespace upt::reports {
namespace {

TEST(CurvesTest, MovingAverageMatchesBruteForceTrailingMeans) {
  std::vector<double> y = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
  for (int w : {1, 2, 3, 5, 20}) {
    auto ma = MovingAverage(y, w);
    ASSERT_EQ(ma.size(), y.size());
    for (size_t i = 0; i < y.size(); ++i) {
      double s = 0;
      int c = 0;
      for (int j = static_cast<int>(i); j >= 0 && j > static_cast<int>(i) - w; --j) s += y[j], ++c;
      EXPECT_NEAR(ma[i], s / c, 1e-12) << "w=" << w << " i=" << i;
    }
  }
  EXPECT_EQ(SmoothWindow(5), 1);
  EXPECT_EQ(SmoothWindow(200), 20);
  EXPECT_EQ(SmoothWindow(100000), 50);
}

TEST(CurvesTest, SeedLabelsSplitAtTheLastSlash) {
  EXPECT_EQ(SplitSeedLabel("HPT/s2"), (std::pair<std::string, std::string>{"HPT", "s2"}));
  EXPECT_EQ(SplitSeedLabel("SFT/GRPO/s0"), (std::pair<std::string, std::string>{"SFT/GRPO", "s0"}));
  EXPECT_EQ(SplitSeedLabel("GRPO"), (std::pair<std::string, std::string>{"GRPO", ""}));
  EXPECT_EQ(SplitSeedLabel("trailing/"), (std::pair<std::string, std::string>{"trailing/", ""}));
}

TEST(CurvesTest, SeedMeanIsTheMeanOfSmoothedSeedsOnCommonStepsWithSdBand) {
  Series a, b;
  for (int s = 0; s < 40; ++s) {
    a.step.push_back(s);
    a.value.push_back(s % 2 ? 1.0 : 0.0);
    if (s != 7) {  // seed b skipped step 7
      b.step.push_back(s);
      b.value.push_back(0.5 + 0.01 * s);
    }
  }
  LineSeries one = SeedMeanSeries("HPT", 0, {a});
  EXPECT_EQ(one.label, "HPT (MA 4)");
  EXPECT_TRUE(one.low.empty());
  auto ma = MovingAverage(a.value, 4);
  ASSERT_EQ(one.y.size(), 40u);
  for (size_t i = 0; i < 40; ++i) EXPECT_DOUBLE_EQ(one.y[i], ma[i]);
  EXPECT_DOUBLE_EQ(one.raw[5], 1.0);

  LineSeries two = SeedMeanSeries("HPT", 0, {a, b});
  EXPECT_EQ(two.label, "HPT (MA 4, 2 seeds, ±1 sd)");
  ASSERT_EQ(two.x.size(), 39u);  // step 7 missing in b
  auto mb = MovingAverage(b.value, 4);
  size_t i = 20;                 // step 21 in a, index 20 in b
  double m = (ma[21] + mb[20]) / 2, sd = std::fabs(ma[21] - mb[20]) / std::sqrt(2.0);
  EXPECT_DOUBLE_EQ(two.x[i], 21);
  EXPECT_NEAR(two.y[i], m, 1e-12);
  EXPECT_NEAR(two.high[i] - two.y[i], sd, 1e-12);
  EXPECT_NEAR(two.y[i] - two.low[i], sd, 1e-12);
  EXPECT_NEAR(two.raw[i], (a.value[21] + b.value[20]) / 2, 1e-12);
}

TEST(CurvesTest, RunsOfOneMethodOverSeedsBecomeOneBandedLine) {
  std::vector<RunData> runs(3);
  const char* labels[] = {"HPT/s0", "HPT/s1", "GRPO/s0"};
  for (int r = 0; r < 3; ++r) {
    runs[r].label = labels[r];
    runs[r].train.path = "metrics.jsonl";
    Series s;
    for (int t = 0; t < 30; ++t) s.step.push_back(t), s.value.push_back(0.1 * r + 0.01 * t);
    runs[r].train.metrics["critic/score/mean"] = s;
  }
  std::vector<std::string> notes;
  auto figs = BuildTrainingFigures(runs, &notes);
  const LineFigure* reward = nullptr;
  for (const auto& f : figs)
    if (f.name == "curve_reward") reward = &f;
  ASSERT_NE(reward, nullptr);
  ASSERT_EQ(reward->panels[0].series.size(), 2u);
  EXPECT_EQ(reward->panels[0].series[0].label, "HPT (MA 3, 2 seeds, ±1 sd)");
  EXPECT_FALSE(reward->panels[0].series[0].low.empty());
  EXPECT_EQ(reward->panels[0].series[1].label, "GRPO (MA 3)");
  std::string gp = LineFigureScript(*reward), dat = LineFigureData(*reward);
  EXPECT_NE(gp.find("using 1:5 with lines lw 1 lc rgb '#C0"), std::string::npos) << gp;  // raw, faint, under the band
  EXPECT_NE(gp.find("using 1:3 with lines lw 1 lc rgb '#C0"), std::string::npos) << gp;  // raw without band
}

}  // namespace
}  // namespace upt::reports
