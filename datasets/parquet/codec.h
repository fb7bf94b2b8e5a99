// Page decompression: UNCOMPRESSED, SNAPPY (libsnappy), GZIP (zlib), ZSTD (libzstd).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace upt::datasets::parquet {

// Decompresses `size` bytes into exactly `expected` bytes (the page header's
// uncompressed size); throws FormatError on a codec error or a size mismatch,
// and for codecs upt does not read (LZO, BROTLI, LZ4, LZ4_RAW).
void Decompress(int codec, const uint8_t* data, size_t size, size_t expected, std::string* out);

}  // namespace upt::datasets::parquet
