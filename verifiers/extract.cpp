// Answer extraction from a completion. Rules in priority order; only the
// candidates of the first rule that matches are returned (the first candidate
// decides; within a rule the last occurrence comes first):
//   1. \boxed{..} / \boxed .. / \fbox{..}  (nested braces)    rule "boxed"
//   2. <answer>..</answer>                                      rule "answer_tag"
//   3. "final answer is/:", "the answer is", "ANSWER:"          rule "answer_is"
//   4. the whole text after </think> when it is short            rule "after_think"
//   5. the last number (policy "default" only)                  rule "last_number"
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
size_t RFind(std::string_view s, std::string_view needle, size_t end) {
  if (end < needle.size() || needle.empty()) return std::string_view::npos;
  size_t limit = end - needle.size() + 1;  // candidate starts are < limit
  while (limit > 0) {
    const void* p = memrchr(s.data(), needle[0], limit);
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
    if (close != std::string_view::npos) return Trim(line.substr(dd ? 2 : 1, close - (dd ? 2 : 1)));
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
    if (!tail.empty()) out->push_back({std::string(tail), "answer_is", base + i});
    return;
  }
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
    if (opts.policy == "default" && out.empty()) AddLastNumber(s, base, &out);
  } catch (...) {
    // Allocation failure: return what we have.
  }
  return out;
}

}  // namespace upt::verifiers
