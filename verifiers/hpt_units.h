// Internal to hpt_code (verifiers/hpt_code.cpp): the unit words the HPT fork
// deletes, and hand-written matchers that reproduce, byte for byte, the
// std::regex replacements hpt_code used before (ECMAScript grammar, "C"
// locale: \w = [A-Za-z0-9_], "." any byte but '\n' and '\r').
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace upt::verifiers::hpt {

// _strip_string's unit words (MathQA units) followed by their plurals.
const std::vector<std::string>& MathdUnitWords();

// regex_replace(s, "(^|\W)" + word + "($|\W)", "$1$2") (_strip_string): every
// non-overlapping whole-word occurrence of `word`, leftmost first, is deleted;
// a "." in `word` matches any byte but a line break; "^" only at the start.
// False (and *out untouched) when nothing matches, i.e. the result would be s.
bool StripWholeWord(std::string_view s, std::string_view word, std::string* out);

// _normalize's unit names ("degree", "cm", ..., "yard").
const std::vector<std::string>& SympyUnitWords();

// regex_replace(s, unit + "(es)?(s)? *(\^[0-9]+)?", ""): each occurrence of
// `unit` (letters only) with its greedy plural, spaces and power is deleted.
std::string StripUnitWithPower(std::string_view s, std::string_view unit);

}  // namespace upt::verifiers::hpt
