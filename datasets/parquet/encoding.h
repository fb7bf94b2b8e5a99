// Value and level decoders (apache/parquet-format Encodings.md): the RLE /
// bit-packed hybrid, PLAIN, and the DELTA_* encodings. Inputs are byte ranges
// [p, end); every decoder checks bounds and throws FormatError.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "datasets/parquet/metadata.h"

namespace upt::datasets::parquet {

// Appends `count` values of `bit_width` (0..32) bits. Returns the end of the
// bytes consumed (bit-packed runs may pad past the last value).
const uint8_t* DecodeHybrid(const uint8_t* p, const uint8_t* end, int bit_width, size_t count,
                            std::vector<uint32_t>* out);

// PLAIN: appends `count` values of the element's physical type as JSON
// (BYTE_ARRAY -> string, FIXED_LEN_BYTE_ARRAY -> lowercase hex, INT96 unsupported).
void DecodePlain(const uint8_t* p, const uint8_t* end, const SchemaElement& el, size_t count,
                 std::vector<Json>* out);

// DELTA_BINARY_PACKED (INT32/INT64), DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (BYTE_ARRAY).
void DecodeDelta(int encoding, const uint8_t* p, const uint8_t* end, const SchemaElement& el, size_t count,
                 std::vector<Json>* out);

// BYTE_STREAM_SPLIT for FLOAT, DOUBLE, INT32, INT64.
void DecodeByteStreamSplit(const uint8_t* p, const uint8_t* end, const SchemaElement& el, size_t count,
                           std::vector<Json>* out);

// A byte-array cell as JSON (string for BYTE_ARRAY, hex for FIXED_LEN_BYTE_ARRAY).
Json BytesValue(const SchemaElement& el, const char* data, size_t size);

}  // namespace upt::datasets::parquet
