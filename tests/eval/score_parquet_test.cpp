// `upt score` on verl's generation Parquet (prompt messages + responses list),
// written by hyparquet-writer: samples match problems by the user message.
#include <gtest/gtest.h>

#include "core/fs.h"
#include "eval/samples.h"
#include "eval/score.h"
#include "eval_test_util.h"
#include "../core/test_util.h"
#include "../datasets/parquet/reference.h"

namespace upt::eval {
namespace {

TEST(ScoreParquetTest, VerlGenerationParquetScoresByPrompt) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("spec.json"),
                  R"([{"problem": "What is 1+1?", "responses": ["\\boxed{2}", "\\boxed{3}"], "answer": "2"},
                      {"problem": "Compute 3*3.", "responses": ["\\boxed{9}"], "answer": "9"},
                      {"problem": "Find x if x+1=5.", "responses": ["\\boxed{4}", "\\boxed{4}", "no"], "answer": "4"}])");
  int code = 0;
  std::string out = datasets::parquet::testing::Shell(
      "node " + datasets::parquet::testing::ReferenceScript() + " generations " + dir.file("gen.parquet") + " " +
          dir.file("spec.json") + " 2>&1",
      &code);
  ASSERT_EQ(code, 0) << out << datasets::parquet::testing::MissingReferenceMessage();
  EXPECT_EQ(DetectFormat(dir.file("gen.parquet"), {}), "verl_parquet");
  ScoreOptions o;
  o.boot.replicates = 50;
  o.threads = 1;
  auto rep = Score(testing::TinyBenchmark(), {dir.file("gen.parquet")}, dir.file("out"), "t", testing::BoxedGrade, o);
  EXPECT_EQ(rep.issues, 0);
  EXPECT_EQ(rep.samples_total, 6);
  Json r = Json::parse(ReadFile(dir.file("out/results.json")));
  EXPECT_NEAR(r["metrics"]["pass_at_1"]["value"].get<double>(), (0.5 + 1.0 + 2.0 / 3) / 3, 1e-12);
}

}  // namespace
}  // namespace upt::eval
