// Declared subsets (`upt score --limit N / --problems`): problems outside them are
// neither missing nor scored, and results.json states n of N problems.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/fs.h"
#include "eval/score.h"
#include "eval_test_util.h"
#include "../core/test_util.h"

namespace upt::eval {
namespace {

using testing::BoxedGrade;
using testing::TinyBenchmark;

// A quick scoring run (few bootstrap replicates) over the subset given by limit / problems.
ScoreOptions Subset(long long limit = 0, std::string problems = {}) {
  ScoreOptions o;
  o.boot.replicates = 100;
  o.threads = 1;
  o.limit = limit;
  o.problems = std::move(problems);
  return o;
}

// Samples for p1 (right: 2) and p2 (wrong: 1, gold 9) only; TinyBenchmark has p1, p2, p3.
const char* kTwoProblems =
    "{\"problem_id\":\"p1\",\"sample_index\":0,\"text\":\"\\\\boxed{2}\"}\n"
    "{\"problem_id\":\"p2\",\"sample_index\":0,\"text\":\"\\\\boxed{1}\"}\n";

TEST(ScoreSubsetTest, WithoutASubsetMissingProblemsAreIssues) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("s.jsonl"), kTwoProblems);
  auto rep = Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("out"), "t", BoxedGrade, Subset());
  EXPECT_EQ(rep.issues, 1);  // p3 missing
}

TEST(ScoreSubsetTest, LimitScoresTheFirstProblemsAndStatesTheSubset) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("s.jsonl"), kTwoProblems);
  ScoreOptions o = Subset(2);
  auto rep = Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("out"), "t", BoxedGrade, o);
  EXPECT_EQ(rep.issues, 0);
  EXPECT_EQ(rep.samples_total, 2);
  Json r = Json::parse(ReadFile(dir.file("out/results.json")));
  EXPECT_EQ(r["benchmark"]["problems"], 2);
  EXPECT_EQ(r["benchmark"]["problems_scored"], 2);
  EXPECT_EQ(r["benchmark"]["subset"]["problems"], 2);
  EXPECT_EQ(r["benchmark"]["subset"]["of"], 3);
  EXPECT_EQ(r["benchmark"]["subset"]["rule"], "first 2");
  EXPECT_DOUBLE_EQ(r["metrics"]["pass_at_1"]["value"].get<double>(), 0.5);
  std::string csv = ReadFile(dir.file("out/problems.csv"));
  EXPECT_EQ(csv.find("p3"), std::string::npos) << csv;
}

TEST(ScoreSubsetTest, ProblemIdsFromAFileOrAListAndSamplesOutsideAreCounted) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("s.jsonl"), kTwoProblems);
  WriteFileAtomic(dir.file("ids.txt"), "p1\n\n");
  ScoreOptions o = Subset(0, dir.file("ids.txt"));
  auto rep = Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("a"), "t", BoxedGrade, o);
  EXPECT_EQ(rep.issues, 0);
  Json r = Json::parse(ReadFile(dir.file("a/results.json")));
  EXPECT_EQ(r["benchmark"]["subset"]["samples_outside"], 1);  // the p2 sample
  EXPECT_DOUBLE_EQ(r["metrics"]["pass_at_1"]["value"].get<double>(), 1.0);
  o.problems = "p3, p1";
  rep = Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("b"), "t", BoxedGrade, o);
  EXPECT_EQ(rep.issues, 1);  // p3 is in the subset and has no samples
  o.problems = "p9";
  EXPECT_THROW(Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("c"), "t", BoxedGrade, o), Error);
}

}  // namespace
}  // namespace upt::eval
