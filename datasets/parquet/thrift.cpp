#include "datasets/parquet/thrift.h"

#include <cstring>

namespace upt::datasets::parquet {

void Corrupt(const std::string& what) { throw FormatError(what); }

uint8_t ThriftReader::Byte() {
  if (p_ >= end_) Corrupt("thrift: unexpected end of data");
  return *p_++;
}

uint64_t ThriftReader::Varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t b = Byte();
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  Corrupt("thrift: varint longer than 10 bytes");
}

void ThriftReader::Expect(uint8_t got, uint8_t want) {
  bool ok = got == want || (want == kTTrue && got == kTFalse) || (want == kTList && got == kTSet);
  if (!ok) Corrupt("thrift: field of type " + std::to_string(got) + " where type " + std::to_string(want) + " belongs");
}

void ThriftReader::BeginStruct() {
  if (depth_ >= 64) Corrupt("thrift: structs nested deeper than 64");
  id_stack_[depth_++] = last_id_;
  last_id_ = 0;
}

void ThriftReader::EndStruct() { last_id_ = id_stack_[--depth_]; }

bool ThriftReader::NextField(int16_t* id, uint8_t* type) {
  uint8_t b = Byte();
  *type = b & 0x0f;
  if (*type == kTStop) return false;
  uint8_t delta = b >> 4;
  *id = delta ? static_cast<int16_t>(last_id_ + delta) : static_cast<int16_t>(ZigZag());
  last_id_ = *id;
  return true;
}

int32_t ThriftReader::ReadI32(uint8_t type) {
  if (type == kTByte) return static_cast<int8_t>(Byte());
  if (type != kTI16) Expect(type, kTI32);
  int64_t v = ZigZag();
  if (v < INT32_MIN || v > INT32_MAX) Corrupt("thrift: i32 out of range");
  return static_cast<int32_t>(v);
}

int64_t ThriftReader::ReadI64(uint8_t type) {
  if (type != kTI32 && type != kTI16) Expect(type, kTI64);
  return ZigZag();
}

bool ThriftReader::ReadBool(uint8_t type) {
  Expect(type, kTTrue);
  return type == kTTrue;
}

double ThriftReader::ReadDouble(uint8_t type) {
  Expect(type, kTDouble);
  if (end_ - p_ < 8) Corrupt("thrift: truncated double");
  double d;
  std::memcpy(&d, p_, 8);
  p_ += 8;
  return d;
}

std::string ThriftReader::ReadBinary(uint8_t type) {
  Expect(type, kTBinary);
  uint64_t n = Varint();
  if (n > static_cast<uint64_t>(end_ - p_)) Corrupt("thrift: binary length past the end of data");
  std::string s(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return s;
}

uint32_t ThriftReader::ReadListHeader(uint8_t type, uint8_t* elem_type) {
  Expect(type, kTList);
  uint8_t b = Byte();
  *elem_type = b & 0x0f;
  uint64_t n = b >> 4;
  if (n == 15) n = Varint();
  // Every element takes at least one byte, except bools folded in a header (none in lists).
  if (n > static_cast<uint64_t>(end_ - p_)) Corrupt("thrift: list longer than the data left");
  return static_cast<uint32_t>(n);
}

void ThriftReader::Skip(uint8_t type) { SkipDepth(type, 0); }

void ThriftReader::SkipDepth(uint8_t type, int depth) {
  if (depth > 64) Corrupt("thrift: values nested deeper than 64");
  switch (type) {
    case kTTrue:
    case kTFalse: return;  // struct field bools carry the value in the type
    case kTByte: Byte(); return;
    case kTI16:
    case kTI32:
    case kTI64: Varint(); return;
    case kTDouble: ReadDouble(type); return;
    case kTBinary: ReadBinary(type); return;
    case kTList:
    case kTSet: {
      uint8_t et;
      uint32_t n = ReadListHeader(kTList, &et);
      for (uint32_t i = 0; i < n; ++i) {
        if (et == kTTrue || et == kTFalse) Byte();
        else SkipDepth(et, depth + 1);
      }
      return;
    }
    case kTMap: {
      uint64_t n = Varint();
      if (n == 0) return;
      if (n > static_cast<uint64_t>(end_ - p_)) Corrupt("thrift: map longer than the data left");
      uint8_t kv = Byte();
      for (uint64_t i = 0; i < n; ++i) {
        for (uint8_t t : {static_cast<uint8_t>(kv >> 4), static_cast<uint8_t>(kv & 0x0f)}) {
          if (t == kTTrue || t == kTFalse) Byte();
          else SkipDepth(t, depth + 1);
        }
      }
      return;
    }
    case kTStruct: {
      BeginStruct();
      int16_t id;
      uint8_t t;
      while (NextField(&id, &t)) SkipDepth(t, depth + 1);
      EndStruct();
      return;
    }
    default: Corrupt("thrift: unknown type " + std::to_string(type));
  }
}

}  // namespace upt::datasets::parquet
