// Answer-string normalisation (Hendrycks et al. 2021, MATH `strip_string`,
// extended): everything here is a textual rewrite that never changes the
// mathematical value. Linear time in the input size.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/expr.h"
#include "verifiers/normalize_forms.h"

namespace upt::verifiers {
namespace {

bool StartsAt(std::string_view s, size_t i, std::string_view p) {
  return s.size() - i >= p.size() && s.compare(i, p.size(), p) == 0;
}

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Plain-text rewrites applied first: unicode symbols and command aliases.
struct Alias { std::string_view from; std::string_view to; };
constexpr Alias kAliases[] = {
    {"\\\\", "\\\\"},           {"\xe2\x88\x92", "-"},       {"\xe2\x80\x93", "-"},        {"\xc3\x97", "\\times "},
    {"\xc2\xb7", "\\cdot "},     {"\xe2\x8b\x85", "\\cdot "},   {"\xcf\x80", "\\pi "},
    {"\xe2\x88\x9a", "\\sqrt"},  {"\xe2\x88\x9e", "\\infty "},  {"\xe2\x89\xa4", "\\le "},
    {"\xe2\x89\xa5", "\\ge "},   {"\xe2\x89\xa0", "\\ne "},     {"\xc2\xb0", ""},
    {"\xe2\x88\xaa", "\\cup "},  {"\xc2\xb1", "\\pm "},         {"\xc2\xa0", " "},
    {"\\dfrac", "\\frac"},       {"\\tfrac", "\\frac"},         {"\\cfrac", "\\frac"},
    {"\\geqslant", "\\ge "},     {"\\leqslant", "\\le "},       {"\\geq", "\\ge "},
    {"\\leq", "\\le "},          {"\\neq", "\\ne "},            {"\\displaystyle", ""},
    {"\\left", ""},              {"\\right", ""},               {"\\bigl", ""},
    {"\\bigr", ""},              {"\\Bigl", ""},                {"\\Bigr", ""},
    {"\\big", ""},               {"\\Big", ""},                 {"^\\circ", ""},
    {"^{\\circ}", ""},           {"^{\\circ }", ""},            {"\\circ", ""},
    {"\\degree", ""},            {"\\%", ""},                   {"%", ""},
    {"\\!", ""},                 {"\\,", " "},                  {"\\;", " "},
    {"\\:", " "},                {"\\qquad", " "},              {"\\quad", " "},
    {"\\ ", " "},                {"~", " "},                    {"$", ""},
    {"\\$", ""},                 {"{,}", ""},                   {"np.", ""},
    {"{, }", ""},                {"{ ,}", ""},  // "14 {, }916": spacing in math mode is not significant
    {"\\lbrace", "\\{"},         {"\\rbrace", "\\}"},           {"\\lvert", "|"},
    {"\\rvert", "|"},            {"\\mid", "|"},                {"\\emptyset", "\\{\\}"},
    {"\\varnothing", "\\{\\}"},  {"\\to", "="},              {"\\sin^{-1}", "\\arcsin"},
    {"\\cos^{-1}", "\\arccos"},   {"\\tan^{-1}", "\\arctan"},    {",\\! ", ","},
};

// Commands that a doubly escaped string (JSON escaped twice) spells with two
// backslashes, as in \\frac{1}{2}; two backslashes before any other letters
// stay a line break.
constexpr std::string_view kDoubledCommands[] = {
    "frac", "dfrac", "tfrac", "sqrt", "left", "right", "le", "leq", "ge", "geq", "ne", "neq",
    "pi", "cdot", "times", "div", "infty", "text", "textbf", "mathrm", "mathbf", "boxed", "in",
    "cup", "cap", "pm", "mp", "sin", "cos", "tan", "cot", "sec", "csc", "ln", "log", "exp",
    "begin", "end", "circ", "theta", "alpha", "beta", "gamma", "lambda", "approx", "binom",
    "lfloor", "rfloor", "lceil", "rceil", "emptyset", "varnothing", "quad", "qquad"};

bool DoubledCommandAt(std::string_view s, size_t i) {
  size_t e = i + 2;
  while (e < s.size() && IsAlpha(s[e])) ++e;
  std::string_view word = s.substr(i + 2, e - i - 2);
  return std::find(std::begin(kDoubledCommands), std::end(kDoubledCommands), word) !=
         std::end(kDoubledCommands);
}

// A string escaped twice as a whole: every backslash run has even length and
// one of them spells a command above ("\\begin{matrix} 1 \\\\ 2 ...",
// MARIO_EVAL test_is_equiv.py:226). Then every run is halved, so the doubled
// row break "\\\\" becomes "\\" as well.
bool EscapedTwice(std::string_view s) {
  bool command = false;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\') { ++i; continue; }
    size_t e = i;
    while (e < s.size() && s[e] == '\\') ++e;
    if ((e - i) % 2 != 0) return false;
    if (e - i == 2 && e < s.size() && IsAlpha(s[e]) && DoubledCommandAt(s, i)) command = true;
    i = e;
  }
  return command;
}

// Two backslashes + a command above -> one backslash + the command.
std::string CollapseDoubledCommands(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  if (EscapedTwice(s)) {
    for (size_t i = 0; i < s.size(); ++i) {
      out += s[i];
      if (s[i] == '\\') ++i;  // runs are even: keep every other backslash
    }
    return out;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    // Exactly two backslashes: in \\\end the first two are a row break.
    if (s[i] == '\\' && (i == 0 || s[i - 1] != '\\') && i + 2 < s.size() && s[i + 1] == '\\' &&
        IsAlpha(s[i + 2])) {
      if (DoubledCommandAt(s, i)) {
        size_t e = i + 2;
        while (e < s.size() && IsAlpha(s[e])) ++e;
        out += '\\';
        out.append(s.substr(i + 2, e - i - 2));
        i = e - 1;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string ApplyAliases(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    bool hit = false;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\' || c >= 0x80 || c == '^' || c == '%' || c == '~' || c == '$' || c == '{' ||
        c == 'n' || c == ',') {
      for (const Alias& a : kAliases) {
        size_t n = a.from.size();
        if (a.from[0] != s[i] || !StartsAt(s, i, a.from)) continue;
        bool delim = a.from == "\\left" || a.from == "\\right";
        // "\left" must not eat "\leftarrow"; "\ge" must not eat "\gets".
        if (a.from[0] == '\\' && IsAlpha(a.from[n - 1]) && i + n < s.size() && IsAlpha(s[i + n]) &&
            !delim)
          continue;
        if (delim && i + n < s.size() && IsAlpha(s[i + n])) continue;
        if (a.from == "np." && i > 0 && IsAlpha(s[i - 1])) continue;
        out += a.to;
        i += n;
        // "\right." and "\left." are invisible delimiters.
        if (delim && i < s.size() && s[i] == '.') ++i;
        hit = true;
        break;
      }
    }
    if (!hit) out += s[i++];
  }
  return out;
}

constexpr const char* kTextCommands[] = {"\\text", "\\textbf", "\\textit", "\\mathrm", "\\mathbf",
                                         "\\mbox", "\\textrm", "\\operatorname", "\\mathit",
                                         "\\boldsymbol", "\\mathsf", "\\textnormal"};

}  // namespace

bool IsTextCommand(std::string_view cmd) {
  for (const char* c : kTextCommands)
    if (cmd == c) return true;
  return false;
}

namespace {

bool EndsLikeValue(const std::string& out) {
  size_t k = out.find_last_not_of(' ');
  if (k == std::string::npos) return false;
  char c = out[k];
  if (IsDigit(c) || c == '}' || c == ')' || c == '.') return true;
  // A constant command right before: "8\\pi \\text{ cm}".
  size_t b = out.find_last_of('\\', k);
  return b != std::string::npos && (out.compare(b, k + 1 - b, "\\pi") == 0 ||
                                    out.compare(b, k + 1 - b, "\\sqrt") == 0);
}

// For each '{' the index just past its matching '}' (npos if unclosed); one
// stack pass, so many unclosed groups cost O(n), not O(n^2).
std::vector<size_t> MatchBraces(const std::string& s) {
  std::vector<size_t> end(s.size(), std::string::npos), stack;
  for (size_t j = 0; j < s.size(); ++j) {
    if (s[j] == '\\' && j + 1 < s.size()) { ++j; continue; }
    if (s[j] == '{') stack.push_back(j);
    else if (s[j] == '}' && !stack.empty()) { end[stack.back()] = j + 1; stack.pop_back(); }
  }
  return end;
}

// "^2", "^{3}", "^{-1}", "^-2" at i: the power of a unit; returns the index past it.
size_t SkipUnitPower(const std::string& s, size_t i) {
  if (i >= s.size() || s[i] != '^') return i;
  size_t j = i + 1;
  bool brace = j < s.size() && s[j] == '{';
  if (brace) ++j;
  if (j < s.size() && s[j] == '-') ++j;
  size_t d = j;
  while (j < s.size() && IsDigit(s[j])) ++j;
  if (j == d || j - d > 2) return i;
  if (brace) {
    if (j >= s.size() || s[j] != '}') return i;
    ++j;
  }
  return j;
}

// Text of a unit: no '=' and digits only in powers ("m/s^2", "s^{-1}", "cm").
bool UnitText(const std::string& inner) {
  for (size_t k = 0; k < inner.size(); ++k) {
    if (inner[k] == '=') return false;
    if (inner[k] == '^') {
      size_t j = SkipUnitPower(inner, k);
      if (j == k) return false;
      k = j - 1;
      continue;
    }
    if (IsDigit(inner[k])) return false;
  }
  return true;
}

// "/\\text{mol}" or "/ \\mathrm{s}^2" right after a dropped unit: the rest of
// the unit ("cm^3/mol"); returns the index past it.
size_t SkipPerUnit(const std::string& s, size_t i, const std::vector<size_t>& match) {
  size_t j = i;
  while (j < s.size() && s[j] == ' ') ++j;
  if (j >= s.size() || s[j] != '/') return i;
  ++j;
  while (j < s.size() && s[j] == ' ') ++j;
  for (const char* c : kTextCommands) {
    size_t n = std::strlen(c);
    if (!StartsAt(s, j, c) || j + n >= s.size() || s[j + n] != '{') continue;
    size_t e = match[j + n];
    if (e == std::string::npos || !UnitText(s.substr(j + n + 1, e - j - n - 2))) return i;
    return SkipUnitPower(s, e);
  }
  return i;
}

// " and ", "or": a text group that joins two answers, not a unit.
bool Connective(const std::string& inner) {
  size_t b = inner.find_first_not_of(' '), e = inner.find_last_not_of(' ');
  if (b == std::string::npos) return false;
  std::string_view w = std::string_view(inner).substr(b, e + 1 - b);
  return w == "and" || w == "or";
}

// Unwraps \text{..}-style groups; a text group right after a value is a unit
// and is dropped (with a following ^2 / ^3).
std::string UnwrapText(const std::string& s) {
  std::string out;
  if (s.find('\\') == std::string::npos) return s;
  std::vector<size_t> match = MatchBraces(s);
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const char* cmd = nullptr;
    if (s[i] == '\\') {
      for (const char* c : kTextCommands) {
        size_t n = std::strlen(c);
        if (StartsAt(s, i, c) && i + n < s.size() && (s[i + n] == '{' || s[i + n] == ' ')) {
          cmd = c;
          break;
        }
      }
    }
    if (!cmd) { out += s[i++]; continue; }
    size_t b = i + std::strlen(cmd);
    while (b < s.size() && s[b] == ' ') ++b;
    size_t e = b < s.size() && s[b] == '{' ? match[b] : std::string::npos;
    if (e == std::string::npos) { out += s[i++]; continue; }
    std::string inner = s.substr(b + 1, e - b - 2);
    bool unit = std::strcmp(cmd, "\\operatorname") != 0 && EndsLikeValue(out) && UnitText(inner) &&
                !Connective(inner);
    i = e;
    if (unit) {
      i = SkipUnitPower(s, i);
      i = SkipPerUnit(s, i, match);
      continue;
    }
    out += inner;
  }
  return out;
}

// Trailing plain-text unit words after a number ("5 cm", "12 dollars").
constexpr const char* kUnits[] = {
    "square units", "sq units", "units", "unit", "cm", "mm", "km", "m", "meters", "meter",
    "inches", "inch", "in", "feet", "foot", "ft", "miles", "mile", "mph", "dollars", "dollar",
    "cents", "cent", "degrees", "degree", "hours", "hour", "minutes", "minute", "seconds",
    "second", "days", "day", "years", "year", "kg", "g", "cm^2", "cm^3", "m^2", "sq ft",
    "square feet", "square inches", "square meters", "pounds", "ways", "people", "students",
    "percentage", "percent", "pct"};

// Words that are mathematics or connectives, never a unit: "2 pi", "5 or 6".
constexpr const char* kNotUnits[] = {
    "or", "and", "to", "plus", "minus", "times", "over", "divided", "by", "not", "nor", "than",
    "pi", "sqrt", "ln", "log", "sin", "cos", "tan", "sec", "csc", "cot", "exp", "inf",
    "infinity", "squared", "cubed", "hundred", "thousand", "million", "billion", "trillion",
    "dozen", "half", "halves", "third", "thirds", "quarter", "quarters", "fourth", "fourths",
    "fifth", "fifths", "tenth", "tenths", "hundredth", "hundredths", "root", "roots", "mod",
    "modulo", "factorial", "per", "less", "more", "then", "with", "without", "if",
    "for", "all", "only", "no", "none", "either", "neither", "both", "each", "is", "are", "am"};

constexpr size_t kMinGluedUnit = 4;

bool IsUnitWord(std::string_view w) {
  if (w.size() < 2) return false;  // a single letter is a variable: "2 x"
  for (char c : w)
    if (!IsAlpha(c)) return false;
  std::string lower(w);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* n : kNotUnits)
    if (lower == n) return false;
  return true;
}

// Drops trailing plain-text unit words after a number: the listed units
// ("5 cm", "12 sq ft"), else up to three plain words ("6 Trinkets", "12 red
// marbles") that are not mathematics or connectives.
void StripTrailingUnit(std::string* s) {
  // A long unit word glued to the number: "10weeks" (MARIO_EVAL: a space is
  // optional for long units, required for short ones: "10cm" stays).
  size_t glued = s->size();
  while (glued > 0 && IsAlpha((*s)[glued - 1])) --glued;
  if (glued > 0 && s->size() - glued >= kMinGluedUnit && IsDigit((*s)[glued - 1]) &&
      IsUnitWord(std::string_view(*s).substr(glued))) {
    s->resize(glued);
    return;
  }
  for (const char* u : kUnits) {
    size_t n = std::strlen(u);
    if (s->size() <= n + 1) continue;
    size_t at = s->size() - n;
    if (s->compare(at, n, u) != 0 || (*s)[at - 1] != ' ') continue;
    size_t k = s->find_last_not_of(' ', at - 1);
    if (k == std::string::npos || !IsDigit((*s)[k])) continue;
    s->resize(k + 1);
    return;
  }
  size_t end = s->size();
  for (int words = 0; words < 3; ++words) {
    size_t k = s->find_last_not_of(' ', end == 0 ? 0 : end - 1);
    if (k == std::string::npos || end == 0) return;
    size_t b = s->find_last_of(' ', k);
    size_t wb = b == std::string::npos ? 0 : b + 1;
    if (!IsUnitWord(std::string_view(*s).substr(wb, k + 1 - wb)) || b == std::string::npos) return;
    size_t before = s->find_last_not_of(' ', b);
    if (before == std::string::npos) return;
    if (IsDigit((*s)[before])) {
      s->resize(before + 1);
      return;
    }
    end = before + 1;
  }
}

// "x \\in [2, 5)" -> "[2, 5)": a membership prefix naming one variable (a
// letter, a letter command such as \\lambda, optionally with a subscript).
void StripMembership(std::string* s) {
  const std::string& t = *s;
  size_t i = 0;
  if (!t.empty() && IsAlpha(t[0])) {
    i = 1;
  } else if (t.size() > 1 && t[0] == '\\' && IsAlpha(t[1])) {
    i = 1;
    while (i < t.size() && IsAlpha(t[i])) ++i;
  } else {
    return;
  }
  if (i + 1 < t.size() && t[i] == '_') {
    if (t[i + 1] != '{') {
      i += 2;
    } else {
      size_t close = t.find('}', i);
      if (close == std::string::npos) return;
      i = close + 1;
    }
  }
  while (i < t.size() && t[i] == ' ') ++i;
  if (t.compare(i, 3, "\\in") != 0 || (i + 3 < t.size() && IsAlpha(t[i + 3]))) return;
  s->erase(0, i + 3);
  size_t b = s->find_first_not_of(' ');
  s->erase(0, b == std::string::npos ? s->size() : b);
}

// "(E) Hyperbola" -> "(E)": an option label followed only by words.
void StripOptionText(std::string* s) {
  const std::string& t = *s;
  if (t.size() < 5 || t[0] != '(' || t[1] < 'A' || t[1] > 'Z' || t[2] != ')' || t[3] != ' ') return;
  for (size_t k = 4; k < t.size(); ++k)
    if (!IsAlpha(t[k]) && t[k] != ' ' && t[k] != '-' && t[k] != '\'') return;
  s->resize(3);
}

// "{-2021, 2021}" -> "\\{-2021, 2021\\}": a whole answer in plain braces with a
// top-level comma is a set (a brace group holds no commas in LaTeX math).
void BracesToSet(std::string* s) {
  const std::string& t = *s;
  if (t.size() < 3 || t.front() != '{' || MatchBraces(t)[0] != t.size()) return;
  int depth = 0;
  bool comma = false;
  for (size_t k = 1; k + 1 < t.size(); ++k) {
    if (t[k] == '{' || t[k] == '(' || t[k] == '[') ++depth;
    else if (t[k] == '}' || t[k] == ')' || t[k] == ']') --depth;
    else if (t[k] == ',' && depth == 0) comma = true;
  }
  if (comma) *s = "\\{" + t.substr(1, t.size() - 2) + "\\}";
}

// "6 and 8", "(11,7) or (7,11)", "2, and 3" -> comma lists: a top-level "and" /
// "or" word between two answers separates items (a list never equals a scalar,
// so "44 or 39" still matches no single answer).
void ConnectivesToCommas(std::string* s) {
  const std::string& t = *s;
  if (t.find("and") == std::string::npos && t.find("or") == std::string::npos) return;
  std::string out;
  out.reserve(t.size());
  int depth = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    size_t n = t.compare(i, 3, "and") == 0 ? 3 : t.compare(i, 2, "or") == 0 ? 2 : 0;
    bool word = n > 0 && depth == 0 && (i == 0 || (!IsAlpha(t[i - 1]) && t[i - 1] != '\\')) &&
                i + n < t.size() && !IsAlpha(t[i + n]);
    if (!word) { out += c; continue; }
    size_t keep = out.find_last_not_of(' ');
    if (keep != std::string::npos && out[keep] == ',') keep = out.find_last_not_of(' ', keep - 1);
    size_t next = t.find_first_not_of(' ', i + n);
    if (keep == std::string::npos || next == std::string::npos || t[next] == ',' ||
        t.compare(next, 4, "not ") == 0) {  // "C and not A" names one answer
      out += c;
      continue;
    }
    out.resize(keep + 1);
    out += ", ";
    i = next - 1;
  }
  *s = std::move(out);
}

// "(0;-2;6)", "-12;-11;-10" -> commas: in a group (or the top level) with no
// comma of its own, ';' separates items.
// "p=5,q=2;p=7,q=2" (solutions of a system, each named): every top-level item
// between ',' and ';' is one "name = value", so ';' is a comma too.
// Every solution (between ';') has the same number (>= 2) of items.
bool NamedSolutions(std::string_view t) {
  if (t.find_first_of("([{") != std::string_view::npos) return false;
  size_t b = 0, items = 0, per = 0;
  for (size_t i = 0; i <= t.size(); ++i) {
    if (i < t.size() && t[i] != ',' && t[i] != ';') continue;
    std::string_view item = t.substr(b, i - b);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || item.find('=', eq + 1) != std::string_view::npos) return false;
    b = i + 1;
    ++items;
    if (i == t.size() || t[i] == ';') {
      if (items < 2 || (per != 0 && items != per)) return false;
      per = items;
      items = 0;
    }
  }
  return true;
}

void SemicolonsToCommas(std::string* s) {
  std::string& t = *s;
  if (t.find(';') == std::string::npos) return;
  if (NamedSolutions(t)) {
    std::replace(t.begin(), t.end(), ';', ',');
    return;
  }
  std::vector<int> group(t.size(), 0), stack{0};
  std::vector<bool> comma{false};
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == ')' || c == ']' || c == '}') {
      if (stack.size() > 1) stack.pop_back();
    }
    group[i] = stack.back();
    if (c == ',') comma[static_cast<size_t>(stack.back())] = true;
    if (c == '(' || c == '[' || c == '{') {
      stack.push_back(static_cast<int>(comma.size()));
      comma.push_back(false);
    }
  }
  for (size_t i = 0; i < t.size(); ++i)
    if (t[i] == ';' && !comma[static_cast<size_t>(group[i])]) t[i] = ',';
}

// "1,000,000" / "1 000 000" -> "1000000" when the whole answer is one such number.
void StripThousands(std::string* s) {
  const std::string& t = *s;
  size_t i = (!t.empty() && t[0] == '-') ? 1 : 0, digits = 0, groups = 0;
  for (; i < t.size() && IsDigit(t[i]); ++i) ++digits;
  if (digits == 0 || digits > 3 || (digits == 1 && t[i - 1] == '0')) return;  // "0,111" is no thousands
  const char sep = i < t.size() && t[i] == ' ' ? ' ' : ',';
  while (i < t.size() && t[i] == sep) {
    size_t j = i + 1;
    while (j < t.size() && IsDigit(t[j])) ++j;
    if (j - i - 1 != 3) return;
    i = j;
    ++groups;
  }
  if (groups == 0) return;
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && IsDigit(t[i]); ++i) {}
  }
  if (i != t.size()) return;
  std::string out;
  for (char c : t) if (c != sep) out += c;
  *s = out;
}

// "..., ..." at the end of a list: "1, 2, 3, ..." or "1,2,...".
bool ListEllipsis(const std::string& t) {
  if (t.size() < 4 || t.compare(t.size() - 3, 3, "...") != 0) return false;
  size_t k = t.find_last_not_of(". ");
  return k != std::string::npos && t[k] == ',';
}

std::string_view TrimView(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string Normalize(std::string_view raw) {
  std::string_view v = TrimView(raw);
  if (v.size() >= 4 && (StartsAt(v, 0, "\\(") || StartsAt(v, 0, "\\[")))
    v = TrimView(v.substr(2, v.size() - 4));
  std::string collapsed;  // most answers hold no doubled backslash: no copy
  if (v.find("\\\\") != std::string_view::npos) {
    collapsed = CollapseDoubledCommands(v);
    v = collapsed;
  }
  std::string degrees;  // degree marks inside trig arguments become pi/180
  if (v.find("\\circ") != std::string_view::npos || v.find("\xc2\xb0") != std::string_view::npos ||
      v.find("\\degree") != std::string_view::npos) {
    degrees = TrigDegrees(v);
    v = degrees;
  }
  std::string s = ApplyAliases(v);
  for (char& c : s)
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  ClockTime(&s);
  CasesSystem(&s);
  s = UnwrapText(s);
  std::string t(TrimView(s));
  // Trailing sentence punctuation, "\\" line breaks and a lone final "\" (a
  // control space "\ " cut by trimming; nothing follows it to make a command).
  while (!t.empty()) {
    char c = t.back();
    if (ListEllipsis(t)) break;  // "1, 2, 3, ..." continues: not a period
    if (c == '.' || c == ' ' || c == ';' || c == ',' || c == '\\') {
      t.pop_back();
      if (c == '\\' && !t.empty() && t.back() == '\\') t.pop_back();
    } else {
      break;
    }
  }
  StripTrailingUnit(&t);
  ConnectivesToCommas(&t);
  SemicolonsToCommas(&t);
  BracesToSet(&t);
  StripThousands(&t);
  StripMembership(&t);
  StripOptionText(&t);
  return std::string(TrimView(t));
}

std::string StringKey(std::string_view normalized) {
  std::string k;
  k.reserve(normalized.size());
  bool alpha_only = true;
  for (char c : normalized) {
    if (c == ' ') continue;
    if (!IsAlpha(c)) alpha_only = false;
    k += c;
  }
  if (alpha_only && k.size() >= 2)
    for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

}  // namespace upt::verifiers
