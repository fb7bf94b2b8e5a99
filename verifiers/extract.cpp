// Answer extraction from a completion: the rule table (ExtractionRules, in
// priority order; docs/verifiers.md lists it) and the box, answer-tag and
// answer-phrase matchers; the fallbacks are in extract_fallbacks.cpp. When
// </think> is present only the text after it is searched (not by hpt_code).
// Linear time; at most kMaxBoxed boxed groups are scanned.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/extract_rules.h"
#include "verifiers/reward.h"

namespace upt::verifiers {
namespace extract_detail {

constexpr int kMaxBoxed = 3;
constexpr size_t kMaxAfterThink = 200;
constexpr int kMaxJoinedSpans = 16;  // boxes joined into one list

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

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
size_t RFind(std::string_view s, std::string_view needle, size_t end, size_t lo) {
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

// The box command at s[at] ("\\boxed" when is_boxed, else "\\fbox"): its
// trimmed content and the end of the box; false when unclosed or empty.
bool ParseBox(std::string_view s, size_t at, bool is_boxed, std::string_view* inner, size_t* end) {
  size_t k = at + (is_boxed ? 6 : 5);
  while (k < s.size() && s[k] == ' ') ++k;
  if (k < s.size() && s[k] == '{') {
    if (!BraceGroup(s, k, inner)) return false;
    *end = static_cast<size_t>(inner->data() - s.data()) + inner->size() + 1;
  } else if (k > at + 6 && k < s.size() && is_boxed && s[k - 1] == ' ') {
    size_t e = k;  // "\boxed 5": up to whitespace or '$'
    while (e < s.size() && s[e] != '$' && s[e] != ' ' && s[e] != '\n') ++e;
    *inner = s.substr(k, e - k);
    *end = e;
  } else {
    return false;
  }
  *inner = Trim(*inner);
  return !inner->empty();
}

// Text between two boxes that only separates the items of one answer list:
// ",", ";", "and", "or", "\\quad", "\\qquad", "\\text{ and }", "\\ ", "\\,",
// spaces, "$" / "\\(" "\\)" delimiters, newlines. *newline / *delim report
// whether a line break / a math delimiter was crossed, *sep whether a real
// separator (",", ";", "and", "or", "\\quad") was seen, not only spacing.
bool BoxSeparator(std::string_view t, bool* newline, bool* delim, bool* sep) {
  *newline = *delim = *sep = false;
  auto word_at = [&](size_t k, std::string_view w) {
    return t.compare(k, w.size(), w) == 0 && (k + w.size() == t.size() || !IsAlpha(t[k + w.size()]));
  };
  for (size_t k = 0; k < t.size();) {
    char c = t[k];
    if (c == ' ' || c == '\t' || c == '\r' || c == '~') { ++k; continue; }
    if (c == ',' || c == ';') { *sep = true; ++k; continue; }
    if (c == '\n') { *newline = true; ++k; continue; }
    if (c == '$') { *delim = true; ++k; continue; }
    if (word_at(k, "and")) { *sep = true; k += 3; continue; }
    if (word_at(k, "or")) { *sep = true; k += 2; continue; }
    if (c != '\\' || k + 1 >= t.size()) return false;
    char d = t[k + 1];
    if (d == '(' || d == ')') { *delim = true; k += 2; continue; }
    if (d == ' ' || d == ',' || d == ';' || d == ':') { k += 2; continue; }
    if (word_at(k + 1, "quad") || word_at(k + 1, "qquad")) {
      *sep = true;
      k += t[k + 2] == 'q' ? 6 : 5;
      continue;
    }
    size_t open = k + 1;
    for (std::string_view cmd : {"text", "textrm", "mbox"})
      if (word_at(k + 1, cmd)) open = k + 1 + cmd.size();
    if (open == k + 1) return false;
    while (open < t.size() && t[open] == ' ') ++open;
    if (open >= t.size() || t[open] != '{') return false;
    size_t close = t.find('}', open);
    if (close == std::string_view::npos) return false;
    std::string_view w = Trim(t.substr(open + 1, close - open - 1));
    if (!w.empty() && (w.front() == ',' || w.front() == ';')) w = Trim(w.substr(1));
    if (!(w.empty() || w == "and" || w == "or")) return false;
    *sep = *sep || !Trim(t.substr(open + 1, close - open - 1)).empty();  // not "\\text{ }"
    k = close + 1;
  }
  return true;
}

// s[at..] after spaces starts with `tok`; s[..end) before spaces ends with it.
bool OpensWith(std::string_view s, size_t end, std::string_view tok) {
  while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\n' || s[end - 1] == '\r')) --end;
  return end >= tok.size() && s.compare(end - tok.size(), tok.size(), tok) == 0;
}
bool ClosesWith(std::string_view s, size_t at, std::string_view tok) {
  while (at < s.size() && (s[at] == ' ' || s[at] == '\n' || s[at] == '\r' || s[at] == '.' || s[at] == ','))
    ++at;
  return s.compare(at, tok.size(), tok) == 0;
}

// A label `NAME =` right before a box ("$y_1 = \boxed{..}", "x_{2}=\boxed{..}"):
// one letter with an optional subscript and primes, first in its math span:
// only spacing after a math delimiter, a comma, a line break or the start. Returns the label ("y_1") and sets *start to where
// it begins; empty when there is none.
std::string_view BoxLabel(std::string_view s, size_t at, size_t* start) {
  size_t k = at;
  while (k > 0 && s[k - 1] == ' ') --k;
  if (k == 0 || s[k - 1] != '=') return {};
  --k;
  while (k > 0 && s[k - 1] == ' ') --k;
  size_t end = k;
  while (k > 0 && s[k - 1] == '\'') --k;
  if (k > 0 && s[k - 1] == '}') {  // _{..}
    size_t open = s.rfind('{', k - 1);
    if (open == std::string_view::npos || open < 2 || s[open - 1] != '_') return {};
    k = open - 1;
  } else if (k > 1 && (IsAlpha(s[k - 1]) || IsDigit(s[k - 1])) && s[k - 2] == '_') {
    k -= 2;
  }
  if (k == 0 || !IsAlpha(s[k - 1])) return {};
  --k;
  size_t before = k;
  while (before > 0 && s[before - 1] == ' ') --before;  // "a + b =", "\\alpha =": not a label
  if (before > 0 && std::string_view("\n$,;(").find(s[before - 1]) == std::string_view::npos) return {};
  *start = k;
  return s.substr(k, end - k);
}

struct Box {
  size_t at, end;
  std::string_view inner;
  bool newline_after;
  std::string_view label;  // "y_1" of "y_1 = \\boxed{..}" (when joined by labels)
};

// The boxes right before group.back() that only list-separators divide from
// it, appended to *group (last first). Labelled boxes ("y_1 = \\boxed{A} and
// y_2 = \\boxed{B}") join when every box has its own label.
void GatherBoxList(std::string_view s, bool spaced, std::vector<Box>* group) {
  while (group->size() < static_cast<size_t>(kMaxJoinedSpans)) {
    size_t next = group->back().at;
    bool is_boxed = false;
    size_t pat = RFindBox(s, next, &is_boxed);
    std::string_view pin;
    size_t pend = 0;
    if (pat == std::string_view::npos || !ParseBox(s.substr(0, next), pat, is_boxed, &pin, &pend)) return;
    size_t pstart = 0, cut = next;
    std::string_view plabel = BoxLabel(s.substr(0, next), pat, &pstart);
    if (!group->back().label.empty() && !plabel.empty() && plabel != group->back().label) BoxLabel(s, next, &cut);
    bool nl = false, delim = false, sep = false;
    if (!BoxSeparator(s.substr(pend, cut - pend), &nl, &delim, &sep) || (nl && delim) || !(sep || spaced)) return;
    if (cut != next && std::any_of(group->begin(), group->end(), [](const Box& b) { return b.label.empty(); }))
      return;
    group->push_back({pat, pend, pin, nl, cut != next ? plabel : std::string_view()});
  }
}

// One candidate of a gathered list (last box first in `group`): "1, 2, 3",
// or "y_1 = A, y_2 = B" when every box is labelled.
std::string BoxListText(std::vector<Box>* group, std::string_view s) {
  bool any_newline = std::any_of(group->begin() + 1, group->end(), [](const Box& b) { return b.newline_after; });
  if (any_newline) {
    // One display block must hold the whole list; else keep the boxes
    // after the last line break.
    bool wrapped = (OpensWith(s, group->back().at, "\\[") && ClosesWith(s, group->front().end, "\\]")) ||
                   (OpensWith(s, group->back().at, "$$") && ClosesWith(s, group->front().end, "$$"));
    if (!wrapped) {
      size_t keep = 1;
      while (!(*group)[keep].newline_after) ++keep;
      group->resize(keep);
    }
  }
  // The same answer boxed twice ("\\boxed{840} \\quad \\boxed{840}") is one answer.
  if (std::all_of(group->begin(), group->end(), [&](const Box& b) { return b.inner == (*group)[0].inner; }))
    group->resize(1);
  bool labelled = group->size() > 1 &&
                  std::all_of(group->begin(), group->end(), [](const Box& b) { return !b.label.empty(); });
  std::string text;
  for (size_t k = group->size(); k-- > 0;) {
    if (!text.empty()) text += ", ";
    if (labelled) text += std::string((*group)[k].label) + " = ";
    text += (*group)[k].inner;
  }
  return text;
}

// The last box and the boxes right before it that only list-separators
// divide from it ("\\boxed{1}, \\boxed{2} and \\boxed{3}") as one candidate
// "1, 2, 3"; then up to kMaxBoxed earlier boxes, last first. Line breaks
// between joined boxes are allowed only inside one display block
// (\\[ .. \\] or $$ .. $$). Boxes divided only by spacing ("\\boxed{5}
// \\boxed{6}", a correction) are not joined unless `spaced` (gold solutions:
// "$\\boxed{1}\\boxed{2}$"). *last_end is the end of the last box (npos when none).
void AddBoxed(std::string_view s, size_t base, std::vector<Candidate>* out, size_t* last_end = nullptr,
              bool spaced = false) {
  if (last_end) *last_end = std::string_view::npos;
  size_t end = s.size();
  int found = 0, tries = 0;
  // Bounded attempts: 100k unclosed "\boxed{" must not scan the text 100k times.
  while (found < kMaxBoxed && tries++ < 2 * kMaxBoxed) {
    bool is_boxed = false;
    size_t at = RFindBox(s, end, &is_boxed);
    if (at == std::string_view::npos) return;
    end = at;
    std::string_view inner;
    size_t box_end = 0;
    if (!ParseBox(s, at, is_boxed, &inner, &box_end)) continue;
    if (found > 0) {
      out->push_back({std::string(inner), "boxed", base + at});
      ++found;
      continue;
    }
    // The last box: gather the list it ends.
    if (last_end) *last_end = box_end;
    size_t label_at = 0;
    std::vector<Box> group{{at, box_end, inner, false, BoxLabel(s, at, &label_at)}};
    GatherBoxList(s, spaced, &group);
    std::string text = BoxListText(&group, s);
    out->push_back({std::move(text), "boxed", base + group.back().at});
    ++found;
    end = group.back().at;
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
// $..$ group, without a sentence-final period. *group tells whether it was a
// delimited math group ($..$, \\(..\\), \\[..\\]).
std::string_view PhraseTail(std::string_view s, size_t from, bool* group) {
  *group = true;
  size_t k = from;
  while (k < s.size() && (s[k] == ' ' || s[k] == ':' || s[k] == '*')) ++k;
  size_t eol = s.find('\n', k);
  if (eol == std::string_view::npos) eol = s.size();
  std::string_view line = s.substr(k, eol - k);
  if (!line.empty() && line[0] == '$') {
    bool dd = line.size() > 1 && line[1] == '$';
    size_t close = line.find(dd ? "$$" : "$", dd ? 2 : 1);
    while (close != std::string_view::npos && line[close - 1] == '\\')  // "$\$32{,}348$"
      close = line.find(dd ? "$$" : "$", close + 1);
    // "$44$ or $39$" is a hedge: the whole clause is the answer (and matches nothing).
    if (close != std::string_view::npos && !StartsAlternative(line.substr(close + (dd ? 2 : 1))))
      return Trim(line.substr(dd ? 2 : 1, close - (dd ? 2 : 1)));
  }
  if (line.size() > 2 && line[0] == '\\' && (line[1] == '(' || line[1] == '[')) {
    size_t close = line.find(line[1] == '(' ? "\\)" : "\\]");
    if (close != std::string_view::npos) return Trim(line.substr(2, close - 2));
  }
  *group = false;
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

// The UTF-8 character at t[k] is a letter of a script other than Latin-1
// symbols or Greek/maths (π, ×, √, ≤ are not): Latin extended, Cyrillic,
// Hebrew, Arabic, Indic, CJK, Hangul (not CJK punctuation U+3000..U+303F).
bool NonAsciiLetter(std::string_view t, size_t k) {
  unsigned char b = static_cast<unsigned char>(t[k]);
  unsigned char b1 = k + 1 < t.size() ? static_cast<unsigned char>(t[k + 1]) : 0;
  if (b == 0xC3) return b1 != 0x97 && b1 != 0xB7;  // à..ÿ, not × ÷
  if ((b >= 0xC4 && b <= 0xCD) || (b >= 0xD0 && b <= 0xDB)) return true;
  if (b == 0xE0) return true;
  if (b == 0xE3) return b1 != 0x80;
  return b >= 0xE4 && b <= 0xED;
}

// Two letters in a row outside a command name: an English word ("apples"),
// not "\\frac" or "x y".
bool HasWord(std::string_view t) {
  int foreign = 0;  // non-ASCII letters in a row (UTF-8 lead bytes)
  for (size_t k = 0; k < t.size(); ++k) {
    unsigned char b = static_cast<unsigned char>(t[k]);
    if (b < 0x80 || b >= 0xC0) foreign = NonAsciiLetter(t, k) ? foreign + 1 : 0;
    if (foreign >= 2 || (foreign == 1 && b >= 0xE3 && b <= 0xED)) return true;  // one CJK character is a word
  }
  for (size_t k = 0; k + 1 < t.size(); ++k) {
    if (t[k] == '\\') {
      while (k + 1 < t.size() && IsAlpha(t[k + 1])) ++k;
      continue;
    }
    if (IsAlpha(t[k]) && IsAlpha(t[k + 1])) return true;
  }
  return false;
}


// A sentence with an English word (3+ letters, not a command), exactly one
// number and no "or"/"and": its number is the answer.
bool ProseWithOneNumber(std::string_view t) {
  int numbers = 0;
  bool word = false;
  for (size_t k = 0; k < t.size();) {
    char c = t[k];
    if (c == '\\') {
      for (++k; k < t.size() && IsAlpha(t[k]); ++k) {}
      continue;
    }
    if (IsAlpha(c)) {
      size_t b = k;
      while (k < t.size() && IsAlpha(t[k])) ++k;
      std::string_view w = t.substr(b, k - b);
      if (w == "or" || w == "and") return false;
      word = word || w.size() >= 3;
      continue;
    }
    if (IsDigit(c)) {
      ++numbers;
      while (k < t.size() && (IsDigit(t[k]) || ((t[k] == '.' || t[k] == ',' || t[k] == '/') &&
                                                k + 1 < t.size() && IsDigit(t[k + 1]))))
        ++k;
      continue;
    }
    ++k;
  }
  return word && numbers == 1;
}

// *math (optional) tells whether the candidate is a delimited math group or
// a bare answer without words ("$10,455$", "10455").
void AddAnswerPhrase(std::string_view s, size_t base, std::vector<Candidate>* out, bool* math = nullptr) {
  if (math) *math = false;
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
    bool group = false;
    std::string_view tail = PhraseTail(s, from, &group);
    if (math && !tail.empty()) {
      bool digit = std::any_of(tail.begin(), tail.end(), IsDigit);
      *math = group || (digit && !HasWord(tail) && tail.find('$') == std::string_view::npos);
    }
    if (tail.find('$') != std::string_view::npos) {
      // Prose with inline math: "the maximum value of $e$ is $3.2$" -> "3.2".
      std::vector<Candidate> math;
      AddLastMath(tail, base + static_cast<size_t>(tail.data() - s.data()), &math);
      if (!math.empty()) {
        out->push_back({std::move(math[0].text), "answer_is", math[0].offset});
        return;
      }
    }
    if (ProseWithOneNumber(tail)) {
      // "The volume of $ABCD$ is 120", "Jane started 3 hours ago" -> the number.
      std::vector<Candidate> num;
      AddLastNumber(tail, base + static_cast<size_t>(tail.data() - s.data()), &num);
      if (!num.empty()) {
        out->push_back({std::move(num[0].text), "answer_is", num[0].offset});
        return;
      }
    }
    if (!tail.empty()) out->push_back({std::string(tail), "answer_is", base + i});
    return;
  }
}

// A gold that reads as a reference solution: longer than kMinSolutionBytes
// with at least kMinSolutionWords prose words (3+ letters between spaces or
// punctuation, not a LaTeX command or environment name).
constexpr size_t kMinSolutionBytes = 120;
constexpr int kMinSolutionWords = 4;

bool IsSolutionProse(std::string_view gold) {
  if (gold.size() <= kMinSolutionBytes) return false;
  int words = 0;
  for (size_t k = 0; k < gold.size() && words < kMinSolutionWords;) {
    if (!IsAlpha(gold[k])) { ++k; continue; }
    size_t b = k;
    while (k < gold.size() && IsAlpha(gold[k])) ++k;
    bool starts = b == 0 || gold[b - 1] == ' ' || gold[b - 1] == '\n';
    bool ends = k == gold.size() || std::string_view(" \n,.;:?!").find(gold[k]) != std::string_view::npos;
    if (starts && ends && k - b >= 3) ++words;
  }
  return words >= kMinSolutionWords;
}

}  // namespace extract_detail

using namespace extract_detail;  // NOLINT: this file's own helpers

// The answer of a gold: its last \boxed{} (adjacent boxes, even divided only by
// spacing as in "$\boxed{1}\boxed{2}$", form one list), else for a long prose
// solution without a box the normal extraction ("The final answer is $28\%$"),
// else the gold itself.
std::string GoldAnswer(std::string_view gold) {
  try {
    std::vector<Candidate> c;
    AddBoxed(gold, 0, &c, nullptr, /*spaced=*/true);
    if (c.empty() && IsSolutionProse(gold)) c = Extract(gold, ExtractOptions{});
    if (!c.empty() && !c.front().text.empty()) return c.front().text;
  } catch (...) {
  }
  return std::string(gold);
}

namespace {

// ---- the rules' matchers (the table's `add`) ----

// Boxes; under every policy but "boxed", a final-answer statement after the
// last box restates or corrects it ("... = \\boxed{255}$ ... The final answer
// is $10,455$.") and comes first when it gives a math group or a bare answer.
void MatchBoxed(const ExtractText& t, std::vector<Candidate>* out) {
  size_t box_end = std::string_view::npos;
  AddBoxed(t.s, t.base, out, &box_end);
  if (out->empty() || t.policy == ExtractionPolicy::kBoxed || box_end == std::string_view::npos) return;
  std::vector<Candidate> later;
  bool math = false;
  AddAnswerPhrase(t.s.substr(box_end), t.base + box_end, &later, &math);
  if (!later.empty() && math) out->insert(out->begin(), std::move(later.front()));
}
void MatchAnswerTag(const ExtractText& t, std::vector<Candidate>* out) { AddAnswerTag(t.s, t.base, out); }
void MatchAnswerPhrase(const ExtractText& t, std::vector<Candidate>* out) { AddAnswerPhrase(t.s, t.base, out); }
void MatchAfterThink(const ExtractText& t, std::vector<Candidate>* out) {
  std::string_view rest = Trim(t.s);
  if (t.after_think && !rest.empty() && rest.size() <= kMaxAfterThink)
    out->push_back({std::string(rest), "after_think", t.base + static_cast<size_t>(rest.data() - t.s.data())});
}
void MatchWholeAnswer(const ExtractText& t, std::vector<Candidate>* out) { AddWholeAnswer(t.s, t.base, out); }
void MatchLastMath(const ExtractText& t, std::vector<Candidate>* out) { AddLastMath(t.s, t.base, out); }
void MatchLastNumber(const ExtractText& t, std::vector<Candidate>* out) { AddLastNumber(t.s, t.base, out); }
void MatchHptLastBoxed(const ExtractText& t, std::vector<Candidate>* out) {
  std::string box;  // the whole completion, </think> or not
  if (HptLastBoxed(t.full, &box)) out->push_back({box, "hpt_last_boxed", t.full.rfind("\\boxed")});
}

}  // namespace

const std::vector<ExtractionRule>& ExtractionRules() {
  using P = ExtractionPolicy;
  static const std::vector<ExtractionRule> kRules = {
      {"boxed", "`\\boxed{..}`, `\\boxed ..`, `\\fbox{..}` (nested braces); boxes divided only by `,` `;` "
                "`and` `or` `\\quad` `\\text{and}` are one list (labelled boxes `y_1 = \\boxed{A}` and "
                "`y_2 = \\boxed{B}` the list `y_1 = A, y_2 = B`); a later \"final answer is $X$\" comes first",
       "the last box (or list of boxes), then up to 2 earlier boxes",
       {P::kDefault, P::kStrict, P::kBoxed, P::kUpt}, MatchBoxed},
      {"answer_tag", "`<answer>..</answer>`", "the tag's content", {P::kDefault, P::kStrict, P::kUpt}, MatchAnswerTag},
      {"answer_is", "the last \"answer is\" / \"answer:\" (any case, `**Answer**:`)",
       "the math group after it, or its one number in prose, or the rest of the line",
       {P::kDefault, P::kStrict, P::kUpt}, MatchAnswerPhrase},
      {"after_think", "the text after `</think>` when it is at most 200 bytes", "that text",
       {P::kDefault, P::kStrict, P::kUpt}, MatchAfterThink},
      {"whole_answer", "a completion that is a bare answer: one line of at most 64 bytes without words, "
                       "or one `\\begin{..}..\\end{..}` environment",
       "the completion", {P::kDefault, P::kStrict, P::kUpt}, MatchWholeAnswer},
      {"last_math", "the last math span (`$..$`, `$$..$$`, `\\(..\\)`, `\\[..\\]`) when only a few words follow",
       "its last chain side; spans joined by `,` / and / or as one list", {P::kDefault, P::kUpt}, MatchLastMath},
      {"last_number",
       "the last number not inside a word nor numbering a list item (`\\frac{a}{b}` of digits counts as one)",
       "that number", {P::kDefault, P::kUpt}, MatchLastNumber},
      {"hpt_last_boxed", "the last `\\boxed{..}` of the whole completion (the HPT fork's rule)",
       "its content", {P::kHptCode}, MatchHptLastBoxed},
  };
  return kRules;
}

std::string ExtractionRulesMarkdown() {
  std::string md;
  int k = 0;
  for (const ExtractionRule& r : ExtractionRules()) {
    std::string policies;
    for (ExtractionPolicy p : r.policies) policies += std::string(policies.empty() ? "" : ", ") + ExtractionPolicyName(p);
    md += std::to_string(++k) + ". `" + r.name + "`: " + r.matches + " → " + r.yields + " (policies: " + policies + ")\n";
  }
  return md;
}

std::vector<Candidate> Extract(std::string_view completion, const ExtractOptions& opts) {
  std::vector<Candidate> out;
  try {
    ExtractText t{completion, completion, 0, false, opts.Policy()};
    size_t think = completion.rfind("</think>");
    if (think != std::string_view::npos) {
      t.base = think + 8;
      t.s = completion.substr(t.base);
      t.after_think = true;
    }
    for (const ExtractionRule& r : ExtractionRules()) {
      if (std::find(r.policies.begin(), r.policies.end(), t.policy) == r.policies.end()) continue;
      r.add(t, &out);
      if (!out.empty()) break;
    }
  } catch (...) {
    // Allocation failure: return what we have.
  }
  return out;
}

}  // namespace upt::verifiers
