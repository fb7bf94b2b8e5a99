#include "core/limits.h"

#include <algorithm>
#include <cstdlib>

#include "core/error.h"
#include "core/strings.h"

namespace upt {

long long LimitValue(const InputLimit& limit) {
  const char* env = std::getenv(limit.env);
  long long v = 0;
  if (env && ParseInt64(env, &v) && v > 0) return v;
  return limit.fallback;
}

void CheckLimit(const InputLimit& limit, long long value, const std::string& where) {
  const long long max = LimitValue(limit);
  if (value <= max) return;
  throw Error(std::string(limit.what) + " " + std::to_string(value) + " exceeds the limit of " + std::to_string(max),
              where,
              std::string("check the input; if the value is intended, raise the limit with ") + limit.env + "=N");
}

int JsonNestingDepth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char ch : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
      continue;
    }
    if (ch == '"') in_string = true;
    else if (ch == '[' || ch == '{') max_depth = std::max(max_depth, ++depth);
    else if (ch == ']' || ch == '}') --depth;
  }
  return max_depth;
}

}  // namespace upt
