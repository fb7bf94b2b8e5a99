#include "reports/tables.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

#include "reports/benchmarks.h"

namespace upt::reports {
namespace {

BenchmarkScore Score(const std::string& bench, std::vector<eval::Counts> counts) {
  BenchmarkScore s;
  s.benchmark = bench;
  s.problems = std::move(counts);
  for (const auto& c : s.problems) {
    if (s.provenance.n_min == 0 || c.n < s.provenance.n_min) s.provenance.n_min = c.n;
    s.provenance.n_max = std::max(s.provenance.n_max, c.n);
  }
  return s;
}

RunData MakeRun(const std::string& label, std::vector<BenchmarkScore> scores) {
  RunData r;
  r.label = label;
  r.scores = std::move(scores);
  return r;
}

StatsOptions FewReplicates() {
  StatsOptions s;
  s.replicates = 200;
  return s;
}

// A: aime24 1/4 and 3/4 -> 50%; math500 c/n = 1, 0 -> 50%; gpqa 1/1, 0/1, 1/1 -> 66.7%; arc_c 1/2 -> 50%.
// B: aime24 4/4, 2/4 -> 75%; no math500; gpqa 0/1, 0/1, 1/1 -> 33.3%; arc_c 2/2 -> 100%.
std::vector<RunData> TwoRuns() {
  return {MakeRun("A", {Score("aime24", {{"p1", 4, 1}, {"p2", 4, 3}}), Score("math500", {{"m1", 1, 1}, {"m2", 1, 0}}),
                    Score("gpqa_diamond", {{"g1", 1, 1}, {"g2", 1, 0}, {"g3", 1, 1}}), Score("arc_c", {{"a1", 2, 1}})}),
          MakeRun("B", {Score("aime24", {{"p1", 4, 4}, {"p2", 4, 2}}),
                    Score("gpqa_diamond", {{"g1", 1, 0}, {"g2", 1, 0}, {"g3", 1, 1}}), Score("arc_c", {{"a1", 2, 2}})})};
}

TEST(BenchmarksTest, AliasesAndPaperOrder) {
  EXPECT_EQ(CanonicalBenchmark("MATH-500"), "math500");
  EXPECT_EQ(CanonicalBenchmark("OlympiadBench"), "olympiad");
  EXPECT_EQ(CanonicalBenchmark("GPQA"), "gpqa_diamond");
  EXPECT_EQ(CanonicalBenchmark("arc-challenge"), "arc_c");
  EXPECT_EQ(CanonicalBenchmark("MyBench"), "mybench");
  auto order = OrderBenchmarks({"gpqa_diamond", "zeta", "math500", "aime24", "arc_c"});
  std::vector<std::string> keys;
  for (const auto& b : order) keys.push_back(b.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"aime24", "math500", "zeta", "arc_c", "gpqa_diamond"}));
  EXPECT_EQ(OrderBenchmarks({"zeta"}, {"zeta"})[0].group, BenchGroup::kOutOfDistribution);
}

TEST(MainTableTest, ColumnsInPaperLayoutWithAverages) {
  auto runs = TwoRuns();
  Table t = BuildMainTable(runs, ReportBenchmarks(runs, {}), FewReplicates());
  std::vector<std::string> keys;
  for (const auto& c : t.columns) keys.push_back(c.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"aime24", "math500", "avg_id", "arc_c", "gpqa_diamond", "avg_ood"}));
  EXPECT_EQ(t.columns[2].group, "In-distribution");
  EXPECT_EQ(t.columns[5].group, "Out-of-distribution");
  ASSERT_EQ(t.rows.size(), 2u);
  const auto& a = t.rows[0].cells;
  EXPECT_DOUBLE_EQ(a[0].value, 50.0);
  EXPECT_DOUBLE_EQ(a[1].value, 50.0);
  EXPECT_DOUBLE_EQ(a[2].value, 50.0);                    // mean of 50, 50
  EXPECT_DOUBLE_EQ(a[3].value, 50.0);
  EXPECT_NEAR(a[4].value, 200.0 / 3, 1e-9);
  EXPECT_NEAR(a[5].value, (50.0 + 200.0 / 3) / 2, 1e-9);  // unweighted over benchmarks
  const auto& b = t.rows[1].cells;
  EXPECT_FALSE(b[1].present);  // B has no math500 ...
  EXPECT_FALSE(b[2].present);  // ... so no in-distribution Avg
  EXPECT_NEAR(b[5].value, (100.0 + 100.0 / 3) / 2, 1e-9);
  EXPECT_TRUE(a[0].has_ci);
  EXPECT_LE(a[0].low, a[0].value);
  EXPECT_GE(a[0].high, a[0].value);
  EXPECT_FALSE(a[2].has_ci);
}

TEST(MainTableTest, BestInBoldPerColumn) {
  auto runs = TwoRuns();
  Table t = BuildMainTable(runs, ReportBenchmarks(runs, {}), FewReplicates());
  EXPECT_FALSE(t.rows[0].cells[0].bold);
  EXPECT_TRUE(t.rows[1].cells[0].bold);   // aime24 75 > 50
  EXPECT_TRUE(t.rows[0].cells[1].bold);   // only A has math500
  EXPECT_TRUE(t.rows[0].cells[4].bold);   // gpqa 66.7 > 33.3
  EXPECT_TRUE(t.rows[1].cells[5].bold);   // OOD avg 66.7 > 58.3
}

TEST(MainTableTest, DeclaredPass1UsedWithoutCounts) {
  BenchmarkScore s;
  s.benchmark = "aime24";
  s.has_declared_pass1 = true;
  s.declared_pass1 = 0.25;
  Pass1 p = ComputePass1(s, FewReplicates());
  EXPECT_TRUE(p.present);
  EXPECT_FALSE(p.has_ci);
  EXPECT_DOUBLE_EQ(p.mean, 25.0);
  EXPECT_EQ(p.source, "results.json");
  EXPECT_FALSE(ComputePass1(BenchmarkScore{}, FewReplicates()).present);
}

TEST(PaperTest, EmbeddedTablesParse) {
  const PaperTable& t = GetPaperTable("qwen2.5-math-7b");
  ASSERT_EQ(t.rows.size(), 12u);
  EXPECT_EQ(t.rows[6].model, "HPT");
  EXPECT_DOUBLE_EQ(t.rows[6].values.at("aime24"), 33.0);
  EXPECT_DOUBLE_EQ(t.rows[6].values.at("avg_ood"), 62.3);
  EXPECT_EQ(GetPaperTable("qwen2.5-math-1.5b").rows.back().values.at("avg_id"), 41.9);
  EXPECT_EQ(GetPaperTable("llama3.1-8b").rows.size(), 5u);
  EXPECT_THROW(GetPaperTable("gpt-5"), Error);
  // The paper's Avg columns are the means of its six benchmarks (to rounding).
  for (const auto& row : t.rows) {
    double sum = 0;
    for (const char* k : {"aime24", "aime25", "amc", "math500", "minerva", "olympiad"}) sum += row.values.at(k);
    EXPECT_NEAR(sum / 6, row.values.at("avg_id"), 0.1) << row.model;
  }
}

TEST(PaperTest, RowsAppendedAsReferenceWithRecomputedAvgForPartialColumns) {
  auto runs = TwoRuns();
  runs[1].label = "HPT";
  Table t = BuildMainTable(runs, ReportBenchmarks(runs, {}), FewReplicates());
  const PaperTable& paper = GetPaperTable("qwen2.5-math-7b");
  AppendPaperRows(&t, paper);
  ASSERT_EQ(t.rows.size(), 2u + paper.rows.size());
  EXPECT_EQ(t.rows[0].section, "This report");
  const Row& hpt = t.rows[2 + 6];
  EXPECT_TRUE(hpt.reference);
  EXPECT_EQ(hpt.label, "HPT");
  EXPECT_DOUBLE_EQ(hpt.cells[0].value, 33.0);
  EXPECT_DOUBLE_EQ(hpt.cells[1].value, 89.2);
  EXPECT_NEAR(hpt.cells[2].value, (33.0 + 89.2) / 2, 1e-9);  // two of six shown: recomputed
  EXPECT_DOUBLE_EQ(hpt.cells[5].value, 62.3);                // OOD set matches: paper's own Avg
  EXPECT_FALSE(hpt.cells[0].bold);

  Table delta = BuildPaperDeltaTable(t, paper);
  ASSERT_EQ(delta.rows.size(), 3u);
  EXPECT_EQ(delta.rows[0].section, "HPT");
  EXPECT_NEAR(delta.rows[2].cells[0].value, 75.0 - 33.0, 1e-9);
  EXPECT_EQ(MatchKey("SFT\xE2\x86\x92GRPO"), MatchKey("sft-grpo"));
}

TEST(PassKTest, MatchesBruteForceUnbiasedEstimator) {
  auto runs = TwoRuns();
  auto pks = ComputePassK(runs, ReportBenchmarks(runs, {}), FewReplicates(), 1024);
  // aime24 (n = 4) and arc_c (n = 2) have n >= 2; math500 and gpqa (n = 1) do not.
  ASSERT_EQ(pks.size(), 2u);
  EXPECT_EQ(pks[0].bench.key, "aime24");
  const PassKCurve& a = pks[0].curves[0];
  EXPECT_EQ(a.ks, (std::vector<long long>{1, 2, 4}));
  // pass@2 for n=4: c=1 -> 1 - C(3,2)/C(4,2) = 1/2; c=3 -> 1 - 0 = 1. Mean 3/4.
  EXPECT_NEAR(a.mean[1], 75.0, 1e-9);
  EXPECT_NEAR(a.mean[2], 100.0, 1e-9);
  Table t = BuildPassKTable(pks[0]);
  EXPECT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[2].header, "k=4");
}

TEST(PassKTest, KOneIntervalEqualsPass1Interval) {
  auto runs = TwoRuns();
  auto benches = ReportBenchmarks(runs, {});
  Table main = BuildMainTable(runs, benches, FewReplicates());
  auto pks = ComputePassK(runs, benches, FewReplicates(), 1024);
  EXPECT_DOUBLE_EQ(pks[0].curves[0].mean[0], main.rows[0].cells[0].value);
  EXPECT_DOUBLE_EQ(pks[0].curves[0].low[0], main.rows[0].cells[0].low);
  EXPECT_DOUBLE_EQ(pks[0].curves[0].high[0], main.rows[0].cells[0].high);
}

TEST(PassKTest, MaxKCapsTheColumnsAndShorterRunsLeaveGaps) {
  std::vector<RunData> runs = {MakeRun("long", {Score("aime24", {{"p", 16, 3}})}), MakeRun("short", {Score("aime24", {{"p", 4, 1}})})};
  auto pks = ComputePassK(runs, ReportBenchmarks(runs, {}), FewReplicates(), 8);
  Table t = BuildPassKTable(pks[0]);
  ASSERT_EQ(t.columns.size(), 4u);  // 1 2 4 8
  EXPECT_TRUE(t.rows[0].cells[3].present);
  EXPECT_FALSE(t.rows[1].cells[3].present);
}

}  // namespace
}  // namespace upt::reports
