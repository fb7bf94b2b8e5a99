#include "reports/claims.h"

#include <gtest/gtest.h>

#include "core/rng.h"

namespace upt::reports {
namespace {

// `acc` per problem = base + shift; c ~ Binomial(n, acc) drawn from a fixed stream.
std::vector<eval::Counts> Counts(double shift, int seed, int problems, long long n) {
  RngStream rng(seed, {3});
  std::vector<eval::Counts> out;
  for (int p = 0; p < problems; ++p) {
    double acc = std::clamp(0.2 + 0.6 * p / problems + shift, 0.0, 1.0);
    long long c = 0;
    for (long long s = 0; s < n; ++s) c += rng.Uniform() < acc;
    out.push_back({"q" + std::to_string(p), n, c});
  }
  return out;
}

std::vector<RunData> Study(bool with_ratio) {
  struct M {
    const char* label;
    double shift;
  };
  std::vector<RunData> runs;
  int mi = 0;
  for (M m : {M{"HPT", 0.15}, M{"SFT→GRPO", 0.0}, M{"LUFFY", 0.15}, M{"GRPO", 0.15}, M{"SFT", 0.3}})
    for (int s = 0; s < 3; ++s, ++mi) {
      RunData r;
      r.label = std::string(m.label) + "/s" + std::to_string(s);
      r.scores.push_back({"toy_t1", "", Counts(m.shift, 100 * mi + 1, 60, 8), {}, {}, 0, false});
      r.scores.push_back({"toy_t4", "", Counts(m.shift - 0.2, 100 * mi + 2, 60, 8), {}, {}, 0, false});
      if (with_ratio && std::string(m.label) == "HPT") {
        Series sr;
        for (int t = 0; t < 40; ++t) sr.step.push_back(t), sr.value.push_back(0.9 - 0.02 * t + 0.01 * ((t + s) % 3));
        r.train.metrics["hpt/offline_data_ratio"] = sr;
      }
      runs.push_back(std::move(r));
    }
  return runs;
}

TEST(ClaimsTest, MethodKeysIgnoreArrowsCaseAndPunctuation) {
  EXPECT_EQ(MethodKey("SFT→GRPO"), "sftgrpo");
  EXPECT_EQ(MethodKey("SFT->GRPO"), "sftgrpo");
  EXPECT_EQ(MethodKey("hpt"), "hpt");
}

TEST(ClaimsTest, VerdictsFollowTheIntervalAndHolm) {
  StatsOptions stats;
  stats.replicates = 400;
  std::vector<BenchInfo> benches = {{"toy_t1", "T1"}, {"toy_t4", "T4"}};
  auto claims = TestClaims(Study(true), benches, {"toy_t4"}, 8, stats);
  ASSERT_EQ(claims.size(), 5u);
  EXPECT_EQ(claims[0].verdict, "supported") << claims[0].low;      // HPT 15 points above SFT→GRPO
  EXPECT_NEAR(claims[0].value, 15, 3);
  EXPECT_EQ(claims[1].verdict, "inconclusive");                    // same skill as LUFFY
  EXPECT_LT(claims[1].low, 0);
  EXPECT_GT(claims[1].high, 0);
  EXPECT_NE(claims[2].statistic.find("Pass@8"), std::string::npos) << claims[2].statistic;
  EXPECT_EQ(claims[3].verdict, "not supported");                   // SFT→GRPO 30 points below SFT
  EXPECT_GE(claims[3].p_holm, claims[3].p);
  EXPECT_EQ(claims[4].verdict, "supported") << claims[4].value;    // ratio falls ~0.6
  EXPECT_NEAR(claims[4].value, -0.6, 0.05);
  EXPECT_NE(ClaimsCsv(claims).find(",supported,"), std::string::npos);
  EXPECT_EQ(ClaimsTextTable(claims).rows.size(), 5u);
}

TEST(ClaimsTest, MissingRunsOrLogsAreNotTested) {
  StatsOptions stats;
  stats.replicates = 100;
  auto runs = Study(false);
  runs.erase(std::remove_if(runs.begin(), runs.end(), [](const RunData& r) { return r.label.rfind("LUFFY", 0) == 0; }),
             runs.end());
  auto claims = TestClaims(runs, {{"toy_t1", "T1"}}, {}, 8, stats);
  EXPECT_EQ(claims[1].verdict, "not tested");
  EXPECT_EQ(claims[2].verdict, "not tested");  // no unseen benchmarks named
  EXPECT_EQ(claims[4].verdict, "not tested");  // no ratio logs
  EXPECT_TRUE(claims[0].tested);
}

}  // namespace
}  // namespace upt::reports
