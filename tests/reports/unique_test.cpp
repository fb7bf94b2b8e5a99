#include "reports/unique.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "reports/table.h"

namespace upt::reports {
namespace {

using eval::Counts;

// Fraction of the k-subsets of n samples (first c correct) holding a correct one, by enumeration.
double BruteSolved(int n, int c, int k) {
  long long hit = 0, all = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != k) continue;
    ++all;
    hit += (mask & ((1u << c) - 1)) != 0;
  }
  return static_cast<double>(hit) / static_cast<double>(all);
}

TEST(UniqueSolvesTest, AtKEqualNCountsProblemsOnlyOneRunEverSolved) {
  std::vector<Counts> a = {{"p1", 4, 2}, {"p2", 4, 0}, {"p3", 4, 1}, {"p4", 4, 4}, {"only_a", 4, 4}};
  std::vector<Counts> b = {{"p3", 4, 0}, {"p2", 4, 3}, {"p1", 4, 0}, {"p4", 4, 1}};
  long long shared = 0;
  auto [oa, ob] = SolvedByOneOnly(a, b, 4, &shared);
  EXPECT_EQ(shared, 4);
  EXPECT_DOUBLE_EQ(oa, 2.0);  // p1, p3
  EXPECT_DOUBLE_EQ(ob, 1.0);  // p2
}

TEST(UniqueSolvesTest, SmallerKIsTheExpectationOverKSampleDraws) {
  std::vector<Counts> a = {{"p1", 5, 2}, {"p2", 5, 1}, {"p3", 5, 0}};
  std::vector<Counts> b = {{"p1", 5, 1}, {"p2", 5, 3}, {"p3", 5, 4}};
  auto [oa, ob] = SolvedByOneOnly(a, b, 2);
  double ea = 0, eb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    double pa = BruteSolved(5, static_cast<int>(a[i].c), 2), pb = BruteSolved(5, static_cast<int>(b[i].c), 2);
    ea += pa * (1 - pb);
    eb += pb * (1 - pa);
  }
  EXPECT_NEAR(oa, ea, 1e-12);
  EXPECT_NEAR(ob, eb, 1e-12);
}

RunData MakeRun(const std::string& label, std::vector<Counts> t1, std::vector<Counts> t2 = {}) {
  RunData r;
  r.label = label;
  r.scores.push_back({"toy_t1", "", std::move(t1), {}, {}, 0, false});
  if (!t2.empty()) r.scores.push_back({"toy_t2", "", std::move(t2), {}, {}, 0, false});
  return r;
}

TEST(UniqueSolvesTest, TableHasHptAsReferenceRowsPerPairAndATotal) {
  std::vector<RunData> runs = {MakeRun("GRPO", {{"a", 2, 0}, {"b", 2, 1}}, {{"x", 4, 0}}),
                               MakeRun("HPT", {{"a", 2, 1}, {"b", 2, 0}}, {{"x", 4, 2}}),
                               MakeRun("SFT", {{"a", 2, 0}, {"b", 2, 0}})};
  std::vector<BenchInfo> benches = {{"toy_t1", "toy_t1"}, {"toy_t2", "toy_t2"}};
  std::string note;
  Table t = BuildUniqueSolvesTable(runs, benches, {}, &note);
  ASSERT_EQ(t.rows.size(), 4u);
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[0].header, "toy_t1 (k=2)");
  EXPECT_EQ(t.columns[1].header, "toy_t2 (k=4)");
  EXPECT_EQ(t.rows[0].label, "HPT only (vs GRPO)");
  EXPECT_DOUBLE_EQ(t.rows[0].cells[0].value, 1);  // a
  EXPECT_DOUBLE_EQ(t.rows[0].cells[1].value, 1);  // x
  EXPECT_DOUBLE_EQ(t.rows[0].cells[2].value, 2);
  EXPECT_EQ(t.rows[1].label, "GRPO only (vs HPT)");
  EXPECT_DOUBLE_EQ(t.rows[1].cells[2].value, 1);  // b
  EXPECT_EQ(t.rows[2].label, "HPT only (vs SFT)");
  EXPECT_FALSE(t.rows[2].cells[1].present);  // SFT has no toy_t2
  EXPECT_FALSE(t.rows[2].cells[2].present);
  EXPECT_EQ(t.decimals, 0);
  EXPECT_NE(note.find("HPT"), std::string::npos);
  EXPECT_NE(RenderCsv(t).find("HPT only (vs GRPO),HPT vs GRPO,1.000,1.000,2.000"), std::string::npos) << RenderCsv(t);
  EXPECT_THROW(BuildUniqueSolvesTable(runs, benches, {"nobody", 0}, &note), Error);
  EXPECT_THROW(BuildUniqueSolvesTable(runs, benches, {"", 3}, &note), Error);  // k > n on toy_t1
  EXPECT_EQ(BuildUniqueSolvesTable(runs, benches, {"GRPO", 1}, &note).rows[0].label, "GRPO only (vs HPT)");
}

}  // namespace
}  // namespace upt::reports

namespace upt::reports {
namespace {

TEST(UniqueSolvesTest, SeedLabelledRunsArePairedBySeedAndAveraged) {
  auto run = [](const std::string& label, std::vector<eval::Counts> c) {
    RunData r;
    r.label = label;
    r.scores.push_back({"toy_t1", "", std::move(c), {}, {}, 0, false});
    return r;
  };
  std::vector<RunData> runs = {run("GRPO/s0", {{"a", 2, 0}, {"b", 2, 0}}), run("GRPO/s1", {{"a", 2, 1}, {"b", 2, 0}}),
                               run("HPT/s0", {{"a", 2, 1}, {"b", 2, 1}}), run("HPT/s1", {{"a", 2, 1}, {"b", 2, 0}})};
  std::string note;
  Table t = BuildUniqueSolvesTable(runs, {{"toy_t1", "toy_t1"}}, {}, &note);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].label, "HPT only (vs GRPO)");
  EXPECT_DOUBLE_EQ(t.rows[0].cells[0].value, 1.0);  // s0: 2, s1: 0
  EXPECT_DOUBLE_EQ(t.rows[1].cells[0].value, 0.0);
  EXPECT_NE(note.find("mean over seeds"), std::string::npos);
}

}  // namespace
}  // namespace upt::reports
