// One line of the `upt verify --cases` format:
//   {"gold": str, "pred": str[, "mc": bool][, "choices": [str, ...]]}
// A fast single-pass reader for exactly this shape (the CLI's hot path: JSON
// parsing was 2/3 of the time with a general DOM parser); any other valid JSON
// falls back to nlohmann. Extra fields are ignored.
#pragma once

#include <string>
#include <string_view>

#include "verifiers/verify.h"

namespace upt::verifiers {

// Parses `line` into *item. On failure returns false with *error set
// ("invalid JSON object", "field 'gold' must be a string", ...).
bool ParseCaseLine(std::string_view line, GradeItem* item, std::string* error);

}  // namespace upt::verifiers
