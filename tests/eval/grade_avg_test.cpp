// eval::GradeAvgAtN: the avg@n and interval `upt score` reports (pass_at_1),
// used by in-training validation (train/loop/validate.cpp).
#include <gtest/gtest.h>

#include "core/error.h"
#include "eval/grade.h"
#include "eval/passk.h"

namespace upt::eval {
namespace {

datasets::Benchmark ThreeProblems(datasets::Kind kind) {
  datasets::Benchmark b;
  b.name = "t";
  b.kind = kind;
  for (const char* a : {"1", "2", "3"}) b.problems.push_back({std::string("p") + a, "q", a, {}, {}, {}});
  return b;
}

TEST(GradeAvgAtNTest, MeanOverProblemsOfFractionsCorrectWithScoresBootstrapInterval) {
  datasets::Benchmark b = ThreeProblems(datasets::Kind::kMath);
  // p1: 2/2 correct, p2: 1/2 ("\frac{4}{2}" = 2), p3: 0/2.
  std::vector<std::string> c = {"\\boxed{1}", "The answer is 1.", "\\boxed{\\frac{4}{2}}", "\\boxed{5}",
                                "\\boxed{4}", "no answer here"};
  BootstrapOptions bo;
  AvgAtN a = GradeAvgAtN(b, c, 2, MakeVerifierGrader(b.kind, verifiers::GradeOptions{}), bo);
  EXPECT_EQ(a.correct, 3);
  EXPECT_EQ(a.samples, 6);
  EXPECT_EQ(a.problems, 3);
  EXPECT_DOUBLE_EQ(a.pass_at_1.mean, 0.5);
  Interval ci = BootstrapMeanCI({1.0, 0.5, 0.0}, bo);
  EXPECT_DOUBLE_EQ(a.pass_at_1.low, ci.low);
  EXPECT_DOUBLE_EQ(a.pass_at_1.high, ci.high);
  EXPECT_LT(a.pass_at_1.low, 0.5);
  EXPECT_GT(a.pass_at_1.high, 0.5);
}

TEST(GradeAvgAtNTest, VerifierOptionsDecideAndCountsMustMatch) {
  datasets::Benchmark b = ThreeProblems(datasets::Kind::kMath);
  std::vector<std::string> c = {"so it is 1", "so it is 2", "so it is 3"};  // no box: last-number fallback only
  verifiers::GradeOptions boxed;
  boxed.extract.policy = "boxed";
  EXPECT_EQ(GradeAvgAtN(b, c, 1, MakeVerifierGrader(b.kind, {}), {}).correct, 3);
  EXPECT_EQ(GradeAvgAtN(b, c, 1, MakeVerifierGrader(b.kind, boxed), {}).correct, 0);
  EXPECT_THROW(GradeAvgAtN(b, c, 2, MakeVerifierGrader(b.kind, {}), {}), Error);
}

}  // namespace
}  // namespace upt::eval
