// Internals shared by the sample readers (not part of the eval API).
#pragma once

#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/json.h"
#include "eval/samples.h"

namespace upt::eval::formats {

// A per-record field problem (reported with the line number, never fatal by itself).
struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using JsonParseFn = void (*)(const Json& record, const FieldMap& fields, std::vector<RawSample>* out);

// Optional fast path on the raw line (capacity padded for simdjson); false =
// not handled, use `parse` (which reports precise errors).
using FastParseFn = bool (*)(const std::string& line, std::vector<RawSample>* out);

struct JsonFormat {
  const char* name;
  const char* help;
  JsonParseFn parse;
  bool (*detect)(const Json& first_record);
  FastParseFn fast = nullptr;
};

const std::vector<JsonFormat>& JsonFormats();
std::unique_ptr<SampleReader> OpenJsonl(const std::string& path, const FieldMap& fields, JsonParseFn fn,
                                        FastParseFn fast = nullptr);

// simdjson on-demand parse of an upt-format line (formats_fast.cpp).
bool FastParseUpt(const std::string& line, std::vector<RawSample>* out);
// Bytes of capacity a line needs beyond its size for FastParseUpt.
size_t FastParsePadding();
std::unique_ptr<SampleReader> OpenCsv(const std::string& path, const FieldMap& fields);
// verl generation Parquet (formats_parquet.cpp).
std::unique_ptr<SampleReader> OpenParquet(const std::string& path, const FieldMap& fields);

const Json* GetPath(const Json& obj, const std::string& dotted);
const Json* FirstField(const Json& obj, std::initializer_list<const char*> names, std::string* which);
std::string IdString(const Json& j, const std::string& field);
void AppendTexts(const Json& j, const std::string& field, std::vector<std::string>* out);
long long IndexValue(const Json& j, const std::string& field);

// RFC 4180 record splitting: fields separated by ',', quoted fields may hold
// commas, "" and newlines. Returns false on an unterminated quote.
bool SplitCsvRecord(const std::string& record, std::vector<std::string>* fields);
// True when `partial` ends inside a quoted field (the record continues on the next line).
bool CsvRecordOpen(const std::string& partial);

}  // namespace upt::eval::formats
