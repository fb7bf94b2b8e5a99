// Answer extraction from a completion. Rules in priority order; only the
// candidates of the first rule that matches are returned (the first candidate
// decides; within a rule the last occurrence comes first):
//   1. \boxed{..} / \boxed .. / \fbox{..}  (nested braces)    rule "boxed"
//   2. <answer>..</answer>                                      rule "answer_tag"
//   3. "final answer is/:", "the answer is", "ANSWER:"          rule "answer_is"
//   4. the whole text after </think> when it is short            rule "after_think"
//   5. the last math span ($..$, $$..$$, \(..\), \[..\]) when it ends the
//      text but for words (policy "default" only)               rule "last_math"
//   6. the last number (policy "default" only)                  rule "last_number"
// When </think> is present only the text after it is searched.
// Linear time; at most kMaxBoxed boxed groups are scanned.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

constexpr int kMaxBoxed = 3;
constexpr size_t kMaxAfterThink = 200;
constexpr size_t kMaxWordsAfterMath = 40;  // "$5$ square units." still ends the text
constexpr int kMaxJoinedSpans = 16;
constexpr size_t kMaxConnective = 8;  // ", and " between joined spans
constexpr size_t kMaxNameGap = 80;    // "$27$ miles from City $A$"

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Content of the brace group opening at s[open] (which is '{'); npos-safe.
bool BraceGroup(std::string_view s, size_t open, std::string_view* inner) {
  long depth = 0;
  for (size_t j = open; j < s.size(); ++j) {
    char c = s[j];
    if (c == '\\' && j + 1 < s.size() && (s[j + 1] == '{' || s[j + 1] == '}')) { ++j; continue; }
    if (c == '{') ++depth;
    else if (c == '}' && --depth == 0) {
      *inner = s.substr(open + 1, j - open - 1);
      return true;
    }
  }
  return false;
}

// Last occurrence of `needle` (starting with a rare byte) in s strictly
// before `end`: memrchr on the first byte, then compare. Linear in practice.
// Only starts at or after `lo` count.
size_t RFind(std::string_view s, std::string_view needle, size_t end, size_t lo = 0) {
  if (end < needle.size() || needle.empty()) return std::string_view::npos;
  size_t limit = end - needle.size() + 1;  // candidate starts are < limit
  while (limit > lo) {
    const void* p = memrchr(s.data() + lo, needle[0], limit - lo);
    if (!p) return std::string_view::npos;
    size_t at = static_cast<size_t>(static_cast<const char*>(p) - s.data());
    if (s.compare(at, needle.size(), needle) == 0) return at;
    limit = at;
  }
  return std::string_view::npos;
}

// Last backslash command "\boxed" or "\fbox" before `end`.
size_t RFindBox(std::string_view s, size_t end, bool* is_boxed) {
  size_t limit = end;
  while (limit > 0) {
    const void* p = memrchr(s.data(), '\\', limit);
    if (!p) return std::string_view::npos;
    size_t at = static_cast<size_t>(static_cast<const char*>(p) - s.data());
    if (s.compare(at + 1, 5, "boxed") == 0) { *is_boxed = true; return at; }
    if (s.compare(at + 1, 4, "fbox") == 0) { *is_boxed = false; return at; }
    limit = at;
  }
  return std::string_view::npos;
}

void AddBoxed(std::string_view s, size_t base, std::vector<Candidate>* out) {
  size_t end = s.size();
  int found = 0, tries = 0;
  // Bounded attempts: 100k unclosed "\boxed{" must not scan the text 100k times.
  while (found < kMaxBoxed && tries++ < 2 * kMaxBoxed) {
    bool is_boxed = false;
    size_t at = RFindBox(s, end, &is_boxed);
    if (at == std::string_view::npos) return;
    end = at;
    size_t k = at + (is_boxed ? 6 : 5);
    while (k < s.size() && s[k] == ' ') ++k;
    std::string_view inner;
    if (k < s.size() && s[k] == '{') {
      if (!BraceGroup(s, k, &inner)) continue;
    } else if (k > at + 6 && k < s.size() && is_boxed && s[k - 1] == ' ') {
      size_t e = k;  // "\boxed 5": up to whitespace or '$'
      while (e < s.size() && s[e] != '$' && s[e] != ' ' && s[e] != '\n') ++e;
      inner = s.substr(k, e - k);
    } else {
      continue;
    }
    inner = Trim(inner);
    if (inner.empty()) continue;
    out->push_back({std::string(inner), "boxed", base + at});
    ++found;
  }
}

void AddAnswerTag(std::string_view s, size_t base, std::vector<Candidate>* out) {
  size_t close = s.rfind("</answer>");
  if (close == std::string_view::npos) return;
  size_t open = RFind(s, "<answer>", close);
  if (open == std::string_view::npos) return;
  std::string_view inner = Trim(s.substr(open + 8, close - open - 8));
  if (!inner.empty()) out->push_back({std::string(inner), "answer_tag", base + open});
}

// Text that offers another answer: "or $39$", ", or 39", "and 7".
bool StartsAlternative(std::string_view rest) {
  size_t k = 0;
  while (k < rest.size() && (rest[k] == ' ' || rest[k] == ',')) ++k;
  rest = rest.substr(k);
  bool word = rest.compare(0, 3, "or ") == 0 || rest.compare(0, 4, "and ") == 0;
  return word && rest.find_first_of("$0123456789") != std::string_view::npos;
}

// The answer text after a phrase: to the end of the line, or the first
// $..$ group, without a sentence-final period.
std::string_view PhraseTail(std::string_view s, size_t from) {
  size_t k = from;
  while (k < s.size() && (s[k] == ' ' || s[k] == ':' || s[k] == '*')) ++k;
  size_t eol = s.find('\n', k);
  if (eol == std::string_view::npos) eol = s.size();
  std::string_view line = s.substr(k, eol - k);
  if (!line.empty() && line[0] == '$') {
    bool dd = line.size() > 1 && line[1] == '$';
    size_t close = line.find(dd ? "$$" : "$", dd ? 2 : 1);
    // "$44$ or $39$" is a hedge: the whole clause is the answer (and matches nothing).
    if (close != std::string_view::npos && !StartsAlternative(line.substr(close + (dd ? 2 : 1))))
      return Trim(line.substr(dd ? 2 : 1, close - (dd ? 2 : 1)));
  }
  if (line.size() > 2 && line[0] == '\\' && (line[1] == '(' || line[1] == '[')) {
    size_t close = line.find(line[1] == '(' ? "\\)" : "\\]");
    if (close != std::string_view::npos) return Trim(line.substr(2, close - 2));
  }
  // Cut at a sentence end: ". " or a period at the end (not a decimal point).
  for (size_t j = 0; j < line.size(); ++j) {
    if (line[j] == '.' && (j + 1 == line.size() || line[j + 1] == ' ') &&
        !(j > 0 && IsDigit(line[j - 1]) && j + 1 < line.size() && IsDigit(line[j + 1]))) {
      line = line.substr(0, j);
      break;
    }
  }
  while (!line.empty() && (line.back() == '*' || line.back() == ' ')) line.remove_suffix(1);
  return Trim(line);
}

void AddLastMath(std::string_view s, size_t base, std::vector<Candidate>* out);

void AddAnswerPhrase(std::string_view s, size_t base, std::vector<Candidate>* out) {
  // Last "answer" (any case) followed by " is" or ":"; one backward scan.
  for (size_t i = s.size(); i-- > 0;) {
    if ((s[i] | 0x20) != 'a' || s.size() - i < 6) continue;
    bool word = true;
    for (size_t j = 1; j < 6 && word; ++j) word = (s[i + j] | 0x20) == "answer"[j];
    if (!word) continue;
    size_t k = i + 6;
    while (k < s.size() && s[k] == '*') ++k;  // "**Answer**:"
    size_t from;
    if (s.compare(k, 3, " is") == 0 && !(k + 3 < s.size() && std::isalpha(static_cast<unsigned char>(s[k + 3]))))
      from = k + 3;
    else if (k < s.size() && s[k] == ':') from = k + 1;
    else continue;
    std::string_view tail = PhraseTail(s, from);
    if (tail.find('$') != std::string_view::npos) {
      // Prose with inline math: "the maximum value of $e$ is $3.2$" -> "3.2".
      std::vector<Candidate> math;
      AddLastMath(tail, base + static_cast<size_t>(tail.data() - s.data()), &math);
      if (!math.empty()) {
        out->push_back({std::move(math[0].text), "answer_is", math[0].offset});
        return;
      }
    }
    if (!tail.empty()) out->push_back({std::string(tail), "answer_is", base + i});
    return;
  }
}

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
  out->push_back({std::move(text), "last_math", base + spans.back().b});
}

void AddLastNumber(std::string_view s, size_t base, std::vector<Candidate>* out) {
  size_t j = s.size();
  while (j > 0 && !IsDigit(s[j - 1])) --j;
  if (j == 0) return;
  size_t e = j, b = j;
  while (b > 0 && (IsDigit(s[b - 1]) || ((s[b - 1] == '.' || s[b - 1] == ',' || s[b - 1] == '/') &&
                                         b >= 2 && IsDigit(s[b - 2]))))
    --b;
  if (b > 0 && s[b - 1] == '-') --b;
  out->push_back({std::string(s.substr(b, e - b)), "last_number", base + b});
}

}  // namespace

std::vector<Candidate> Extract(std::string_view completion, const ExtractOptions& opts) {
  std::vector<Candidate> out;
  try {
    size_t base = 0;
    std::string_view s = completion;
    size_t think = s.rfind("</think>");
    if (think != std::string_view::npos) {
      base = think + 8;
      s = s.substr(base);
    }
    AddBoxed(s, base, &out);
    if (opts.policy == "boxed" || !out.empty()) return out;
    AddAnswerTag(s, base, &out);
    if (!out.empty()) return out;
    AddAnswerPhrase(s, base, &out);
    std::string_view rest = Trim(s);
    if (think != std::string_view::npos && out.empty() && !rest.empty() &&
        rest.size() <= kMaxAfterThink)
      out.push_back({std::string(rest), "after_think", base + static_cast<size_t>(rest.data() - s.data())});
    if (opts.policy == "default" && out.empty()) AddLastMath(s, base, &out);
    if (opts.policy == "default" && out.empty()) AddLastNumber(s, base, &out);
  } catch (...) {
    // Allocation failure: return what we have.
  }
  return out;
}

}  // namespace upt::verifiers
