// verl-layout Parquet -> canonical/training JSONL: equal to the JSONL a Python-
// style conversion of hyparquet's rows gives, and on LUFFY's real validation
// file equal to the registered benchmarks it was converted into.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/strings.h"
#include "datasets/load.h"
#include "datasets/registry.h"
#include "tests/core/test_util.h"
#include "tests/datasets/parquet/reference.h"

namespace upt::datasets {
namespace {

using parquet::testing::FixtureDir;
using parquet::testing::Shell;

std::vector<Json> ExpectedConversion(const std::string& file, const std::string& stem) {
  int code = 0;
  std::string out = Shell("node " + parquet::testing::ReferenceScript() + " convert " + file + " " + stem, &code);
  EXPECT_EQ(code, 0) << parquet::testing::MissingReferenceMessage();
  std::vector<Json> rows;
  for (const auto& line : Split(out, '\n'))
    if (!line.empty()) rows.push_back(Json::parse(line));
  return rows;
}

std::vector<Json> Imported(const std::string& file, LoadReport* report) {
  LoadOptions opts;
  opts.format = "verl";
  opts.skip_bad_lines = true;
  std::vector<Json> rows;
  ParseParquet(file, opts, report, [&](Problem&& p) {
    Json j = Json::parse(ProblemToJsonLine(p));
    j.erase("meta");  // the reference conversion keeps only the training fields
    rows.push_back(std::move(j));
  });
  return rows;
}

TEST(ParquetImportTest, VerlFixturesImportLikeAPythonConversion) {
  for (const char* stem : {"verl_snappy", "verl_zstd", "verl_plain", "verl_paged", "verl_no_nulls", "v1_verl_gzip", "v1_verl_zstd"}) {
    std::string file = FixtureDir() + "/" + stem + ".parquet";
    LoadReport report;
    std::vector<Json> got = Imported(file, &report);
    std::vector<Json> want = ExpectedConversion(file, stem);
    ASSERT_FALSE(want.empty()) << stem;
    EXPECT_EQ(got, want) << stem;
    EXPECT_EQ(report.loaded + report.skipped, report.rows_seen) << stem;
    if (std::string(stem) == "verl_no_nulls" || std::string(stem) == "v1_verl_zstd") EXPECT_EQ(report.skipped, 0) << report.Summary();
    else EXPECT_GT(report.skipped, 0) << "the fixture has rows without a problem or an answer";
  }
}

TEST(ParquetImportTest, BadRowsAreNamedByRowAndField) {
  LoadOptions opts;
  opts.format = "verl";
  try {
    ParseParquet(FixtureDir() + "/verl_snappy.parquet", opts);
    FAIL() << "a row without a user message was accepted";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("verl_snappy.parquet:1: field 'prompt'"), std::string::npos) << msg;
  }
}

TEST(ParquetImportTest, OtherLayoutsChooseColumnsByDottedPath) {
  LoadOptions opts;
  opts.format = "parquet";
  opts.problem_col = "name";
  opts.answer_col = "big";
  opts.skip_bad_lines = true;
  LoadReport report;
  Benchmark b = LoadBenchmarkFile(FixtureDir() + "/flat_types.parquet", opts, &report);
  ASSERT_FALSE(b.problems.empty());
  EXPECT_EQ(b.problems[0].problem, "name-1-ab");
  EXPECT_EQ(b.problems[0].answer, "-3999999993");  // 1 * 1000000007 - 5000000000, INT64 printed exactly
  EXPECT_EQ(b.problems[0].id, "1");                // from the INT32 `id` column
  EXPECT_GT(report.skipped, 0);                    // null names
  opts.problem_col = "nope";
  EXPECT_THROW(LoadBenchmarkFile(FixtureDir() + "/flat_types.parquet", opts), Error);
}

}  // namespace
}  // namespace upt::datasets
