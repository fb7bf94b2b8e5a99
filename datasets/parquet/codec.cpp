#include "datasets/parquet/codec.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "datasets/parquet/metadata.h"
#include "datasets/parquet/thrift.h"

namespace upt::datasets::parquet {
namespace {

void Gunzip(const uint8_t* data, size_t size, std::string* out) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) Corrupt("gzip: inflateInit failed");  // 32: gzip or zlib header
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(out->size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    rc = inflate(&z, Z_FINISH);
    // Concatenated gzip members: restart on the next one.
    if (rc == Z_STREAM_END && z.avail_in > 0 && z.avail_out > 0) rc = inflateReset(&z);
  }
  size_t produced = out->size() - z.avail_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && z.avail_out == 0 && z.avail_in == 0))
    Corrupt(std::string("gzip: corrupt stream (") + (z.msg ? z.msg : "zlib error " + std::to_string(rc)) + ")");
  if (produced != out->size())
    Corrupt("gzip: page decompressed to " + std::to_string(produced) + " bytes, header says " +
            std::to_string(out->size()));
}

}  // namespace

void Decompress(int codec, const uint8_t* data, size_t size, size_t expected, std::string* out) {
  if (expected > (size_t{1} << 31)) Corrupt("page larger than 2 GiB");
  // Sizes are checked against what the compressed bytes can hold before allocating.
  switch (codec) {
    case kUncompressed:
      if (size != expected) Corrupt("uncompressed page: sizes in the header disagree");
      out->assign(reinterpret_cast<const char*>(data), size);
      return;
    case kSnappy: {
      size_t n = 0;
      const char* in = reinterpret_cast<const char*>(data);
      if (!snappy::GetUncompressedLength(in, size, &n) || n != expected)
        Corrupt("snappy: uncompressed length " + std::to_string(n) + " differs from the page header's " +
                std::to_string(expected));
      out->assign(expected, '\0');
      if (!snappy::RawUncompress(in, size, out->data())) Corrupt("snappy: corrupt data");
      return;
    }
    case kGzip:
      if (expected > size * 1032 + 1024) Corrupt("gzip: page header's size exceeds what deflate can expand to");
      out->assign(expected, '\0');
      Gunzip(data, size, out);
      return;
    case kZstd: {
      unsigned long long content = ZSTD_getFrameContentSize(data, size);
      if (content == ZSTD_CONTENTSIZE_ERROR) Corrupt("zstd: not a zstd frame");
      if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != expected)
        Corrupt("zstd: frame holds " + std::to_string(content) + " bytes, the page header says " + std::to_string(expected));
      out->assign(expected, '\0');
      size_t n = ZSTD_decompress(out->data(), out->size(), data, size);
      if (ZSTD_isError(n)) Corrupt(std::string("zstd: ") + ZSTD_getErrorName(n));
      if (n != expected)
        Corrupt("zstd: page decompressed to " + std::to_string(n) + " bytes, header says " + std::to_string(expected));
      return;
    }
    default:
      Corrupt(std::string("codec ") + CodecName(codec) +
              " is not supported (upt reads UNCOMPRESSED, SNAPPY, GZIP and ZSTD)");
  }
}

}  // namespace upt::datasets::parquet
