// upt compare's paired rows: pass@k and maj@n over the same problem resamples.
#include <gtest/gtest.h>

#include "../core/test_util.h"
#include "core/error.h"
#include "core/fs.h"
#include "eval/counts.h"
#include "eval/report.h"

namespace upt::eval {
namespace {

using upt::testing::TempDir;

// problems.csv as `upt score` writes it (the columns compare reads).
void WriteProblems(const std::string& dir, const std::vector<std::tuple<std::string, int, int, int>>& rows,
                   bool with_maj = true) {
  MakeDirs(dir);
  std::string csv = with_maj ? "id,n,correct,maj_correct\n" : "id,n,correct\n";
  for (const auto& [id, n, c, m] : rows)
    csv += id + "," + std::to_string(n) + "," + std::to_string(c) + (with_maj ? "," + std::to_string(m) : "") + "\n";
  WriteFileAtomic(dir + "/problems.csv", csv);
}

TEST(CompareTest, MajAtNIsAPairedRowBesidePassAtK) {
  TempDir tmp;
  // A's majority is right on p1..p3, B's on p1 only; p5 only in A.
  WriteProblems(tmp.file("a"), {{"p1", 4, 4, 1}, {"p2", 4, 3, 1}, {"p3", 4, 3, 1}, {"p4", 4, 0, 0}, {"p5", 4, 4, 1}});
  WriteProblems(tmp.file("b"), {{"p4", 4, 1, 0}, {"p3", 4, 1, 0}, {"p2", 4, 2, 0}, {"p1", 4, 4, 1}});
  BootstrapOptions bo;
  bo.replicates = 400;
  bo.seed = 3;
  Comparison c = CompareRuns(LoadScoredRun(tmp.file("a")), LoadScoredRun(tmp.file("b")), bo);
  EXPECT_EQ(c.problems, 4);
  EXPECT_EQ(c.only_a, 1);
  ASSERT_EQ(c.rows.size(), 4u);  // pass@1, pass@2, pass@4, maj@4
  EXPECT_EQ(c.rows[3].metric, "maj@4");
  EXPECT_DOUBLE_EQ(c.rows[3].r.mean_a, 0.75);
  EXPECT_DOUBLE_EQ(c.rows[3].r.mean_b, 0.25);
  EXPECT_DOUBLE_EQ(c.rows[3].r.diff, 0.5);
  // Same problem order (A's) and the same resamples as a direct paired bootstrap.
  PairedResult direct = PairedBootstrap({1, 1, 1, 0}, {1, 0, 0, 0}, bo);
  EXPECT_DOUBLE_EQ(c.rows[3].r.low, direct.low);
  EXPECT_DOUBLE_EQ(c.rows[3].r.high, direct.high);
  EXPECT_DOUBLE_EQ(c.rows[3].r.p_value, direct.p_value);
  EXPECT_TRUE(c.notes.empty());
  std::string md = RenderComparison(c, "A", "B", "md");
  EXPECT_NE(md.find("| maj@4 | 75.0 | 25.0 | +50.0 |"), std::string::npos) << md;
}

TEST(CompareTest, MajAtNOmittedWithANoteWhenARunLacksTheColumn) {
  TempDir tmp;
  WriteProblems(tmp.file("a"), {{"p1", 2, 2, 1}, {"p2", 2, 0, 0}});
  WriteProblems(tmp.file("b"), {{"p1", 2, 1, 0}, {"p2", 2, 1, 0}}, false);
  BootstrapOptions bo;
  bo.replicates = 50;
  Comparison c = CompareRuns(LoadScoredRun(tmp.file("a")), LoadScoredRun(tmp.file("b")), bo);
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows.back().metric, "pass@2");
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_NE(RenderComparison(c, "A", "B", "json").find("maj@n omitted"), std::string::npos);
}

TEST(CompareTest, BadMajColumnNamesTheLine) {
  TempDir tmp;
  MakeDirs(tmp.file("a"));
  WriteFileAtomic(tmp.file("a/problems.csv"), "id,n,correct,maj_correct\np1,2,1,1\np2,2,1,7\n");
  try {
    LoadScoredRun(tmp.file("a"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("problems.csv:3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace upt::eval
