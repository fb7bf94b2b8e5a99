// One column chunk decoded: its Dremel levels and its non-null values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "datasets/parquet/metadata.h"

namespace upt::datasets::parquet {

// Entries are (rep, def) level pairs; values holds one JSON value per entry
// whose def equals the column's max definition level, in order. Level vectors
// are empty when the column's max level is 0 (every entry is then 0).
struct ColumnData {
  size_t entries = 0;
  std::vector<uint8_t> rep, def;
  std::vector<Json> values;
};

// Limits that keep a corrupt or hostile file from allocating without bound
// (the fuzz target builds with small ones).
#ifndef UPT_PARQUET_MAX_ENTRIES
#define UPT_PARQUET_MAX_ENTRIES (size_t{1} << 26)
#endif
#ifndef UPT_PARQUET_MAX_BYTES
#define UPT_PARQUET_MAX_BYTES (size_t{1} << 32)
#endif
constexpr size_t kMaxEntriesPerChunk = UPT_PARQUET_MAX_ENTRIES;  // levels per column chunk
constexpr size_t kMaxBytesPerChunk = UPT_PARQUET_MAX_BYTES;      // dictionary strings materialised per chunk

// Decodes the chunk's pages (dictionary, data v1/v2; index pages skipped).
// `chunk` holds the chunk's bytes as stored in the file.
ColumnData DecodeColumnChunk(const uint8_t* chunk, size_t size, const ColumnMeta& meta, const SchemaElement& el,
                             int max_def, int max_rep);

}  // namespace upt::datasets::parquet
