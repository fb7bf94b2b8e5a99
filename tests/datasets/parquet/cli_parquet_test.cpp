// `upt data import/validate` and `upt train --dry-run` on verl Parquet, end to
// end through the binary (UPT_BIN, set by the test main).
#include <gtest/gtest.h>

#include "core/fs.h"
#include "core/jsonl.h"
#include "tests/cli/run_util.h"
#include "tests/core/test_util.h"
#include "tests/datasets/parquet/reference.h"

namespace upt::datasets {
namespace {

using parquet::testing::FixtureDir;
using upt::testing::RunUpt;

TEST(CliParquetTest, ImportVerlWritesTrainingJsonlWithoutTheSystemMessage) {
  upt::testing::TempDir tmp;
  auto r = RunUpt("data import " + FixtureDir() + "/verl_no_nulls.parquet --format verl --out " + tmp.file("valid.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("wrote 40 math problems"), std::string::npos) << r.out;
  std::string first = ReadFile(tmp.file("valid.jsonl")).substr(0, 400);
  EXPECT_EQ(first.find("systematic, thorough reasoning"), std::string::npos) << first;
  EXPECT_NE(first.find("\"problem\":\"Problem 0: "), std::string::npos) << first;
  // The output is canonical JSONL: it loads and validates as such.
  auto v = RunUpt("data validate " + tmp.file("valid.jsonl"));
  EXPECT_EQ(v.exit_code, 0) << v.out;
}

TEST(CliParquetTest, ValidateNamesEveryBadRowOfAParquetFile) {
  auto r = RunUpt("data validate " + FixtureDir() + "/verl_snappy.parquet");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("verl_snappy.parquet:1: field 'prompt'"), std::string::npos) << r.out;
  auto ok = RunUpt("data validate " + FixtureDir() + "/verl_no_nulls.parquet");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("OK"), std::string::npos) << ok.out;
}

TEST(CliParquetTest, TruncatedParquetImportFailsNamingTheFile) {
  upt::testing::TempDir tmp;
  std::string bytes = ReadFile(FixtureDir() + "/verl_zstd.parquet");
  WriteFileAtomic(tmp.file("cut.parquet"), bytes.substr(0, bytes.size() - 100));
  auto r = RunUpt("data import " + tmp.file("cut.parquet") + " --out " + tmp.file("x.jsonl"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("cut.parquet"), std::string::npos) << r.out;
  EXPECT_FALSE(FileExists(tmp.file("x.jsonl")));
}

TEST(CliParquetTest, TrainDryRunCountsTheRowsOfAParquetTrainFile) {
  upt::testing::TempDir tmp;
  WriteFileAtomic(tmp.file("t.yaml"), "algorithm: {preset: hpt}\nmodel: {path: " + tmp.path() +
                                           "}\ndata:\n  train_files: " + FixtureDir() + "/verl_no_nulls.parquet\n");
  auto r = RunUpt("train --config " + tmp.file("t.yaml") + " --dry-run");
  EXPECT_NE(r.out.find("train_rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("40"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("have no 'target'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace upt::datasets
