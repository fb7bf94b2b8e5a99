#include "reports/seeds_report.h"

#include <gtest/gtest.h>

#include "eval/seeds.h"
#include "../core/test_util.h"
#include "core/fs.h"
#include "fixtures.h"
#include "reports/report.h"

namespace upt::reports {
namespace {

RunData MakeRun(const std::string& label, std::vector<eval::Counts> c) {
  RunData r;
  r.label = label;
  r.scores.push_back({"toy_t1", "", std::move(c), {}, {}, 0, false});
  return r;
}

TEST(SeedsReportTest, GroupsMethodsBySeedAndMatchesSeedsAndProblems) {
  std::vector<RunData> runs = {
      MakeRun("HPT/s0", {{"a", 4, 4}, {"b", 4, 2}, {"c", 4, 0}}), MakeRun("HPT/s1", {{"b", 4, 3}, {"a", 4, 1}}),
      MakeRun("GRPO/s1", {{"a", 4, 0}, {"b", 4, 1}}), MakeRun("GRPO/s0", {{"a", 4, 2}, {"b", 4, 2}, {"c", 4, 4}})};
  auto groups = GroupBySeed(runs);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].method, "HPT");
  EXPECT_EQ(groups[1].seeds, (std::vector<std::string>{"s1", "s0"}));
  auto ids = CommonIds(groups[0], "toy_t1", {"s0", "s1"});
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b"}));  // c only in s0
  auto m = SeedMatrix(groups[0], "toy_t1", {"s0", "s1"}, ids);
  EXPECT_EQ(m, (std::vector<std::vector<double>>{{1.0, 0.5}, {0.25, 0.75}}));

  StatsOptions stats;
  stats.replicates = 200;
  Table mean = BuildSeedMeanTable(groups, {{"toy_t1", "T1"}}, stats);
  ASSERT_EQ(mean.rows.size(), 2u);
  EXPECT_EQ(mean.rows[0].label, "HPT (2 seeds)");
  EXPECT_DOUBLE_EQ(mean.rows[0].cells[0].value, 62.5);
  Table pairs = BuildSeedPairsTable(groups, {{"toy_t1", "T1"}}, stats);
  ASSERT_EQ(pairs.rows.size(), 1u);
  EXPECT_EQ(pairs.rows[0].label, "HPT − GRPO (2 seeds × 2 problems)");
  // Same seed, same problem: s0 (a, b) = (1 - .5, .5 - .5), s1 = (.25 - 0, .75 - .25).
  EXPECT_DOUBLE_EQ(pairs.rows[0].cells[0].value, 100 * (0.5 + 0 + 0.25 + 0.5) / 4);
  eval::BootstrapOptions bo;
  bo.replicates = 200;
  auto direct = eval::HierarchicalPaired({{1, 0.5}, {0.25, 0.75}}, {{0.5, 0.5}, {0, 0.25}}, bo);
  EXPECT_DOUBLE_EQ(pairs.rows[0].cells[1].value, direct.p_value);
  EXPECT_DOUBLE_EQ(pairs.rows[0].cells[2].value, direct.p_value);  // one comparison: Holm = raw

  EXPECT_TRUE(GroupBySeed({MakeRun("HPT", {{"a", 1, 1}})}).empty());
}

TEST(SeedsReportTest, ReportWithSeedLabelsWritesSeedTablesAndClaims) {
  upt::testing::TempDir tmp;
  ReportOptions o;
  int i = 0;
  for (const char* label : {"HPT/s0", "HPT/s1", "SFT→GRPO/s0", "SFT→GRPO/s1"}) {
    std::string dir = tmp.file("runs/r" + std::to_string(i));
    upt::testing::WriteRun(dir, label, i < 2 ? 0.6 : 0.3, 10 + i, false);
    o.runs.push_back(std::string(label) + "=" + dir);
    ++i;
  }
  o.out = tmp.file("report");
  o.boot.replicates = 100;
  o.render = false;
  WriteReport(o);
  for (const char* f : {"tables/seeds_pass1.md", "tables/seeds_pairs.csv", "tables/claims.csv"})
    EXPECT_TRUE(FileExists(o.out + "/" + f)) << f;
  std::string md = ReadFile(o.out + "/index.md");
  EXPECT_NE(md.find("## Claims"), std::string::npos);
  EXPECT_NE(md.find("HPT ≥ SFT→GRPO on the in-distribution Pass@1 average"), std::string::npos);
  EXPECT_NE(ReadFile(o.out + "/tables/seeds_pass1.csv").find("HPT (2 seeds)"), std::string::npos);
}

}  // namespace
}  // namespace upt::reports
