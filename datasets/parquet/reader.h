// A torch-free Parquet reader for the files verl, the HPT/LUFFY code and HF
// datasets write: flat and nested columns (structs, lists, maps), PLAIN /
// dictionary / RLE / DELTA_* / BYTE_STREAM_SPLIT encodings, data pages v1 and
// v2, UNCOMPRESSED / SNAPPY / GZIP / ZSTD. Rows come out as JSON objects, one
// row group at a time, so memory is bounded by the largest row group.
//
// Values: BOOLEAN -> bool, INT32/INT64 -> integer (logical types such as DATE or
// DECIMAL are not converted), FLOAT/DOUBLE -> number, BYTE_ARRAY -> string,
// FIXED_LEN_BYTE_ARRAY -> lowercase hex. INT96, LZO, BROTLI, LZ4 and encrypted
// files are rejected with a clear error.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "datasets/parquet/metadata.h"

namespace upt::datasets::parquet {

class ParquetFile {
 public:
  // Opens `path` and reads the footer; throws upt::Error naming the file.
  explicit ParquetFile(const std::string& path);
  // The same from bytes in memory (`name` is used in messages).
  static ParquetFile FromBytes(std::string bytes, const std::string& name);
  ~ParquetFile();
  ParquetFile(ParquetFile&&) noexcept;
  ParquetFile& operator=(ParquetFile&&) noexcept;

  const std::string& name() const { return name_; }
  const FileMeta& meta() const { return meta_; }
  const Schema& schema() const { return schema_; }
  int64_t num_rows() const { return meta_.num_rows; }
  size_t num_row_groups() const { return meta_.row_groups.size(); }
  std::vector<std::string> TopLevelNames() const;

  // The rows of row group `g` holding the top-level fields `columns` (empty = all).
  // Throws upt::Error naming the file, the row group and the column.
  std::vector<Json> ReadRowGroup(size_t g, const std::vector<std::string>& columns = {}) const;

  // Every row in file order with its 0-based index; stop early by returning false.
  void ForEachRow(const std::function<bool(Json& row, int64_t index)>& fn,
                  const std::vector<std::string>& columns = {}) const;

 private:
  ParquetFile() = default;
  void Init();
  std::string ReadAt(uint64_t offset, uint64_t size, const std::string& what) const;
  std::vector<int> TopNodes(const std::vector<std::string>& columns) const;

  std::string name_;
  int fd_ = -1;
  std::string bytes_;  // FromBytes only
  uint64_t size_ = 0;
  FileMeta meta_;
  Schema schema_;
};

// True when the file starts with the Parquet magic "PAR1".
bool LooksLikeParquet(const std::string& path);

}  // namespace upt::datasets::parquet
