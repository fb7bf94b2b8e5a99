#include "datasets/parquet/encoding.h"

#include <cstring>

#include "datasets/parquet/thrift.h"

namespace upt::datasets::parquet {
namespace {

uint64_t Uleb(const uint8_t*& p, const uint8_t* end) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= end) Corrupt("truncated varint");
    uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  Corrupt("varint longer than 10 bytes");
}

int64_t ZigZag(const uint8_t*& p, const uint8_t* end) {
  uint64_t v = Uleb(p, end);
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

template <class T>
T LoadLe(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // Parquet is little-endian, like the x86/ARM hosts upt targets
  return v;
}

// Reads `bit_width` bits at bit offset `bit` of p (LSB first), for widths up to 64.
uint64_t Bits(const uint8_t* p, size_t bit, int bit_width) {
  uint64_t v = 0;
  for (int got = 0; got < bit_width;) {
    size_t byte = (bit + got) / 8, shift = (bit + got) % 8;
    int take = std::min<int>(8 - static_cast<int>(shift), bit_width - got);
    v |= static_cast<uint64_t>((p[byte] >> shift) & ((1u << take) - 1)) << got;
    got += take;
  }
  return v;
}

}  // namespace

const uint8_t* DecodeHybrid(const uint8_t* p, const uint8_t* end, int bit_width, size_t count,
                            std::vector<uint32_t>* out) {
  if (bit_width < 0 || bit_width > 32) Corrupt("RLE: bit width " + std::to_string(bit_width) + " above 32");
  const size_t value_bytes = (bit_width + 7) / 8;
  size_t left = count;
  out->reserve(out->size() + count);
  while (left > 0) {
    uint64_t header = Uleb(p, end);
    if (header & 1) {  // bit-packed: (header >> 1) groups of 8 values
      uint64_t groups = header >> 1;
      if (groups > static_cast<uint64_t>(end - p) + 1) Corrupt("RLE: bit-packed run past the end of the page");
      size_t bytes = static_cast<size_t>(groups) * bit_width;
      if (bytes > static_cast<size_t>(end - p)) {
        // Writers may truncate the final run to the bytes holding real values.
        size_t need = (left * bit_width + 7) / 8;
        if (need > static_cast<size_t>(end - p)) Corrupt("RLE: bit-packed run past the end of the page");
        bytes = static_cast<size_t>(end - p);
      }
      size_t n = std::min<uint64_t>(groups * 8, left);
      for (size_t i = 0; i < n; ++i) out->push_back(static_cast<uint32_t>(Bits(p, i * bit_width, bit_width)));
      p += bytes;
      left -= n;
    } else {  // RLE run: (header >> 1) copies of one value
      uint64_t run = header >> 1;
      if (run == 0) Corrupt("RLE: empty run");
      if (value_bytes > static_cast<size_t>(end - p)) Corrupt("RLE: run value past the end of the page");
      uint32_t v = 0;
      for (size_t i = 0; i < value_bytes; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
      p += value_bytes;
      if (bit_width < 32 && (v >> bit_width)) Corrupt("RLE: run value wider than the bit width");
      size_t n = std::min<uint64_t>(run, left);
      out->insert(out->end(), n, v);
      left -= n;
    }
  }
  return p;
}

Json BytesValue(const SchemaElement& el, const char* data, size_t size) {
  if (el.type == kByteArray) return Json(std::string(data, size));
  static const char* hex = "0123456789abcdef";
  std::string s(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    s[2 * i] = hex[static_cast<uint8_t>(data[i]) >> 4];
    s[2 * i + 1] = hex[static_cast<uint8_t>(data[i]) & 15];
  }
  return Json(std::move(s));
}

void DecodePlain(const uint8_t* p, const uint8_t* end, const SchemaElement& el, size_t count,
                 std::vector<Json>* out) {
  const size_t avail = static_cast<size_t>(end - p);
  auto need = [&](size_t width) {
    if (width && count > avail / width) Corrupt("PLAIN: " + std::to_string(count) + " values need more bytes than the page holds");
  };
  switch (el.type) {
    case kBoolean:
      if (count > avail * 8) Corrupt("PLAIN: booleans past the end of the page");
      for (size_t i = 0; i < count; ++i) out->emplace_back(static_cast<bool>((p[i / 8] >> (i % 8)) & 1));
      return;
    case kInt32:
      need(4);
      for (size_t i = 0; i < count; ++i) out->emplace_back(LoadLe<int32_t>(p + 4 * i));
      return;
    case kInt64:
      need(8);
      for (size_t i = 0; i < count; ++i) out->emplace_back(LoadLe<int64_t>(p + 8 * i));
      return;
    case kFloat:
      need(4);
      for (size_t i = 0; i < count; ++i) out->emplace_back(static_cast<double>(LoadLe<float>(p + 4 * i)));
      return;
    case kDouble:
      need(8);
      for (size_t i = 0; i < count; ++i) out->emplace_back(LoadLe<double>(p + 8 * i));
      return;
    case kByteArray:
      need(4);
      for (size_t i = 0; i < count; ++i) {
        if (end - p < 4) Corrupt("PLAIN: byte array length past the end of the page");
        uint32_t n = LoadLe<uint32_t>(p);
        p += 4;
        if (n > static_cast<size_t>(end - p)) Corrupt("PLAIN: byte array of " + std::to_string(n) + " bytes past the end of the page");
        out->push_back(BytesValue(el, reinterpret_cast<const char*>(p), n));
        p += n;
      }
      return;
    case kFixedLenByteArray:
      if (el.type_length <= 0) Corrupt("FIXED_LEN_BYTE_ARRAY without a positive type_length");
      need(static_cast<size_t>(el.type_length));
      for (size_t i = 0; i < count; ++i)
        out->push_back(BytesValue(el, reinterpret_cast<const char*>(p) + i * el.type_length, el.type_length));
      return;
    default: Corrupt("physical type INT96 is not supported");
  }
}

namespace {

// DELTA_BINARY_PACKED: header <block size> <miniblocks per block> <total count> <first value>,
// then blocks of <min delta> <bit widths> <miniblocks>. Returns the end of the bytes read.
const uint8_t* DeltaInts(const uint8_t* p, const uint8_t* end, size_t count, std::vector<int64_t>* out) {
  uint64_t block = Uleb(p, end), minis = Uleb(p, end), total = Uleb(p, end);
  int64_t value = ZigZag(p, end);
  if (block == 0 || minis == 0 || block % 128 || block % minis || (block / minis) % 32 || minis > 256)
    Corrupt("DELTA_BINARY_PACKED: bad block header");
  if (total < count) Corrupt("DELTA_BINARY_PACKED: fewer values than the page holds");
  const uint64_t per_mini = block / minis;
  if (count == 0) return p;
  out->push_back(value);
  while (out->size() < count) {
    int64_t min_delta = ZigZag(p, end);
    if (static_cast<uint64_t>(end - p) < minis) Corrupt("DELTA_BINARY_PACKED: truncated bit widths");
    const uint8_t* widths = p;
    p += minis;
    for (uint64_t m = 0; m < minis && out->size() < count; ++m) {
      int w = widths[m];
      if (w > 64) Corrupt("DELTA_BINARY_PACKED: bit width above 64");
      size_t bytes = per_mini * w / 8;
      if (bytes > static_cast<size_t>(end - p)) Corrupt("DELTA_BINARY_PACKED: miniblock past the end of the page");
      for (uint64_t i = 0; i < per_mini && out->size() < count; ++i) {
        uint64_t d = Bits(p, i * w, w);
        value = static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(min_delta) + d);
        out->push_back(value);
      }
      p += bytes;
    }
  }
  return p;
}

}  // namespace

void DecodeDelta(int encoding, const uint8_t* p, const uint8_t* end, const SchemaElement& el, size_t count,
                 std::vector<Json>* out) {
  if (count > static_cast<size_t>(end - p) * 64 + 64) Corrupt("DELTA: more values than the page can hold");
  std::vector<int64_t> ints;
  if (encoding == kDeltaBinaryPacked) {
    if (el.type != kInt32 && el.type != kInt64) Corrupt("DELTA_BINARY_PACKED on a non-integer column");
    DeltaInts(p, end, count, &ints);
    for (int64_t v : ints) out->emplace_back(el.type == kInt32 ? static_cast<int64_t>(static_cast<int32_t>(v)) : v);
    return;
  }
  if (el.type != kByteArray) Corrupt(std::string(EncodingName(encoding)) + " on a non-BYTE_ARRAY column");
  std::vector<int64_t> prefix;
  if (encoding == kDeltaByteArray) p = DeltaInts(p, end, count, &prefix);
  p = DeltaInts(p, end, count, &ints);
  std::string prev;
  for (size_t i = 0; i < count; ++i) {
    int64_t n = ints[i], pre = encoding == kDeltaByteArray ? prefix[i] : 0;
    if (n < 0 || n > end - p || pre < 0 || pre > static_cast<int64_t>(prev.size()))
      Corrupt(std::string(EncodingName(encoding)) + ": bad length");
    std::string s = prev.substr(0, pre);
    s.append(reinterpret_cast<const char*>(p), n);
    p += n;
    out->push_back(BytesValue(el, s.data(), s.size()));
    if (encoding == kDeltaByteArray) prev = std::move(s);
  }
}

void DecodeByteStreamSplit(const uint8_t* p, const uint8_t* end, const SchemaElement& el, size_t count,
                           std::vector<Json>* out) {
  size_t width = el.type == kFloat || el.type == kInt32 ? 4 : el.type == kDouble || el.type == kInt64 ? 8 : 0;
  if (!width) Corrupt("BYTE_STREAM_SPLIT on an unsupported type");
  size_t avail = static_cast<size_t>(end - p);
  if (count > avail / width) Corrupt("BYTE_STREAM_SPLIT: values past the end of the page");
  size_t stride = avail / width;
  uint8_t buf[8];
  for (size_t i = 0; i < count; ++i) {
    for (size_t b = 0; b < width; ++b) buf[b] = p[b * stride + i];
    if (el.type == kFloat) out->emplace_back(static_cast<double>(LoadLe<float>(buf)));
    else if (el.type == kDouble) out->emplace_back(LoadLe<double>(buf));
    else if (el.type == kInt32) out->emplace_back(LoadLe<int32_t>(buf));
    else out->emplace_back(LoadLe<int64_t>(buf));
  }
}

}  // namespace upt::datasets::parquet
