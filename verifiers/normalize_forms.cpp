// Clock times and degrees inside trigonometric arguments (normalize_forms.h).
#include "verifiers/normalize_forms.h"

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace upt::verifiers {
namespace {

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr std::string_view kTrig[] = {"\\sin", "\\cos", "\\tan", "\\cot", "\\sec", "\\csc"};
constexpr std::string_view kDegree[] = {"^{\\circ }", "^{\\circ}", "^\\circ", "\xc2\xb0", "\\degree"};
constexpr std::string_view kRadiansPerDegree = "\\cdot\\frac{\\pi}{180}";

// Length of the degree mark at i, 0 if none.
size_t DegreeAt(std::string_view s, size_t i) {
  for (std::string_view d : kDegree)
    if (s.substr(i, d.size()) == d) return d.size();
  return 0;
}

// Length of the trig command at i ("\\sin" but not "\\sinh"), 0 if none.
size_t TrigAt(std::string_view s, size_t i) {
  for (std::string_view t : kTrig)
    if (s.substr(i, t.size()) == t && (i + t.size() >= s.size() || !IsAlpha(s[i + t.size()])))
      return t.size();
  return 0;
}

// For each '(' and '{' the index just past its matching closer (npos if
// unclosed); one stack pass per bracket kind, so many unclosed "\\sin(" cost O(n).
std::vector<size_t> MatchGroups(std::string_view s) {
  std::vector<size_t> end(s.size(), std::string_view::npos), paren, brace;
  for (size_t j = 0; j < s.size(); ++j) {
    std::vector<size_t>* stack = s[j] == '(' || s[j] == ')' ? &paren
                                 : s[j] == '{' || s[j] == '}' ? &brace
                                                              : nullptr;
    if (!stack) continue;
    if (s[j] == '(' || s[j] == '{') stack->push_back(j);
    else if (!stack->empty()) { end[stack->back()] = j + 1; stack->pop_back(); }
  }
  return end;
}

// Copies s[b, e) with every degree mark replaced by "\\cdot\\frac{\\pi}{180}".
void AppendConverted(std::string_view s, size_t b, size_t e, std::string* out) {
  for (size_t j = b; j < e;) {
    size_t n = DegreeAt(s, j);
    if (n > 0 && j + n <= e) {
      out->append(kRadiansPerDegree);
      j += n;
    } else {
      *out += s[j++];
    }
  }
}

}  // namespace

std::string TrigDegrees(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 32);
  std::vector<size_t> match;  // built at the first trig command
  for (size_t i = 0; i < s.size();) {
    size_t n = TrigAt(s, i);
    if (n == 0) {
      out += s[i++];
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
    size_t a = i;
    while (a < s.size() && s[a] == ' ') ++a;
    if (s.substr(a, 5) == "\\left") a += 5;  // "\\sin\\left(90^\\circ - x\\right)"
    if (a < s.size() && (s[a] == '(' || s[a] == '{')) {
      if (match.empty()) match = MatchGroups(s);
      size_t e = match[a];
      if (e == std::string_view::npos) continue;
      AppendConverted(s, i, e, &out);
      i = e;
      continue;
    }
    // Bare argument: a number followed directly by a degree mark ("\\cos 60^\\circ").
    size_t d = a;
    while (d < s.size() && (IsDigit(s[d]) || s[d] == '.')) ++d;
    size_t mark = d > a ? DegreeAt(s, d) : 0;
    if (mark == 0) continue;
    out += '(';
    out.append(s.substr(a, d - a));
    out.append(kRadiansPerDegree);
    out += ')';
    i = d + mark;
  }
  return out;
}

// A clock time "H:MM[:SS] [am|pm]" (the whole answer; minutes and seconds two
// digits and < 60; hours 1..12 with am/pm, else < 24) -> "H:MM" on the 24-hour
// clock, ":00" seconds dropped (MARIO_EVAL test_is_equiv.py:143-144: "20:34" ==
// "20:34:00" == "08:34 P.M."). Ratios ("3:4", "10:5") do not match.
void ClockTime(std::string* s) {
  const std::string& t = *s;
  size_t colon = t.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 2) return;
  auto two = [&](size_t at, int* v) {
    if (at + 2 > t.size() || !IsDigit(t[at]) || !IsDigit(t[at + 1])) return false;
    *v = (t[at] - '0') * 10 + (t[at + 1] - '0');
    return *v < 60;
  };
  int h = 0, m = 0, sec = 0;
  for (size_t k = 0; k < colon; ++k) {
    if (!IsDigit(t[k])) return;
    h = h * 10 + (t[k] - '0');
  }
  if (!two(colon + 1, &m)) return;
  size_t i = colon + 3;
  bool seconds = i < t.size() && t[i] == ':';
  if (seconds && !two(i + 1, &sec)) return;
  if (seconds) i += 3;
  std::string suffix;  // letters of the rest, lower case; only "am"/"pm" allowed
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c == ' ' || c == '.' || c == '{' || c == '}') continue;
    if (c == '\\') {  // "\\text{P.M.}": only a text command may wrap the suffix
      size_t e = i + 1;
      while (e < t.size() && IsAlpha(t[e])) ++e;
      if (!IsTextCommand(std::string_view(t).substr(i, e - i))) return;
      i = e - 1;
      continue;
    }
    if (!IsAlpha(c)) return;
    suffix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!suffix.empty()) {
    if ((suffix != "am" && suffix != "pm") || h < 1 || h > 12) return;
    h = h % 12 + (suffix == "pm" ? 12 : 0);
  }
  if (h >= 24 || sec != 0) return;  // keep seconds that carry information
  *s = std::to_string(h) + ":" + t.substr(colon + 1, 2);
}

// A whole answer "\begin{cases} R_1 \\ R_2 \end{cases}" whose rows are all
// relations without "&" (a system, not a piecewise function) -> "R_1, R_2":
// the list of its equations (MARIO_EVAL test_is_equiv.py:234).
void CasesSystem(std::string* s) {
  static constexpr std::string_view kOpen = "\\begin{cases}", kClose = "\\end{cases}";
  size_t b = s->find_first_not_of(' '), e = s->find_last_not_of(' ');
  if (b == std::string::npos || s->compare(b, kOpen.size(), kOpen) != 0 || e + 1 < b + kOpen.size() + kClose.size() ||
      s->compare(e + 1 - kClose.size(), kClose.size(), kClose) != 0)
    return;
  std::string_view body = std::string_view(*s).substr(b + kOpen.size(), e + 1 - kClose.size() - b - kOpen.size());
  if (body.find('&') != std::string_view::npos || body.find("\\begin") != std::string_view::npos) return;
  std::string out;
  for (size_t at = 0; at <= body.size();) {
    size_t br = body.find("\\\\", at);
    std::string_view row = body.substr(at, br == std::string_view::npos ? std::string_view::npos : br - at);
    size_t rb = row.find_first_not_of(' '), re = row.find_last_not_of(' ');
    if (rb != std::string_view::npos) {
      row = row.substr(rb, re - rb + 1);
      if (row.find_first_of("=<>") == std::string_view::npos && row.find("\\le") == std::string_view::npos &&
          row.find("\\ge") == std::string_view::npos)
        return;  // a row that is not a relation
      out += (out.empty() ? "" : ", ") + std::string(row);
    }
    if (br == std::string_view::npos) break;
    at = br + 2;
  }
  if (!out.empty()) *s = out;
}

}  // namespace upt::verifiers
