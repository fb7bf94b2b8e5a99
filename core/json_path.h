// Dotted-path lookup into nested JSON objects ("reward_model.ground_truth").
#pragma once

#include <string>

#include "core/json.h"
#include "core/strings.h"

namespace upt {

// The value at `dotted` (object keys separated by '.'), or nullptr when a key is
// missing or an intermediate value is not an object.
inline const Json* JsonAtPath(const Json& obj, const std::string& dotted) {
  const Json* cur = &obj;
  for (const auto& part : Split(dotted, '.')) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

}  // namespace upt
