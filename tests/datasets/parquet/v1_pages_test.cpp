// Data pages v1 (DataPageHeader: levels with a 4-byte length prefix, the whole
// body compressed), as pyarrow < 13 and parquet-mr write them. The fixtures are
// hyparquet-writer's rows re-framed into v1 pages by fixtures.mjs (writeV1);
// each holds the rows of its v2 twin, and reader_test.cpp checks upt's rows
// against hyparquet's on every fixture, v1 included. Damage inside a v1 page is an error
// naming the file, the row group and the column.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/strings.h"
#include "datasets/parquet/reader.h"
#include "tests/datasets/parquet/reference.h"

namespace upt::datasets::parquet {
namespace {

using testing::FixtureDir;

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Json> UptRows(const ParquetFile& f) {
  std::vector<Json> rows;
  f.ForEachRow([&](Json& row, int64_t) {
    rows.push_back(std::move(row));
    return true;
  });
  return rows;
}

struct PageCensus {
  std::map<int, int> page_types;   // PageType -> pages
  std::set<int> data_encodings;    // encodings of data pages
  std::set<int> dict_encodings;    // encodings of dictionary pages
  std::set<int> codecs;
  std::set<int> physical_types;
  int max_data_pages_per_chunk = 0;
};

// Walks every page header of every column chunk, as the footer places them.
PageCensus Census(const std::string& file) {
  std::string bytes = Bytes(file);
  ParquetFile f = ParquetFile::FromBytes(bytes, file);
  PageCensus c;
  for (const auto& rg : f.meta().row_groups)
    for (const auto& col : rg.columns) {
      c.codecs.insert(col.codec);
      c.physical_types.insert(col.type);
      int64_t pos = col.dictionary_page_offset > 0 ? std::min(col.dictionary_page_offset, col.data_page_offset) : col.data_page_offset;
      int64_t end = pos + col.total_compressed_size;
      int data_pages = 0;
      while (pos < end) {
        size_t header_size = 0;
        PageHeader h = ParsePageHeader(reinterpret_cast<const uint8_t*>(bytes.data()) + pos, end - pos, &header_size);
        ++c.page_types[h.type];
        (h.type == kDictionaryPage ? c.dict_encodings : c.data_encodings).insert(h.encoding);
        data_pages += h.type == kDictionaryPage ? 0 : 1;
        pos += static_cast<int64_t>(header_size) + h.compressed_size;
      }
      EXPECT_EQ(pos, end) << file << ": pages overrun chunk " << Join(col.path, ".");
      c.max_data_pages_per_chunk = std::max(c.max_data_pages_per_chunk, data_pages);
    }
  return c;
}

struct V1Fixture {
  const char* name;
  const char* v2_twin;  // hyparquet-writer's v2 file with the same rows
  int codec;
};
const V1Fixture kV1Fixtures[] = {
    {"v1_verl_uncompressed", "verl_uncompressed", kUncompressed},
    {"v1_verl_gzip", "verl_paged", kGzip},
    {"v1_verl_snappy", "verl_snappy", kSnappy},
    {"v1_verl_zstd", "verl_no_nulls", kZstd},
    {"v1_flat_types", "flat_types", kGzip},
};

std::string Path(const char* name) { return FixtureDir() + "/" + name + ".parquet"; }

TEST(ParquetV1PagesTest, FixturesHoldOnlyV1DataPagesWithTheirCodec) {
  for (const auto& fx : kV1Fixtures) {
    PageCensus c = Census(Path(fx.name));
    EXPECT_GT(c.page_types[kDataPage], 0) << fx.name;
    EXPECT_EQ(c.page_types.count(kDataPageV2), 0u) << fx.name << " still has v2 pages";
    EXPECT_EQ(c.codecs, std::set<int>{fx.codec}) << fx.name;
  }
}

TEST(ParquetV1PagesTest, FixturesCoverDictionaryPlainRleAndSeveralRowGroups) {
  PageCensus gzip = Census(Path("v1_verl_gzip"));
  EXPECT_TRUE(gzip.dict_encodings.count(kPlainDictionary));
  EXPECT_TRUE(gzip.data_encodings.count(kPlainDictionary));
  EXPECT_GE(ParquetFile(Path("v1_verl_gzip")).num_row_groups(), 3u);
  PageCensus snappy = Census(Path("v1_verl_snappy"));
  EXPECT_TRUE(snappy.data_encodings.count(kPlain));
  EXPECT_TRUE(snappy.data_encodings.count(kPlainDictionary));
  EXPECT_TRUE(snappy.data_encodings.count(kRleDictionary));
  PageCensus plain = Census(Path("v1_verl_zstd"));
  EXPECT_EQ(plain.data_encodings, std::set<int>{kPlain});
  EXPECT_EQ(plain.page_types.count(kDictionaryPage), 0u);
  EXPECT_GE(ParquetFile(Path("v1_verl_zstd")).num_row_groups(), 3u);
  PageCensus flat = Census(Path("v1_flat_types"));
  EXPECT_TRUE(flat.data_encodings.count(kRle)) << "BOOLEAN column RLE-encoded";
  EXPECT_GE(flat.max_data_pages_per_chunk, 2) << "several pages per chunk";
  EXPECT_GE(gzip.max_data_pages_per_chunk, 2) << "several pages per chunk";
  for (int t : {kInt32, kInt64, kDouble, kFloat, kBoolean, kByteArray}) EXPECT_TRUE(flat.physical_types.count(t)) << t;
}

// With EveryHyparquetWriterFixtureReadsLikeHyparquet (reader_test.cpp: upt's rows
// equal hyparquet's on every fixture, v1 and v2), this closes the loop: hyparquet
// reads each v1 file as the rows hyparquet-writer wrote into its v2 twin.
TEST(ParquetV1PagesTest, EachV1FixtureHoldsTheRowsOfItsV2Twin) {
  for (const auto& fx : kV1Fixtures) {
    std::vector<Json> v1 = UptRows(ParquetFile(Path(fx.name)));
    std::vector<Json> v2 = UptRows(ParquetFile(Path(fx.v2_twin)));
    ASSERT_FALSE(v1.empty()) << fx.name;
    ASSERT_EQ(v1.size(), v2.size()) << fx.name << " vs " << fx.v2_twin;
    for (size_t i = 0; i < v1.size(); ++i) ASSERT_EQ(v1[i], v2[i]) << fx.name << " row " << i;
  }
}

// The first data page of `column` in row group `g`: offset of its body and its header.
std::pair<int64_t, PageHeader> FirstDataPage(const std::string& bytes, const ParquetFile& f, size_t g, size_t column) {
  const ColumnMeta& col = f.meta().row_groups.at(g).columns.at(column);
  size_t header_size = 0;
  PageHeader h = ParsePageHeader(reinterpret_cast<const uint8_t*>(bytes.data()) + col.data_page_offset,
                                 bytes.size() - col.data_page_offset, &header_size);
  return {col.data_page_offset + static_cast<int64_t>(header_size), h};
}

std::string ErrorOf(const std::string& bytes, const std::string& name) {
  try {
    UptRows(ParquetFile::FromBytes(bytes, name));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ParquetV1PagesTest, CorruptGzipPageNamesFileRowGroupAndColumn) {
  std::string bytes = Bytes(Path("v1_verl_gzip"));
  ParquetFile clean = ParquetFile::FromBytes(bytes, "clean.parquet");
  ASSERT_EQ(Join(clean.meta().row_groups[1].columns[1].path, "."), "prompt.list.element.content");
  auto [body, h] = FirstDataPage(bytes, clean, 1, 1);
  ASSERT_EQ(h.type, kDataPage);
  std::string bad = bytes;
  for (int64_t i = body + 10; i < body + h.compressed_size; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  std::string msg = ErrorOf(bad, "bad_gzip.parquet");
  EXPECT_NE(msg.find("bad_gzip.parquet: row group 1, column 'prompt.list.element.content'"), std::string::npos) << msg;
}

// A v1 level run whose 4-byte length points past the page: named, not read out of bounds.
TEST(ParquetV1PagesTest, LevelLengthPastThePageNamesFileRowGroupAndColumn) {
  std::string bytes = Bytes(Path("v1_verl_uncompressed"));
  ParquetFile clean = ParquetFile::FromBytes(bytes, "clean.parquet");
  auto [body, h] = FirstDataPage(bytes, clean, 0, 1);  // prompt...content: rep then def levels
  ASSERT_EQ(h.type, kDataPage);
  std::string bad = bytes;
  for (int i = 0; i < 4; ++i) bad[body + i] = '\x7f';
  std::string msg = ErrorOf(bad, "bad_levels.parquet");
  EXPECT_NE(msg.find("bad_levels.parquet: row group 0, column 'prompt.list.element.content'"), std::string::npos) << msg;
}

// A v1 file cut inside its last column chunk: the footer is gone, so the error names the file.
TEST(ParquetV1PagesTest, TruncatedV1FileNamesTheFile) {
  std::string bytes = Bytes(Path("v1_verl_snappy"));
  for (size_t keep : {bytes.size() / 3, bytes.size() - 9}) {
    std::string msg = ErrorOf(bytes.substr(0, keep), "cut_v1.parquet");
    EXPECT_NE(msg.find("cut_v1.parquet"), std::string::npos) << keep << ": " << msg;
  }
}

}  // namespace
}  // namespace upt::datasets::parquet
