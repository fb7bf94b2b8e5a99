// The Parquet reader against hyparquet on files written by hyparquet-writer
// (every codec, dictionary and plain, nested lists of structs, nulls at every
// level, several row groups and pages) and by pyarrow (LUFFY's validation set:
// data pages v1); and its errors on truncated and corrupt files.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/strings.h"
#include "datasets/parquet/reader.h"
#include "tests/datasets/parquet/reference.h"

namespace upt::datasets::parquet {
namespace {

using testing::FixtureDir;
using testing::FixtureNames;
using testing::HyparquetRows;

std::vector<Json> AllRows(const ParquetFile& f, const std::vector<std::string>& cols = {}) {
  std::vector<Json> rows;
  f.ForEachRow([&](Json& row, int64_t) {
    rows.push_back(std::move(row));
    return true;
  }, cols);
  return rows;
}

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ExpectSameRows(const std::string& file) {
  std::vector<Json> want = HyparquetRows(file);
  ASSERT_FALSE(want.empty()) << file;
  ParquetFile f(file);
  std::vector<Json> got = AllRows(f);
  ASSERT_EQ(got.size(), want.size()) << file;
  EXPECT_EQ(f.num_rows(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << file << " row " << i;
}

TEST(ParquetReaderTest, EveryHyparquetWriterFixtureReadsLikeHyparquet) {
  std::vector<std::string> names = FixtureNames();
  ASSERT_GE(names.size(), 9u) << testing::MissingReferenceMessage();
  for (const auto& name : names) ExpectSameRows(FixtureDir() + "/" + name);
}

TEST(ParquetReaderTest, FixturesCoverTheCodecsAndEncodingsTheyClaim) {
  ParquetFile zstd(FixtureDir() + "/verl_zstd.parquet");
  EXPECT_EQ(zstd.meta().row_groups[0].columns[0].codec, kZstd);
  ParquetFile gzip(FixtureDir() + "/verl_gzip.parquet");
  EXPECT_EQ(gzip.meta().row_groups[0].columns[0].codec, kGzip);
  ParquetFile paged(FixtureDir() + "/verl_paged.parquet");
  EXPECT_GE(paged.num_row_groups(), 3u);
  EXPECT_EQ(paged.num_rows(), 300);
}

TEST(ParquetReaderTest, ProjectionReadsOnlyTheNamedTopLevelColumns) {
  ParquetFile f(FixtureDir() + "/verl_snappy.parquet");
  std::vector<Json> all = AllRows(f);
  std::vector<Json> some = AllRows(f, {"reward_model", "prompt"});
  ASSERT_EQ(some.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(some[i].size(), 2u);
    EXPECT_EQ(some[i]["reward_model"], all[i]["reward_model"]);
    EXPECT_EQ(some[i]["prompt"], all[i]["prompt"]);
  }
  try {
    AllRows(f, {"reward_modle"});
    FAIL() << "unknown column accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("reward_model"), std::string::npos) << e.what();
  }
}

TEST(ParquetReaderTest, ForEachRowStopsWhenTheCallbackSaysSo) {
  ParquetFile f(FixtureDir() + "/verl_paged.parquet");
  int64_t seen = 0;
  f.ForEachRow([&](Json&, int64_t index) {
    EXPECT_EQ(index, seen);
    return ++seen < 70;
  });
  EXPECT_EQ(seen, 70);
}

// Each truncation of the file is an upt::Error naming the file.
TEST(ParquetReaderTest, TruncatedFileIsAnErrorNamingTheFile) {
  std::string bytes = Bytes(FixtureDir() + "/verl_snappy.parquet");
  for (size_t keep : {size_t{0}, size_t{4}, size_t{11}, bytes.size() / 2, bytes.size() - 1}) {
    try {
      ParquetFile::FromBytes(bytes.substr(0, keep), "cut.parquet");
      FAIL() << "accepted a file cut at " << keep;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("cut.parquet"), std::string::npos) << e.what();
    }
  }
}

// Damage inside one column chunk: the error names the row group and the column.
TEST(ParquetReaderTest, CorruptColumnChunkIsAnErrorNamingRowGroupAndColumn) {
  std::string bytes = Bytes(FixtureDir() + "/verl_uncompressed.parquet");
  ParquetFile clean = ParquetFile::FromBytes(bytes, "clean.parquet");
  const auto& col = clean.meta().row_groups[0].columns[1];  // prompt.list.element.content
  ASSERT_EQ(Join(col.path, "."), "prompt.list.element.content");
  int64_t start = col.dictionary_page_offset > 0 ? std::min(col.dictionary_page_offset, col.data_page_offset) : col.data_page_offset;
  // Overwrite the first page header with garbage: an unknown thrift type.
  std::string bad = bytes;
  for (int i = 0; i < 4; ++i) bad[start + i] = '\x0f';
  ParquetFile f = ParquetFile::FromBytes(bad, "bad.parquet");
  try {
    AllRows(f);
    FAIL() << "accepted a corrupt page header";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("bad.parquet: row group 0, column 'prompt.list.element.content'"), std::string::npos) << msg;
  }
}

TEST(ParquetReaderTest, NotParquetIsAClearError) {
  try {
    ParquetFile::FromBytes(std::string("{\"id\": 1}\n{\"id\": 2}\n"), "x.jsonl");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("PAR1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace upt::datasets::parquet
