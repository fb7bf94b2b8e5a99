// Partial benchmarks in the main table: a subset or missing problems mark the
// cell (and its group average) with a dagger and a note naming n of N; a
// benchmark with nothing scored prints a dash, never 0.0.
#include <gtest/gtest.h>

#include "reports/table.h"
#include "reports/tables.h"

namespace upt::reports {
namespace {

BenchmarkScore Scored(const std::string& bench, std::vector<eval::Counts> counts, long long of) {
  BenchmarkScore s;
  s.benchmark = bench;
  s.problems = std::move(counts);
  s.problems_scored = 0;
  for (const auto& c : s.problems) s.problems_scored += c.n > 0;
  s.problems_total = of;
  s.provenance.n_min = s.provenance.n_max = 1;
  return s;
}

Table OneRun(std::vector<BenchmarkScore> scores) {
  RunData run;
  run.label = "mine";
  run.scores = std::move(scores);
  StatsOptions stats;
  stats.replicates = 50;
  std::vector<RunData> runs = {run};
  return BuildMainTable(runs, ReportBenchmarks(runs, {}), stats);
}

TEST(PartialTableTest, SubsetCellsAndTheirAverageAreMarkedWithANote) {
  Table t = OneRun({Scored("aime24", {{"a", 1, 1}, {"b", 1, 0}}, 30), Scored("amc", {{"c", 1, 1}}, 1)});
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_TRUE(t.rows[0].cells[0].partial);   // aime24: 2 of 30
  EXPECT_FALSE(t.rows[0].cells[1].partial);  // amc: complete
  EXPECT_TRUE(t.rows[0].cells[2].partial);   // the average inherits it
  std::string md = RenderMarkdown(t);
  EXPECT_NE(md.find("**50.0**\xE2\x80\xA0"), std::string::npos) << md;
  EXPECT_NE(md.find("2 of 30 problems"), std::string::npos) << md;
  EXPECT_NE(RenderLatex(t).find("$^\\dagger$"), std::string::npos);
}

TEST(PartialTableTest, CsvHasAPartialColumnNamingNOfNOnlyWhereACellIsPartial) {
  Table t = OneRun({Scored("aime24", {{"a", 1, 1}, {"b", 1, 0}}, 30), Scored("amc", {{"c", 1, 1}}, 1)});
  std::string csv = RenderCsv(t);
  std::string header = csv.substr(0, csv.find('\n'));
  EXPECT_NE(header.find("aime24_partial"), std::string::npos) << csv;
  EXPECT_EQ(header.find("amc_partial"), std::string::npos) << csv;
  EXPECT_NE(header.find("avg_id_partial"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",2 of 30 problems,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("average over partial benchmarks"), std::string::npos) << csv;
  Table complete = OneRun({Scored("amc", {{"c", 1, 1}}, 1)});
  EXPECT_EQ(RenderCsv(complete).find("_partial"), std::string::npos) << RenderCsv(complete);
}

TEST(PartialTableTest, NothingScoredIsADashNotZero) {
  BenchmarkScore empty = Scored("math500", {{"m1", 0, 0}, {"m2", 0, 0}}, 500);
  empty.has_declared_pass1 = true;  // results.json would say 0.0
  empty.declared_pass1 = 0;
  Table t = OneRun({empty});
  EXPECT_FALSE(t.rows[0].cells[0].present);
  std::string md = RenderMarkdown(t);
  EXPECT_EQ(md.find("0.0"), std::string::npos) << md;
}

}  // namespace
}  // namespace upt::reports
