// JSON value type used across upt (nlohmann::json) and typed field access that
// reports file:line and field name on a missing or wrong-typed field.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace upt {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Where a JSON object came from, for error messages.
struct JsonSource {
  std::string file;
  long line = 0;
};

// Required fields: throw upt::Error("missing field"/"field must be a string"...)
// naming source file:line and the field.
const Json& RequireField(const Json& obj, const char* field, const JsonSource& src);
std::string RequireString(const Json& obj, const char* field, const JsonSource& src);
long long RequireInt(const Json& obj, const char* field, const JsonSource& src);
double RequireNumber(const Json& obj, const char* field, const JsonSource& src);
bool RequireBool(const Json& obj, const char* field, const JsonSource& src);
// Optional fields: `fallback` when absent or null; wrong type still throws.
std::string OptString(const Json& obj, const char* field, const JsonSource& src, std::string fallback = {});
long long OptInt(const Json& obj, const char* field, const JsonSource& src, long long fallback);
double OptNumber(const Json& obj, const char* field, const JsonSource& src, double fallback);
bool OptBool(const Json& obj, const char* field, const JsonSource& src, bool fallback);

// Compact single-line dump that never throws on invalid UTF-8 (replaces bad bytes).
std::string DumpLine(const Json& j);
std::string DumpLine(const OrderedJson& j);
// Pretty dump (2-space indent) with a trailing newline.
std::string DumpPretty(const Json& j);
std::string DumpPretty(const OrderedJson& j);

}  // namespace upt
