// Thrift compact protocol decoder: just what Parquet's footer and page headers
// need (structs, lists, i16/i32/i64 zigzag varints, binary, bool, double).
// Spec: apache/thrift doc/specs/thrift-compact-protocol.md. Every read is
// bounds-checked; malformed input throws parquet::FormatError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace upt::datasets::parquet {

// Malformed or unsupported file content; the reader adds file/row group/column.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
[[noreturn]] void Corrupt(const std::string& what);

// Compact-protocol type ids.
enum ThriftType : uint8_t {
  kTStop = 0, kTTrue = 1, kTFalse = 2, kTByte = 3, kTI16 = 4, kTI32 = 5, kTI64 = 6,
  kTDouble = 7, kTBinary = 8, kTList = 9, kTSet = 10, kTMap = 11, kTStruct = 12,
};

class ThriftReader {
 public:
  ThriftReader(const uint8_t* data, size_t size) : p_(data), end_(data + size), begin_(data) {}

  // Struct fields: call BeginStruct, then NextField until it returns false
  // (STOP); every field must be consumed by a Read* call or Skip(type).
  void BeginStruct();
  bool NextField(int16_t* id, uint8_t* type);
  void EndStruct();

  int32_t ReadI32(uint8_t type);
  int64_t ReadI64(uint8_t type);
  bool ReadBool(uint8_t type);  // a struct field's type carries the value
  double ReadDouble(uint8_t type);
  std::string ReadBinary(uint8_t type);
  // List/set header: element type and count (bounded by the bytes left).
  uint32_t ReadListHeader(uint8_t type, uint8_t* elem_type);
  void Skip(uint8_t type);

  size_t Position() const { return static_cast<size_t>(p_ - begin_); }

 private:
  uint64_t Varint();
  int64_t ZigZag() {
    uint64_t v = Varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  uint8_t Byte();
  void Expect(uint8_t got, uint8_t want);
  void SkipDepth(uint8_t type, int depth);

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
  int16_t last_id_ = 0;
  int16_t id_stack_[64];
  int depth_ = 0;
};

}  // namespace upt::datasets::parquet
