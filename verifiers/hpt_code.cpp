// The HPT fork's training reward (reward_impl_version 6), transcribed from its
// behaviour, not its code. Source: TsinghuaC3I/Unify-Post-Training,
// hpt/verl/verl/mix_src/entropy_math/__init__.py (the same file as verl's
// recipe/entropy/reward_score/entropy_math/__init__.py @246cac4c; line numbers
// below are that file's), itself adapted from Dr. GRPO's math_grader.py.
// compute_score(response, gold) with fast=False (:1027-1062):
//   1. pred = content of the last "\boxed{...}" (:913-955); none -> 0 (boxing
//      required). A gold containing "\boxed" is reduced the same way (:1014-1015).
//   2. 1 if Hendrycks-normalised strings are equal (grade_answer_mathd :997,
//      _strip_string :220-378 with its unit words: MathdNormalize below);
//   3. else 1 if the sympy grader accepts (grade_answer_sympy :957-994): its
//      own normalisation (_normalize :783-853: SympyNormalize), tuples split
//      element-wise with matching brackets, unreduced fractions exact,
//      integer vs non-integer strict, otherwise simplify(gold - pred) == 0
//      (hpt_math.h SympyDiffIsZero);
//   4. else 1 if Math-Verify's verify(parse(gold), parse(pred)) accepts
//      (is_latex_equal :629-679; hpt_math.h MathVerifyEqual), skipped when
//      either side is over 128 characters and repetitive.
// Steps 2-4 never call upt's own normalisation, parser or equivalence rules,
// so hpt_code verdicts do not move when upt's rules change; the stand-ins for
// sympy, pylatexenc and latex2sympy are listed in docs/verifiers.md.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "verifiers/expr.h"
#include "verifiers/hpt_math.h"
#include "verifiers/hpt_units.h"
#include "verifiers/reward.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

// Answers longer than this skip the regex normalisations (compared as
// trimmed text in steps 2-3) and the repetition measure.
constexpr size_t kMaxRegexBytes = 2000;

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  size_t at = 0;
  while ((at = s->find(from, at)) != std::string::npos) {
    s->replace(at, from.size(), to);
    at += to.size();
  }
}

// std::regex_replace(*s, re, fmt), run only when s holds `needle`, a literal
// every match of `re` contains (so skipping it cannot change the result).
void RegexReplaceIf(std::string* s, std::string_view needle, const std::regex& re, const char* fmt) {
  if (s->find(needle) != std::string::npos) *s = std::regex_replace(*s, re, fmt);
}

// ReplaceAll for each (from, to) pair in order (the fork's chains of str.replace).
void ReplaceEach(std::string* s, std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  for (const auto& [from, to] : pairs) ReplaceAll(s, from, to);
}

// Python's str.strip() (ASCII whitespace, as isspace in the C locale).
std::string Strip(std::string_view s) { return std::string(Trim(s)); }

// "^\\text\{(.+?)\}$": the whole string is one \text{...} (non-empty).
bool WholeText(const std::string& s, std::string* inner) {
  if (s.size() < 8 || s.compare(0, 6, "\\text{") != 0 || s.back() != '}') return false;
  *inner = s.substr(6, s.size() - 7);
  return true;
}

// Hendrycks' _strip_string as the fork extends it. False when the fork's
// version raises (then the answer is compared as given).
bool StripString(std::string s, std::string* out) {
  ReplaceEach(&s, {{"\n", ""}, {"\\!", ""}, {"\\\\", "\\"}});
  static const std::regex kArray("\\\\begin\\{array\\}\\{.*?\\}"), kEndArray("\\\\end\\{array\\}");
  RegexReplaceIf(&s, "\\begin{array}{", kArray, "\\begin{pmatrix}");
  RegexReplaceIf(&s, "\\end{array}", kEndArray, "\\end{pmatrix}");
  ReplaceEach(&s, {{"bmatrix", "pmatrix"}, {"tfrac", "frac"}, {"dfrac", "frac"}, {"\\neq", "\\ne"},
               {"\\leq", "\\le"}, {"\\geq", "\\ge"}, {"\\left", ""}, {"\\right", ""}});
  // A trailing \text{...} (from the first "\text{" when the string ends in "}").
  size_t t = s.find("\\text{");
  if (t != std::string::npos && !s.empty() && s.back() == '}') {
    std::string cut = Strip(s.substr(0, t));
    if (!cut.empty()) s = cut;
  }
  // Unit words as whole words, the fork's list twice over; a deletion that would empty s is not made.
  // Deletions only remove bytes, so the bytes present at the start bound what can match later.
  bool present[256] = {};
  for (char c : s) present[static_cast<unsigned char>(c)] = true;
  std::string r;
  for (int round = 0; round < 2; ++round)
    for (const std::string& word : hpt::MathdUnitWords()) {
      char first = word[0] == ' ' ? word[1] : word[0];
      if (!present[static_cast<unsigned char>(first)]) continue;  // cannot match
      if (hpt::StripWholeWord(s, word, &r) && !r.empty()) s.swap(r);
    }
  ReplaceEach(&s, {{"^{\\circ}", ""}, {"^\\circ", ""}, {"\\$", ""}});
  size_t unit = s.find("\\text{ ");
  if (unit != std::string::npos) {
    if (s.find("\\text{ ", unit + 1) != std::string::npos) return false;  // the fork asserts two parts
    s = s.substr(0, unit);
  }
  ReplaceEach(&s, {{"\\%", ""}, {" .", " 0."}, {"{.", "{0."}});
  if (s.empty()) {
    *out = s;
    return true;
  }
  if (s[0] == '.') s = "0" + s;
  size_t eq = s.find('=');
  if (eq != std::string::npos && s.find('=', eq + 1) == std::string::npos && eq <= 2) s = s.substr(eq + 1);
  // \sqrt3 -> \sqrt{3}
  if (s.find("\\sqrt") != std::string::npos) {
    std::string r;
    size_t at = s.find("\\sqrt");
    r = s.substr(0, at);
    while (at != std::string::npos) {
      size_t next = s.find("\\sqrt", at + 5);
      std::string part = s.substr(at + 5, next == std::string::npos ? std::string::npos : next - at - 5);
      if (part.empty()) return false;  // the fork indexes part[0]
      r += part[0] != '{' ? "\\sqrt{" + part.substr(0, 1) + "}" + part.substr(1) : "\\sqrt" + part;
      at = next;
    }
    s = r;
  }
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  // \frac12 -> \frac{1}{2}, \frac1{72} -> \frac{1}{72}
  if (s.find("\\frac") != std::string::npos) {
    std::string r;
    size_t at = s.find("\\frac");
    r = s.substr(0, at);
    bool ok = true;
    while (at != std::string::npos && ok) {
      size_t next = s.find("\\frac", at + 5);
      std::string part = s.substr(at + 5, next == std::string::npos ? std::string::npos : next - at - 5);
      r += "\\frac";
      if (part.empty()) return false;
      if (part[0] == '{') r += part;
      else if (part.size() < 2) ok = false;
      else if (part[1] != '{') r += "{" + part.substr(0, 1) + "}{" + part.substr(1, 1) + "}" + part.substr(2);
      else r += "{" + part.substr(0, 1) + "}" + part.substr(1);
      at = next;
    }
    if (ok) s = r;
  }
  if (s == "0.5") s = "\\frac{1}{2}";
  // a/b of two canonical integers -> \frac{a}{b}
  size_t slash = s.find('/');
  if (slash != std::string::npos && s.find('/', slash + 1) == std::string::npos) {
    static const std::regex kInt("-?(0|[1-9][0-9]*)");
    std::string a = s.substr(0, slash), b = s.substr(slash + 1);
    if (std::regex_match(a, kInt) && std::regex_match(b, kInt) && a != "-0" && b != "-0")
      s = "\\frac{" + a + "}{" + b + "}";
  }
  *out = s;
  return true;
}

std::string MathdNormalize(std::string_view answer) {
  std::string s = Strip(answer), inner;
  if (s.size() > kMaxRegexBytes) return s;  // std::regex recursion grows with the input
  if (WholeText(s, &inner)) s = Strip(inner);
  std::string out;
  return StripString(s, &out) ? out : s;
}

// Python float() of a whole string (strip, underscores between digits, inf/nan).
bool PyFloat(std::string s, double* out) {
  s = Strip(s);
  if (s.empty()) return false;
  std::string t;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
        std::isdigit(static_cast<unsigned char>(s[i + 1])))
      continue;
    t += s[i];
  }
  static const std::regex kFloat("[+-]?(([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)",
                                 std::regex::icase);
  if (!std::regex_match(t, kFloat)) return false;
  *out = std::strtod(t.c_str(), nullptr);
  return true;
}

bool NearInt(double x) { return std::isfinite(x) && std::abs(x - std::round(x)) <= 1e-7; }

std::string StripThousands(std::string s) {
  static const std::regex kComma("(\\d)(,)(\\d\\d\\d)($|\\D)");
  while (true) {
    if (s.find(',') == std::string::npos) return s;  // the pattern needs a comma
    std::string r = std::regex_replace(s, kComma, "$1$3$4");
    if (r == s) return r;
    s = r;
  }
}

bool StrIsInt(const std::string& s) {
  double x;
  return PyFloat(StripThousands(s), &x) && NearInt(x);
}

// Python int(float(x)) printed: truncation toward zero.
std::string IntString(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", std::trunc(x));
  return buf;
}

// A reduced LaTeX-to-text step (the fork uses pylatexenc's latex2text):
// \frac{a}{b} -> (a)/(b), \sqrt{x} -> sqrt(x) (pylatexenc's √(x) after the
// fork's "√" -> "sqrt"), \pi -> pi, \infty -> inf,
// \cdot / \times -> *, \cup -> U, \text-like wrappers unwrapped, other
// commands lose their backslash.
std::string LatexToText(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    size_t j = i + 1;
    while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
    std::string cmd = s.substr(i + 1, j - i - 1);
    i = j - 1;
    if (cmd == "frac") out += " ";
    else if (cmd == "pi") out += "pi";
    else if (cmd == "infty") out += "inf";
    else if (cmd == "cdot" || cmd == "times") out += "*";
    else if (cmd == "cup") out += "U";
    else if (cmd == "sqrt") out += "sqrt";
    else if (cmd == "left" || cmd == "right" || cmd == "text" || cmd == "mathrm" || cmd == "textbf" ||
             cmd == "mbox" || cmd.empty())
      continue;
    else out += cmd;
  }
  // "{a}{b}" after a fraction -> "(a)/(b)"; remaining groups -> parentheses.
  static const std::regex kFrac(" \\{([^{}]*)\\}\\{([^{}]*)\\}"), kSqrt("sqrt\\{([^{}]*)\\}");
  std::string prev;
  do {
    prev = out;
    RegexReplaceIf(&out, " {", kFrac, "($1)/($2)");
    RegexReplaceIf(&out, "sqrt{", kSqrt, "sqrt($1)");
  } while (out != prev);
  return Strip(out);
}

std::string SympyNormalize(std::string expr) {
  if (expr.size() > kMaxRegexBytes) return Strip(expr);
  std::string inner;
  if (WholeText(expr, &inner)) expr = inner;
  ReplaceEach(&expr, {{"\\%", "%"}, {"\\$", "$"}, {"$", ""}, {"%", ""}, {" or ", " , "}, {" and ", " , "},
               {"million", "*10^6"}, {"billion", "*10^9"}, {"trillion", "*10^12"}});
  for (const std::string& unit : hpt::SympyUnitWords()) expr = hpt::StripUnitWithPower(expr, unit);
  static const std::regex kCirc("\\^ *\\\\circ"), kThin(",\\\\! *"), kMinus("- *"), kMixed("([0-9]) +([0-9])");
  RegexReplaceIf(&expr, "\\circ", kCirc, "");
  if (expr.size() > 0 && expr.front() == '{' && expr.back() == '}') expr = expr.substr(1, expr.size() - 2);
  RegexReplaceIf(&expr, ",\\!", kThin, "");
  double x;
  if (PyFloat(expr, &x) && NearInt(x)) expr = IntString(std::round(x));
  if (expr.find('\\') != std::string::npos) expr = LatexToText(expr);
  RegexReplaceIf(&expr, "- ", kMinus, "-");  // "-" without spaces is replaced by itself
  RegexReplaceIf(&expr, " ", kMixed, "$1+$2");
  std::string r;
  for (char c : expr)
    if (c != ' ' && c != '{' && c != '}') r += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (StrIsInt(r)) {
    std::string t = r;
    t.erase(std::remove(t.begin(), t.end(), ','), t.end());
    if (PyFloat(t, &x) && std::isfinite(x)) r = IntString(x);
  }
  return r;
}

std::vector<std::string> SplitTuple(const std::string& e) {
  std::string s = StripThousands(e);
  if (s.empty()) return {};
  const std::string kBrackets = "()[]";
  if (s.size() > 2 && kBrackets.find(s.front()) != std::string::npos && kBrackets.find(s.back()) != std::string::npos &&
      s.substr(1, s.size() - 2).find_first_of(kBrackets) == std::string::npos) {
    std::vector<std::string> out;
    std::string mid = s.substr(1, s.size() - 2);
    size_t b = 0;
    while (true) {
      size_t c = mid.find(',', b);
      out.push_back(Strip(mid.substr(b, c == std::string::npos ? std::string::npos : c - b)));
      if (c == std::string::npos) break;
      b = c + 1;
    }
    return out;
  }
  return {s};
}

bool IsFrac(const std::string& s) {
  static const std::regex kFrac("-?[0-9]+.?/0*[1-9][0-9]*.?");
  return std::regex_match(s, kFrac);
}

// The fork refuses to evaluate text with more than two distinct letters,
// "^{" / "^(", and some exponent shapes (sympy might hang).
bool AllowEval(const std::string& expr) {
  std::string e = expr;
  ReplaceAll(&e, "sqrt", "");
  ReplaceAll(&e, "frac", "");
  std::string letters;
  for (char c : e)
    if (std::isalpha(static_cast<unsigned char>(c)) && letters.find(c) == std::string::npos) letters += c;
  if (letters.size() > 2) return false;
  if (expr.find("^{") != std::string::npos || expr.find("^(") != std::string::npos) return false;
  static const std::regex kBad1("\\^[0-9]+\\^"), kBad2("\\^[0-9][0-9]+");
  return !std::regex_search(expr, kBad1) && !std::regex_search(expr, kBad2);
}

bool SympyGrade(const std::string& given, const std::string& gold, Budget* budget) {
  std::string g = SympyNormalize(gold), p = SympyNormalize(given);
  if (g == p) return true;
  if (p.empty() || g.size() > kMaxRegexBytes || p.size() > kMaxRegexBytes) return false;
  std::vector<std::string> ge = SplitTuple(g), pe = SplitTuple(p);
  if (ge.size() > 1 && (g.front() != p.front() || g.back() != p.back())) return false;
  if (ge.size() != pe.size()) return false;
  for (size_t i = 0; i < ge.size(); ++i) {
    bool ok;
    if (IsFrac(ge[i]) && IsFrac(pe[i])) ok = ge[i] == pe[i];
    else if (StrIsInt(ge[i]) != StrIsInt(pe[i])) ok = false;
    else ok = AllowEval("(" + ge[i] + ")-(" + pe[i] + ")") && hpt::SympyDiffIsZero(ge[i], pe[i], budget);
    if (!ok) return false;
  }
  return true;
}

// The fork's "repeatness": sum of the LCP array over n(n+1)/2 above 0.2.
bool Repetitive(std::string_view s) {
  size_t n = s.size();
  if (n <= 1 || n > kMaxRegexBytes) return false;  // bounded work; step 4 has its own budget
  std::vector<size_t> sa(n);
  for (size_t i = 0; i < n; ++i) sa[i] = i;
  std::sort(sa.begin(), sa.end(), [&](size_t a, size_t b) { return s.substr(a) < s.substr(b); });
  double sum = 0;
  for (size_t k = 1; k < n; ++k) {
    size_t a = sa[k - 1], b = sa[k], l = 0;
    while (a + l < n && b + l < n && s[a + l] == s[b + l]) ++l;
    sum += static_cast<double>(l);
  }
  return sum * 2 / (static_cast<double>(n) * static_cast<double>(n + 1)) > 0.2;
}

}  // namespace

bool HptLastBoxed(std::string_view text, std::string* out) {
  size_t idx = text.rfind("\\boxed");
  if (idx == std::string_view::npos) idx = text.rfind("\\fbox");
  if (idx == std::string_view::npos) return false;
  long depth = 0;
  for (size_t i = idx; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}' && --depth == 0) {
      std::string_view box = text.substr(idx, i + 1 - idx);
      if (box.substr(0, 7) != "\\boxed{") return false;  // \fbox{..}, "\boxed {": no answer
      *out = std::string(box.substr(7, box.size() - 8));
      return true;
    }
  }
  return false;
}

Verdict GradeHptCode(std::string_view gold, std::string_view completion, const VerifyOptions& opts) {
  Verdict v;
  try {
    std::string pred;
    if (!HptLastBoxed(completion, &pred)) {
      v.reason = "hpt_no_boxed";
      return v;
    }
    v.extracted = pred;
    std::string g(gold);
    if (g.find("\\boxed") != std::string::npos && !HptLastBoxed(gold, &g)) {
      v.reason = "hpt_wrong";
      return v;
    }
    Budget budget;
    budget.left = opts.step_budget;
    if (MathdNormalize(pred) == MathdNormalize(g)) {
      v.correct = true;
      v.reason = "hpt_mathd";
    } else if (SympyGrade(pred, g, &budget)) {
      v.correct = true;
      v.reason = "hpt_sympy";
    } else if (!(pred.size() > 128 && Repetitive(pred)) && !(g.size() > 128 && Repetitive(g)) &&
               hpt::MathVerifyEqual(g, pred, &budget)) {
      v.correct = true;
      v.reason = "hpt_symbolic";
    } else {
      v.reason = "hpt_wrong";
    }
  } catch (...) {
    v.correct = false;
    v.reason = "internal_error";
  }
  return v;
}

}  // namespace upt::verifiers
