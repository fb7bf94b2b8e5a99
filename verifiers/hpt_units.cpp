// hpt_code's unit-word deletion without std::regex (verifiers/hpt_units.h).
// Source of the word lists: TsinghuaC3I/Unify-Post-Training,
// hpt/verl/verl/mix_src/entropy_math/__init__.py, _strip_string (:220-378)
// and _normalize (:783-853). tests/verifiers/hpt_units_test.cpp checks every
// matcher against the std::regex it replaces.
#include "verifiers/hpt_units.h"

#include <utility>

namespace upt::verifiers::hpt {
namespace {

bool WordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// `word` at s[at, ...): "." matches any byte but '\n' and '\r'.
bool WordAt(std::string_view s, size_t at, std::string_view word) {
  if (at > s.size() || s.size() - at < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    char c = s[at + k];
    if (word[k] == '.' ? (c == '\n' || c == '\r') : c != word[k]) return false;
  }
  return true;
}

// "($|\W)" at q: the end (nothing consumed) or one non-word byte.
bool TailAt(std::string_view s, size_t q, size_t* len) {
  if (q == s.size()) { *len = 0; return true; }
  if (q < s.size() && !WordByte(s[q])) { *len = 1; return true; }
  return false;
}

}  // namespace

const std::vector<std::string>& MathdUnitWords() {
  static const std::vector<std::string> kWords = [] {
    std::vector<std::string> w = {
        "east", "degree", "mph", "kmph", "ft", "m sqaure", " m east", "sq m", "deg", "mile", "q .",
        "monkey", "prime", "ratio", "profit of rs", "rd", "o", "gm", "p . m", "lb", "tile", "per", "dm",
        "lt", "gain", "ab", "way", "west", "a .", "b .", "c .", "d .", "e .", "f .", "g .", "h .", "t",
        "a", "h", "no change", "men", "soldier", "pie", "bc", "excess", "st", "inches", "noon", "percent",
        "by", "gal", "kmh", "c", "acre", "rise", "a . m", "th", "\xcf\x80 r 2", "sq", "mark", "l", "toy",
        "coin", "sq . m", "gallon", "\xc2\xb0 f", "profit", "minw", "yr", "women", "feet", "am", "pm", "hr",
        "cu cm", "square", "v \xc3\xa2 \xe2\x82\xac \xe2\x84\xa2", "are", "rupee", "rounds", "cubic", "cc",
        "mtr", "s", "ohm", "number", "kmph", "day", "hour", "minute", "min", "second", "man", "woman",
        "sec", "cube", "mt", "sq inch", "mp", "\xe2\x88\x8f cm \xc2\xb3", "hectare", "more", "sec", "unit",
        "cu . m", "cm 2", "rs .", "rs", "kg", "g", "month", "km", "m", "cm", "mm", "apple", "liter", "loss",
        "yard", "pure", "year", "increase", "decrease", "d", "less", "Surface", "litre", "pi sq m", "s .",
        "metre", "meter", "inch"};
    size_t n = w.size();
    for (size_t i = 0; i < n; ++i) w.push_back(w[i] + "s");
    return w;
  }();
  return kWords;
}

bool StripWholeWord(std::string_view s, std::string_view word, std::string* result) {
  std::string out;
  size_t copied = 0;  // s[copied, p) is still to be copied
  for (size_t p = 0; p < s.size(); ++p) {
    // "(^|\W)": the start first (only at 0: later searches have a previous byte), then a non-word byte.
    size_t lead = 0, tail = 0;
    bool hit = p == 0 && WordAt(s, 0, word) && TailAt(s, word.size(), &tail);
    if (!hit) {
      lead = 1;
      hit = !WordByte(s[p]) && WordAt(s, p + 1, word) && TailAt(s, p + 1 + word.size(), &tail);
    }
    if (!hit) continue;
    out.append(s, copied, p + lead - copied);  // the prefix and group 1
    size_t word_end = p + lead + word.size();
    out.append(s, word_end, tail);  // group 2
    copied = word_end + tail;
    p = copied - 1;  // the next search starts where this match ends
  }
  if (copied == 0) return false;  // every match deletes at least one byte
  out.append(s, copied, std::string_view::npos);
  *result = std::move(out);
  return true;
}

const std::vector<std::string>& SympyUnitWords() {
  static const std::vector<std::string> kUnits = {"degree", "cm",  "centimeter", "meter", "mile",  "second",
                                                  "minute", "hour", "day",       "week",  "month", "year",
                                                  "foot",   "feet", "inch",      "yard"};
  return kUnits;
}

std::string StripUnitWithPower(std::string_view s, std::string_view unit) {
  std::string out;
  size_t copied = 0;
  for (size_t at = s.find(unit); at != std::string_view::npos; at = s.find(unit, copied)) {
    size_t e = at + unit.size();
    if (s.substr(e, 2) == "es") e += 2;
    if (e < s.size() && s[e] == 's') ++e;
    while (e < s.size() && s[e] == ' ') ++e;
    if (e + 1 < s.size() && s[e] == '^' && s[e + 1] >= '0' && s[e + 1] <= '9') {
      e += 2;
      while (e < s.size() && s[e] >= '0' && s[e] <= '9') ++e;
    }
    out.append(s, copied, at - copied);
    copied = e;
  }
  out.append(s, copied, std::string_view::npos);
  return out;
}

}  // namespace upt::verifiers::hpt
