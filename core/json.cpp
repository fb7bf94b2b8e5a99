#include "core/json.h"

#include <climits>

#include "core/error.h"

namespace upt {
namespace {
[[noreturn]] void TypeError(const char* field, const char* want, const Json& v, const JsonSource& src) {
  throw Error(std::string("field must be ") + want + ", got " + v.type_name(),
              Where(src.file, src.line, field), "fix the value of this field");
}
}  // namespace

const Json& RequireField(const Json& obj, const char* field, const JsonSource& src) {
  if (!obj.is_object())
    throw Error(std::string("expected a JSON object, got ") + obj.type_name(), Where(src.file, src.line),
                "each line must be one JSON object");
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null())
    throw Error("missing required field", Where(src.file, src.line, field), "add the field to this line");
  return *it;
}

std::string RequireString(const Json& obj, const char* field, const JsonSource& src) {
  const Json& v = RequireField(obj, field, src);
  if (!v.is_string()) TypeError(field, "a string", v, src);
  return v.get<std::string>();
}

long long RequireInt(const Json& obj, const char* field, const JsonSource& src) {
  const Json& v = RequireField(obj, field, src);
  if (!v.is_number_integer()) TypeError(field, "an integer", v, src);
  if (v.is_number_unsigned() && v.get<unsigned long long>() > static_cast<unsigned long long>(LLONG_MAX))
    TypeError(field, "an integer below 2^63", v, src);
  return v.get<long long>();
}

double RequireNumber(const Json& obj, const char* field, const JsonSource& src) {
  const Json& v = RequireField(obj, field, src);
  if (!v.is_number()) TypeError(field, "a number", v, src);
  return v.get<double>();
}

bool RequireBool(const Json& obj, const char* field, const JsonSource& src) {
  const Json& v = RequireField(obj, field, src);
  if (!v.is_boolean()) TypeError(field, "a boolean", v, src);
  return v.get<bool>();
}

std::string OptString(const Json& obj, const char* field, const JsonSource& src, std::string fallback) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_string()) TypeError(field, "a string", *it, src);
  return it->get<std::string>();
}

long long OptInt(const Json& obj, const char* field, const JsonSource& src, long long fallback) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) TypeError(field, "an integer", *it, src);
  if (it->is_number_unsigned() && it->get<unsigned long long>() > static_cast<unsigned long long>(LLONG_MAX))
    TypeError(field, "an integer below 2^63", *it, src);
  return it->get<long long>();
}

double OptNumber(const Json& obj, const char* field, const JsonSource& src, double fallback) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_number()) TypeError(field, "a number", *it, src);
  return it->get<double>();
}

bool OptBool(const Json& obj, const char* field, const JsonSource& src, bool fallback) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) TypeError(field, "a boolean", *it, src);
  return it->get<bool>();
}

std::string DumpLine(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }
std::string DumpLine(const OrderedJson& j) {
  return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}
std::string DumpPretty(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"; }
std::string DumpPretty(const OrderedJson& j) {
  return j.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

}  // namespace upt
