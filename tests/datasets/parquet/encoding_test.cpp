// The RLE / bit-packed hybrid decoder against a straightforward encoder written
// from the spec (parquet-format Encodings.md), and the thrift reader on
// hand-made compact-protocol bytes.
#include <gtest/gtest.h>

#include <random>

#include "datasets/parquet/encoding.h"
#include "datasets/parquet/thrift.h"

namespace upt::datasets::parquet {
namespace {

void PutVarint(std::vector<uint8_t>* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<uint8_t>(v));
}

// Runs of equal values become RLE runs, everything else bit-packed groups of 8.
std::vector<uint8_t> EncodeHybrid(const std::vector<uint32_t>& v, int w) {
  std::vector<uint8_t> out;
  size_t i = 0;
  while (i < v.size()) {
    size_t j = i;
    while (j < v.size() && v[j] == v[i]) ++j;
    if (j - i >= 8 || j == v.size()) {
      PutVarint(&out, (j - i) << 1);
      for (int b = 0; b < (w + 7) / 8; ++b) out.push_back(static_cast<uint8_t>(v[i] >> (8 * b)));
      i = j;
      continue;
    }
    size_t n = std::min<size_t>(8, v.size() - i);
    PutVarint(&out, (1 << 1) | 1);
    std::vector<uint8_t> bits(w, 0);  // 8 values * w bits = w bytes
    for (size_t k = 0; k < 8; ++k) {
      uint32_t x = k < n ? v[i + k] : 0;
      for (int b = 0; b < w; ++b)
        if ((x >> b) & 1) bits[(k * w + b) / 8] |= static_cast<uint8_t>(1u << ((k * w + b) % 8));
    }
    out.insert(out.end(), bits.begin(), bits.end());
    i += n;
  }
  return out;
}

TEST(ParquetEncodingTest, HybridDecoderMatchesASpecEncoderForEveryWidth) {
  std::mt19937 gen(5);
  for (int w = 1; w <= 32; ++w) {
    std::vector<uint32_t> v;
    for (int k = 0; k < 300; ++k) {
      uint32_t x = static_cast<uint32_t>(gen()) & (w == 32 ? 0xffffffffu : ((1u << w) - 1));
      int repeat = gen() % 4 == 0 ? 1 + gen() % 20 : 1;
      v.insert(v.end(), repeat, x);
    }
    std::vector<uint8_t> bytes = EncodeHybrid(v, w);
    std::vector<uint32_t> got;
    DecodeHybrid(bytes.data(), bytes.data() + bytes.size(), w, v.size(), &got);
    ASSERT_EQ(got, v) << "width " << w;
  }
}

TEST(ParquetEncodingTest, HybridDecoderRejectsRunsPastTheEnd) {
  std::vector<uint8_t> bytes = EncodeHybrid({1, 2, 3, 4, 5, 6, 7, 0}, 3);
  std::vector<uint32_t> got;
  EXPECT_THROW(DecodeHybrid(bytes.data(), bytes.data() + bytes.size() - 2, 3, 8, &got), FormatError);
  got.clear();
  EXPECT_THROW(DecodeHybrid(bytes.data(), bytes.data() + bytes.size(), 3, 16, &got), FormatError);
}

TEST(ParquetEncodingTest, PlainByteArraysAndTheirBounds) {
  SchemaElement el;
  el.type = kByteArray;
  std::vector<uint8_t> bytes = {2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 3, 0, 0, 0, 'a', 'b'};
  std::vector<Json> out;
  DecodePlain(bytes.data(), bytes.data() + 10, el, 2, &out);
  EXPECT_EQ(out, (std::vector<Json>{"hi", ""}));
  EXPECT_THROW(DecodePlain(bytes.data(), bytes.data() + bytes.size(), el, 3, &out), FormatError);
}

TEST(ParquetThriftTest, ReadsFieldsWithDeltaAndLongFormIds) {
  // struct { 1: i32 = -3, 4: binary "ab", 300: i64 = 5, 301: bool true }
  std::vector<uint8_t> b = {0x15, 0x05, 0x38, 2, 'a', 'b', 0x06, 0xd8, 0x04, 0x0a, 0x11, 0x00};
  ThriftReader r(b.data(), b.size());
  r.BeginStruct();
  int16_t id;
  uint8_t t;
  ASSERT_TRUE(r.NextField(&id, &t));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(r.ReadI32(t), -3);
  ASSERT_TRUE(r.NextField(&id, &t));
  EXPECT_EQ(id, 4);
  EXPECT_EQ(r.ReadBinary(t), "ab");
  ASSERT_TRUE(r.NextField(&id, &t));
  EXPECT_EQ(id, 300);
  EXPECT_EQ(r.ReadI64(t), 5);
  ASSERT_TRUE(r.NextField(&id, &t));
  EXPECT_EQ(id, 301);
  EXPECT_TRUE(r.ReadBool(t));
  EXPECT_FALSE(r.NextField(&id, &t));
  r.EndStruct();
  ThriftReader cut(b.data(), 4);
  cut.BeginStruct();
  ASSERT_TRUE(cut.NextField(&id, &t));
  cut.ReadI32(t);
  ASSERT_TRUE(cut.NextField(&id, &t));
  EXPECT_THROW(cut.ReadBinary(t), FormatError);
}

}  // namespace
}  // namespace upt::datasets::parquet
