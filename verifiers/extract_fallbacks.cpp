// The last-resort extraction rules (see extract_rules.h): a whole completion
// that is a bare answer, the last math span, the last number.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/extract_rules.h"

namespace upt::verifiers::extract_detail {
namespace {

constexpr size_t kMaxWordsAfterMath = 40;  // "$5$ square units." still ends the text
constexpr int kMaxJoinedSpans = 16;
constexpr size_t kMaxWholeAnswer = 64;
constexpr size_t kMaxWholeEnvironment = 400;  // "\\begin{pmatrix} .. \\end{pmatrix}" alone
constexpr size_t kMaxConnective = 8;  // ", and " between joined spans
constexpr size_t kMaxNameGap = 80;    // "$27$ miles from City $A$"

// Index of the '=' after which the last part of a chain "a = b = c" starts,
// or npos when there are fewer than two top-level '='.
size_t LastChainEquals(std::string_view m) {
  int depth = 0, count = 0;
  size_t last = std::string_view::npos;
  for (size_t k = 0; k < m.size(); ++k) {
    char c = m[k];
    if (c == '\\' && k + 1 < m.size()) { ++k; continue; }
    if (c == '{' || c == '(' || c == '[') ++depth;
    else if ((c == '}' || c == ')' || c == ']') && depth > 0) --depth;
    else if (c == ',' && depth == 0) return std::string_view::npos;  // a list of equations
    else if (c == '=' && depth == 0) { ++count; last = k; }
  }
  return count >= 2 ? last : std::string_view::npos;
}

// A math span $..$, $$..$$, \\(..\\) or \\[..\\]: s[open, end) with the
// content s[b, e).
struct Span {
  size_t open = std::string_view::npos, b = 0, e = 0, end = 0;
};

// The last span that closes at or before `limit`, with its closing delimiter
// at or after `from`; open == npos when none.
Span LastSpan(std::string_view s, size_t limit, size_t from = 0) {
  Span sp;
  std::string_view head = s.substr(0, limit);
  size_t close = std::string_view::npos, width = 1;
  std::string_view open_tok;
  for (std::string_view tok : {std::string_view("\\)"), std::string_view("\\]")}) {
    size_t at = RFind(head, tok, head.size(), std::min(from, head.size()));
    if (at != std::string_view::npos && (close == std::string_view::npos || at > close)) {
      close = at;
      width = 2;
      open_tok = tok[1] == ')' ? "\\(" : "\\[";
    }
  }
  size_t dollar = head.rfind('$');
  while (dollar != std::string_view::npos && dollar > 0 && head[dollar - 1] == '\\')
    dollar = dollar >= 2 ? head.rfind('$', dollar - 2) : std::string_view::npos;
  if (dollar != std::string_view::npos && (close == std::string_view::npos || dollar > close)) {
    bool dd = dollar > 0 && head[dollar - 1] == '$';
    close = dd ? dollar - 1 : dollar;
    width = dd ? 2 : 1;
    open_tok = dd ? "$$" : "$";
  }
  if (close == std::string_view::npos || close == 0 || close < from) return sp;
  size_t open = RFind(head, open_tok, close);
  if (open == std::string_view::npos) return sp;
  sp.open = open;
  sp.b = open + open_tok.size();
  sp.e = close;
  sp.end = close + width;
  return sp;
}

// Text between two spans that only joins them: ",", "and", ", or", "&".
bool Connective(std::string_view t) {
  if (t.find('\n') != std::string_view::npos) return false;  // spans on separate lines
  t = Trim(t);
  if (!t.empty() && t.front() == ',') t = Trim(t.substr(1));
  return t.empty() || t == "and" || t == "or" || t == "&";
}

// A span naming a variable, not a value: "$N$", "$A$", "$\\theta$".
bool NameOnly(std::string_view m) {
  m = Trim(m);
  if (m.size() == 1) return std::isalpha(static_cast<unsigned char>(m[0])) != 0;
  if (m.size() < 2 || m[0] != '\\') return false;
  for (size_t k = 1; k < m.size(); ++k)
    if (!std::isalpha(static_cast<unsigned char>(m[k]))) return false;
  return true;
}

// Text ending in "for", "for all", "where", "when", "if", "with" or "(for":
// the span after it is a condition ("$f(x) = 2x$ for all $x > 0$").
bool IntroducesCondition(std::string_view before) {
  size_t e = before.find_last_not_of(" (");
  if (e == std::string_view::npos) return false;
  before = before.substr(0, e + 1);
  for (std::string_view w : {"for", "for all", "for every", "where", "when", "whenever", "if",
                             "with", "provided", "unless"}) {
    if (before.size() < w.size() || before.substr(before.size() - w.size()) != w) continue;
    size_t at = before.size() - w.size();
    if (at == 0 || !std::isalpha(static_cast<unsigned char>(before[at - 1]))) return true;
  }
  return false;
}

// One span's answer: the last part of a chain "y = 2 + 3 = 5" (not of a list
// "a = 2, h = -1"), without a leading "=" ("Area $= \\sqrt{1944}$").
std::string_view SpanAnswer(std::string_view inner) {
  inner = Trim(inner);
  size_t eq = LastChainEquals(inner);
  if (eq != std::string_view::npos) inner = Trim(inner.substr(eq + 1));
  if (!inner.empty() && inner.front() == '=') inner = Trim(inner.substr(1));
  return inner;
}

// Start of "\\frac{a}{b}" (or \\dfrac, \\tfrac) when s[b, e) is its
// denominator b written in digits and a is digits too; npos otherwise.
size_t FracAround(std::string_view s, size_t b, size_t e) {
  if (b < 2 || e >= s.size() || s[b - 1] != '{' || s[e] != '}' || s[b - 2] != '}') return std::string_view::npos;
  size_t open = s.rfind('{', b - 2);
  if (open == std::string_view::npos || open + 1 >= b - 2) return std::string_view::npos;
  for (size_t k = open + 1; k < b - 2; ++k)
    if (!IsDigit(s[k]) && s[k] != '.') return std::string_view::npos;
  for (std::string_view cmd : {"\\frac", "\\dfrac", "\\tfrac"})
    if (open >= cmd.size() && s.substr(open - cmd.size(), cmd.size()) == cmd) return open - cmd.size();
  return std::string_view::npos;
}

// s[b, e) numbers an item of a list: first on its line (after spaces, "*" or
// "#"), then "." or ")" and a word ("**5. FORMAT:**", "2) Solve for x").
// It counts steps, it is not an answer.
bool ListMarker(std::string_view s, size_t b, size_t e) {
  size_t k = b;
  while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '*' || s[k - 1] == '#')) --k;
  if (k > 0 && s[k - 1] != '\n') return false;
  if (e + 1 >= s.size() || (s[e] != '.' && s[e] != ')') || (s[e + 1] != ' ' && s[e + 1] != '*')) return false;
  size_t w = e + 1;
  while (w < s.size() && (s[w] == ' ' || s[w] == '*')) ++w;
  return w < s.size() && IsAlpha(s[w]);
}

}  // namespace

// The last math span when only a few words follow it: "So the point is
// $(15, -29)$.", "... is $3 \\times 10^8$ m/s." A trailing name span is
// skipped ("$27$ miles from City $A$."); spans joined only by "and", "or" or
// commas are one answer list ("$x=-2$ and $x=5$" -> "x=-2, x=5").
void AddLastMath(std::string_view s, size_t base, std::vector<Candidate>* out) {
  Span last = LastSpan(s, s.size());
  if (last.open == std::string_view::npos) return;
  std::string_view after = Trim(s.substr(last.end));
  if (after.size() > kMaxWordsAfterMath || after.find_first_of("0123456789$\n") != std::string_view::npos)
    return;
  if (NameOnly(s.substr(last.b, last.e - last.b)) || IntroducesCondition(s.substr(0, last.open))) {
    Span prev = LastSpan(s, last.open, last.open > kMaxNameGap ? last.open - kMaxNameGap : 0);
    std::string_view gap = s.substr(prev.end, last.open - prev.end);
    if (prev.open != std::string_view::npos && gap.find_first_of("0123456789\n") == std::string_view::npos)
      last = prev;
  }
  std::vector<Span> spans{last};
  for (int k = 0; k < kMaxJoinedSpans; ++k) {
    size_t at = spans.back().open;
    Span prev = LastSpan(s, at, at > kMaxConnective ? at - kMaxConnective : 0);
    if (prev.open == std::string_view::npos || !Connective(s.substr(prev.end, spans.back().open - prev.end)))
      break;
    spans.push_back(prev);
  }
  std::string text;
  for (size_t k = spans.size(); k-- > 0;) {
    std::string_view a = SpanAnswer(s.substr(spans[k].b, spans[k].e - spans[k].b));
    if (a.empty()) return;
    if (!text.empty()) text += ", ";
    text += a;
  }
  // Prose typed inside one math span, without a command ("$? just about 1$"):
  // its one number is the answer (lighteval test_extractive_match.py:246).
  if (spans.size() == 1 && text.find('\\') == std::string::npos && ProseWithOneNumber(text)) {
    std::vector<Candidate> num;
    AddLastNumber(text, 0, &num);
    if (!num.empty()) {
      out->push_back({std::move(num[0].text), "last_math", base + spans.back().b});
      return;
    }
  }
  out->push_back({std::move(text), "last_math", base + spans.back().b});
}

// The last number that is not part of a word ("AZYUK2A" has none): "-1,250.5",
// "3/4", ".4", "10km" (a unit glued after the number).
void AddLastNumber(std::string_view s, size_t base, std::vector<Candidate>* out) {
  size_t j = s.size();
  for (;;) {
    while (j > 0 && !IsDigit(s[j - 1])) --j;
    if (j == 0) return;
    size_t e = j, b = j;
    while (b > 0 && (IsDigit(s[b - 1]) || ((s[b - 1] == '.' || s[b - 1] == ',' || s[b - 1] == '/') &&
                                           b >= 2 && IsDigit(s[b - 2]))))
      --b;
    // A letter right before the digits makes them part of a word or name
    // ("AZYUK2A", "x2"); letters after are a unit ("1,000.99m²", "5cm").
    bool in_word = b > 0 && IsAlpha(s[b - 1]);
    if (in_word || ListMarker(s, b, e)) {
      j = b;
      continue;
    }
    if (b > 0 && s[b - 1] == '.') --b;
    size_t frac = FracAround(s, b, e);  // "\\frac{2}{5}" is one number, not 5
    if (frac != std::string_view::npos) {
      b = frac;
      e = s.find('}', e) + 1;
    }
    if (b > 0 && s[b - 1] == '-') --b;
    out->push_back({std::string(s.substr(b, e - b)), "last_number", base + b});
    return;
  }
}

// A completion that is only a short answer ("\\frac{10}{9}", "-5", "1 000"):
// at most kMaxWholeAnswer bytes on one line, and no English words.
void AddWholeAnswer(std::string_view s, size_t base, std::vector<Candidate>* out) {
  std::string_view t = Trim(s);
  size_t end_env = t.rfind("\\end{");
  bool env = t.rfind("\\begin{", 0) == 0 && t.size() <= kMaxWholeEnvironment && t.back() == '}' &&
             end_env != std::string_view::npos && t.size() - end_env <= 20;
  if (t.empty() || (t.size() > kMaxWholeAnswer && !env) || t.find('\n') != std::string_view::npos) return;
  if (std::count(t.begin(), t.end(), '{') != std::count(t.begin(), t.end(), '}')) return;  // "\\boxed{5"
  if (!env && HasWord(t)) return;  // environment names ("pmatrix") are not words
  out->push_back({std::string(t), "whole_answer", base + static_cast<size_t>(t.data() - s.data())});
}

}  // namespace upt::verifiers::extract_detail
