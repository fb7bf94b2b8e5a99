#include "core/options.h"

#include <cmath>

namespace upt::options_detail {
namespace {
[[noreturn]] void Bad(const std::string& key, const std::string& text, const char* want) {
  throw Error("cannot parse '" + text + "' as " + want, "option '" + key + "'", "give a valid value");
}
}  // namespace

void ParseValue(const std::string& key, const std::string& text, bool* out) {
  std::string t = ToLower(Trim(text));
  if (t == "true" || t == "1" || t == "yes" || t == "on") *out = true;
  else if (t == "false" || t == "0" || t == "no" || t == "off") *out = false;
  else Bad(key, text, "a boolean");
}
void ParseValue(const std::string& key, const std::string& text, int* out) {
  long long v;
  if (!ParseInt64(text, &v) || v < INT32_MIN || v > INT32_MAX) Bad(key, text, "an integer");
  *out = static_cast<int>(v);
}
void ParseValue(const std::string& key, const std::string& text, long long* out) {
  if (!ParseInt64(text, out)) Bad(key, text, "an integer");
}
void ParseValue(const std::string& key, const std::string& text, double* out) {
  double d;
  if (!ParseDouble(text, &d) || !std::isfinite(d)) Bad(key, text, "a finite number");
  *out = d;
}
void ParseValue(const std::string& key, const std::string& text, float* out) {
  double d;
  if (!ParseDouble(text, &d) || !std::isfinite(static_cast<float>(d))) Bad(key, text, "a finite number");
  *out = static_cast<float>(d);
}
void ParseValue(const std::string&, const std::string& text, std::string* out) { *out = text; }

}  // namespace upt::options_detail
