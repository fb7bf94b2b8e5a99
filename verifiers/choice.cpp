// Multiple choice (GPQA, ARC-c): the predicted letter, in priority order, from
//   1. the first extraction candidate (strict policy: \boxed{C}, "ANSWER: C",
//      "The answer is (C)") read as a letter, "(C)", "C.", "C) text", or as
//      the full text of one option;
//   2. the last "option is C" / "choice: C" phrase;
//   3. the last standalone "(C)" in the completion;
//   4. the last line when it is the full text of one option, else when it
//      starts with a letter ("**D** — a hypothesis").
// Two letters offered as the answer ("C or A") give no letter.
// Exact match with the gold letter (case-insensitive).
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <vector>

#include "verifiers/expr.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

constexpr size_t kShortCompletion = 40;
constexpr size_t kAdjacentGap = 12;  // bytes between two boxes read as one listing ("} \boxed{")

char MaxLetter(const std::vector<std::string>& choices) {
  return choices.empty() ? 'J' : static_cast<char>('A' + std::min<size_t>(choices.size(), 26) - 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Keeps letters, digits and single spaces, lower-cased: option text matching.
std::string TextKey(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// " or A", ", (B)", " and D": the rest after a letter offers another letter.
// With `joiner`, a space alone does not join ("A: A cantaloupe" is one letter)
// unless a parenthesised letter follows ("(A) (B)").
bool OffersAnotherLetter(std::string_view rest, char max_letter, bool joiner = false) {
  size_t k = 0;
  bool joined = false;
  for (; k < rest.size() && (rest[k] == ' ' || rest[k] == ',' || rest[k] == '/'); ++k) joined |= rest[k] != ' ';
  std::string_view r = rest.substr(k);
  for (std::string_view w : {std::string_view("or "), std::string_view("and ")})
    if (r.substr(0, w.size()) == w) {
      r.remove_prefix(w.size());
      joined = true;
    }
  if (k == 0 && r.size() == rest.size()) return false;  // nothing joined
  if (joiner && !joined && (r.empty() || r.front() != '(')) return false;  // "(A) (B)" joins
  while (!r.empty() && (r.front() == ' ' || r.front() == '(' || r.front() == '*')) r.remove_prefix(1);
  if (r.empty() || r[0] < 'A' || r[0] > max_letter) return false;
  return r.size() == 1 || !std::isalpha(static_cast<unsigned char>(r[1]));
}

// The rest after a letter rules the other letters out right away: ", not A",
// ", it can't be A or B", " non A" (French), "。不是 A" (Chinese), " nicht A",
// or it is only CJK punctuation and text without another letter ("B。").
bool NegatesRest(std::string_view rest) {
  size_t k = 0;
  bool cjk = false;
  while (k < rest.size()) {
    unsigned char ch = static_cast<unsigned char>(rest[k]);
    if (ch == ' ' || ch == ',' || ch == '.' || ch == ';') { ++k; continue; }
    bool punct = k + 2 < rest.size() && ((ch == 0xE3 && static_cast<unsigned char>(rest[k + 1]) == 0x80) ||
                                         (ch == 0xEF && (static_cast<unsigned char>(rest[k + 1]) & 0xFE) == 0xBC));
    if (!punct) break;
    cjk = true;
    k += 3;
  }
  std::string head = Lower(std::string(rest.substr(k, 16)));
  for (const char* neg : {"not ", "non ", "不", "nicht ", "no es ", "pas ", "it can't be", "it cannot be",
                          "it's not", "and not "})
    if (head.rfind(neg, 0) == 0) return true;
  return cjk && std::none_of(rest.begin(), rest.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

// "not A; it is C": a text that first rules one letter out and then names
// exactly one other letter gives that letter; 0 otherwise.
char AfterRuledOut(std::string_view s, char max_letter) {
  std::string low = Lower(std::string(s.substr(0, 4)));
  if (low != "not " || s.size() < 5 || s[4] < 'A' || s[4] > max_letter) return 0;
  char found = 0;
  for (size_t k = 5; k < s.size(); ++k) {
    char ch = s[k];
    if (ch < 'A' || ch > max_letter || std::isalnum(static_cast<unsigned char>(s[k - 1])) ||
        (k + 1 < s.size() && std::isalpha(static_cast<unsigned char>(s[k + 1]))))
      continue;
    if (ch == s[4] || (found && found != ch)) return 0;
    found = ch;
  }
  return found;
}

// The first standalone letter of a text whose rest rules out the others
// ("for sure D, it can't be A or B"); 0 if none.
char NegatingLetter(std::string_view s, char max_letter) {
  for (size_t k = 0; k < s.size(); ++k) {
    char ch = s[k];
    if (ch < 'A' || ch > max_letter || (k > 0 && std::isalnum(static_cast<unsigned char>(s[k - 1]))) ||
        (k + 1 < s.size() && std::isalpha(static_cast<unsigned char>(s[k + 1]))))
      continue;
    return NegatesRest(s.substr(k + 1)) ? ch : 0;
  }
  return 0;
}

// "C", "(C)", "C.", "C)", "C: text", "(C) text", "\text{C}", "option C".
char LetterOf(std::string_view raw, char max_letter) {
  std::string s = Normalize(raw);
  std::string_view v = s;
  while (!v.empty() && (v.front() == '(' || v.front() == '{' || v.front() == ' ' || v.front() == '[' ||
                        v.front() == '*'))
    v.remove_prefix(1);
  std::string low = Lower(std::string(v.substr(0, 7)));
  if (low.rfind("option ", 0) == 0 || low.rfind("choice ", 0) == 0) v.remove_prefix(7);
  if (v.empty()) return 0;
  char c = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
  if (c < 'A' || c > max_letter) return 0;
  if (v.size() == 1) return c;
  char next = v[1];
  if ((next == ' ' || next == ',' || next == '.' || static_cast<unsigned char>(next) >= 0x80) &&
      std::isupper(static_cast<unsigned char>(v[0])) && NegatesRest(v.substr(1)))
    return c;  // "D, it can't be A or B", "B。不是 A"
  if (next == ')' || next == '.' || next == ':' || next == '}' || next == ']' || next == '*' || next == ',' ||
      (next == ' ' && v.size() == 2)) {
    // "(A), (B), (C) or (D)": every option offered is no answer.
    if (next == ',') {  // "C, because ...": only a lower-case reason may follow
      size_t w = v.find_first_not_of(' ', 2);
      if (w == std::string_view::npos || !std::islower(static_cast<unsigned char>(v[w]))) return 0;
    }
    size_t k = 1;  // a comma stays in the rest: it joins ("C, B")
    while (k < v.size() && (v[k] == ')' || v[k] == '*' || v[k] == '}' || v[k] == ']')) ++k;
    return OffersAnotherLetter(v.substr(k), max_letter, /*joiner=*/true) ? 0 : c;
  }
  // "B and not A": an upper-case letter word; "A"/"I" followed by text are English words.
  if (next == ' ' && std::isupper(static_cast<unsigned char>(v[0])) && c != 'A' && c != 'I' &&
      !OffersAnotherLetter(v.substr(1), max_letter))
    return c;
  return 0;
}

char MatchOption(std::string_view text, const std::vector<std::string>& choices) {
  std::string key = TextKey(Normalize(text));
  if (key.empty()) return 0;
  char found = 0;
  for (size_t i = 0; i < choices.size() && i < 26; ++i) {
    if (TextKey(Normalize(choices[i])) == key) {
      if (found) return 0;  // ambiguous options
      found = static_cast<char>('A' + i);
    }
  }
  return found;
}

// The last "option is X" / "choice: X" (any case), read as a letter.
char PhraseLetter(std::string_view s, char max_letter) {
  std::string low = Lower(std::string(s));
  size_t best = std::string::npos, from = 0;
  for (const char* ph : {"option is", "choice is", "option:", "choice:", "think it's", "think it is", "it must be",
                         "réponse est", "réponse :", "réponse:", "respuesta es", "respuesta:", "respuesta correcta es la", "respuesta es la", "resposta é",
                         "antwort ist", "antwort:", "答案是", "答案：", "答案:", "答案为", "选"}) {
    size_t at = low.rfind(ph);
    if (at != std::string::npos && (best == std::string::npos || at > best)) {
      best = at;
      from = at + std::strlen(ph);
    }
  }
  if (best == std::string::npos) return 0;
  size_t eol = s.find('\n', from);
  return LetterOf(s.substr(from, eol == std::string_view::npos ? std::string_view::npos : eol - from), max_letter);
}

// The last non-empty line after </think> (empty if none).
std::string_view LastLine(std::string_view s) {
  size_t think = s.rfind("</think>");
  if (think != std::string_view::npos) s = s.substr(think + 8);
  size_t e = s.find_last_not_of(" \t\r\n");
  if (e == std::string_view::npos) return {};
  size_t b = s.rfind('\n', e);
  b = b == std::string_view::npos ? 0 : b + 1;
  return s.substr(b, e + 1 - b);
}

// The last line read as the text of exactly one option.
char LastLineOption(std::string_view s, const std::vector<std::string>& choices) {
  std::string_view line = LastLine(s);
  return line.empty() ? 0 : MatchOption(line, choices);
}

// A line that only offers several letters: "(A) (B) (C) (D)",
// "(A), (B), or (C)." (letters, punctuation and or/and, two distinct letters or more).
bool OnlyLetters(std::string_view line, char max_letter) {
  std::string seen;
  for (size_t j = 0; j < line.size(); ++j) {
    char ch = line[j];
    if (ch == '(' && j + 2 < line.size() && line[j + 2] == ')' && line[j + 1] >= 'A' && line[j + 1] <= 'Z') {
      if (line[j + 1] <= max_letter && seen.find(line[j + 1]) == std::string::npos) seen += line[j + 1];
      j += 2;
    } else if (line.substr(j, 3) == "or " || line.substr(j, 4) == "and ") {
      j += ch == 'o' ? 1 : 2;
    } else if (std::strchr(" \t\r,.;:*$", ch) == nullptr) {
      return false;
    }
  }
  return seen.size() >= 2;
}

// Distinct standalone letters A..max_letter in an answer ("A, B, C and D",
// "**A** or **B**"); a lone "A"/"I" article before a word is not counted.
int StandaloneLetters(std::string_view raw, char max_letter) {
  std::string s = Normalize(raw), seen;
  auto alnum = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; };
  for (size_t j = 0; j < s.size(); ++j) {
    char ch = s[j];
    if (ch < 'A' || ch > max_letter || (j > 0 && alnum(s[j - 1])) || (j + 1 < s.size() && alnum(s[j + 1])))
      continue;
    if ((ch == 'A' || ch == 'I') && j + 2 < s.size() && s[j + 1] == ' ' && std::islower(static_cast<unsigned char>(s[j + 2])))
      continue;
    if (seen.find(ch) == std::string::npos) seen += ch;
  }
  return static_cast<int>(seen.size());
}

// Last "(X)" with X a valid letter, searched after </think> when present.
char LastParenLetter(std::string_view s, char max_letter) {
  size_t think = s.rfind("</think>");
  if (think != std::string_view::npos) s = s.substr(think);
  for (size_t i = s.size(); i >= 3; --i) {
    if (s[i - 1] == ')' && s[i - 3] == '(') {
      char c = s[i - 2];
      if (c < 'A' || c > max_letter) continue;
      size_t b = s.rfind('\n', i - 3);
      b = b == std::string_view::npos ? 0 : b + 1;
      size_t e = s.find('\n', i);
      return OnlyLetters(s.substr(b, e == std::string_view::npos ? e : e - b), max_letter) ? 0 : c;
    }
  }
  return 0;
}

}  // namespace

Verdict GradeChoice(std::string_view gold_letter, std::string_view completion,
                    const std::vector<std::string>& choices, const GradeOptions& opts) {
  Verdict v;
  try {
    std::string gold = Normalize(gold_letter);
    char max_letter = MaxLetter(choices);
    char g = LetterOf(gold, 'Z');
    if (!g) {
      v.reason = "bad_gold_letter";
      return v;
    }
    ExtractOptions eo = opts.extract;
    const ExtractionPolicy policy = eo.Policy();
    if (policy == ExtractionPolicy::kDefault || policy == ExtractionPolicy::kUpt) eo.policy = "strict";
    const bool fallbacks = policy != ExtractionPolicy::kBoxed;
    std::vector<Candidate> cands = Extract(completion, eo);
    char got = 0;
    std::string rule;
    if (!cands.empty()) {
      const Candidate& c = cands.front();
      v.extracted = c.text;
      got = LetterOf(c.text, max_letter);
      rule = "letter_" + c.rule;
      if (!got && (got = MatchOption(c.text, choices))) rule = "option_text";
      if (!got && (got = NegatingLetter(c.text, max_letter))) rule = "letter_not_others";
      if (!got && (got = AfterRuledOut(c.text, max_letter))) rule = "letter_not_others";
      // The stated answer offers several letters ("(A), (B) or (C)", boxes
      // A, B, C, D): no letter, and no fallback may pick one of them.
      std::string letters;
      for (size_t k = 0; k < cands.size() && cands[k].rule == c.rule; ++k) {
        // Only boxes next to each other ("\boxed{A} \boxed{B}"), not a corrected one.
        if (k > 0 && cands[k - 1].offset > cands[k].offset + cands[k].text.size() + kAdjacentGap) break;
        char l = LetterOf(cands[k].text, max_letter);
        if (l && letters.find(l) == std::string::npos) letters += l;
      }
      if ((!got && StandaloneLetters(c.text, max_letter) >= 2) || letters.size() >= 2) {
        v.reason = "several_letters";
        return v;
      }
    }
    if (!got && fallbacks && (got = PhraseLetter(completion, max_letter)))
      rule = "letter_option_is";
    if (!got && fallbacks) {
      got = LastParenLetter(completion, max_letter);
      rule = "letter_paren";
    }
    if (!got && fallbacks && (got = LastLineOption(completion, choices)))
      rule = "option_text_line";
    if (!got && fallbacks && (got = LetterOf(LastLine(completion), max_letter)))
      rule = "letter_last_line";
    if (!got && cands.empty() && completion.size() <= kShortCompletion) {
      got = LetterOf(completion, max_letter);  // the whole reply is "Option A" / "C"
      rule = "letter_whole";
    }
    if (!got) {
      v.reason = cands.empty() ? "no_answer" : "no_letter";
      return v;
    }
    v.extracted = std::string(1, got);
    v.correct = got == g;
    v.reason = v.correct ? rule : "wrong_letter";
  } catch (...) {
    v.correct = false;
    v.reason = "internal_error";
  }
  return v;
}

}  // namespace upt::verifiers
