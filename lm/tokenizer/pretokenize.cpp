#include "lm/tokenizer/pretokenize.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>

#include "core/error.h"

namespace upt::lm {

const char* const kQwen2SplitPattern =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const char* const kGpt2SplitPattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

int DecodeUtf8(std::string_view s, size_t i, int32_t* cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  size_t n = s.size() - i;
  unsigned c = p[0];
  *cp = -1;
  if (c < 0x80) {
    *cp = static_cast<int32_t>(c);
    return 1;
  }
  int len;
  uint32_t v, min;
  if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
  else return 1;
  if (n < static_cast<size_t>(len)) return 1;
  for (int k = 1; k < len; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 1;
    v = (v << 6) | (p[k] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 1;
  *cp = static_cast<int32_t>(v);
  return len;
}

namespace {

// ECMAScript \s: WhiteSpace (TAB VT FF SP NBSP ZWNBSP + Zs) and LineTerminator.
bool IsJsSpace(int32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  switch (cp) {
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000: case 0xFEFF:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

struct AsciiTable {
  CharClass cls[128];
  AsciiTable() {
    for (int c = 0; c < 128; ++c) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) cls[c] = CharClass::kLetter;
      else if (c >= '0' && c <= '9') cls[c] = CharClass::kNumber;
      else if (c == ' ' || (c >= 0x09 && c <= 0x0D)) cls[c] = CharClass::kSpace;
      else cls[c] = CharClass::kOther;
    }
  }
};
const AsciiTable kAscii;

}  // namespace

CharClass ClassOf(int32_t cp) {
  if (cp < 0) return CharClass::kOther;
  if (cp < 0x80) return kAscii.cls[cp];
  if (IsJsSpace(cp)) return CharClass::kSpace;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
      return CharClass::kLetter;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return CharClass::kNumber;
    default:
      return CharClass::kOther;
  }
}

namespace {

// One decoded character of the subject.
struct Ch {
  int32_t cp;
  CharClass cls;
  uint32_t len;
};

// Scanner for kQwen2SplitPattern, alternative by alternative, leftmost-first
// with the regex's greedy/backtracking semantics:
//  1 '(s|t|re|ve|m|ll|d)  ASCII case-insensitive (as the JS reference rewrites it)
//  2 [^\r\n\p{L}\p{N}]?\p{L}+
//  3 \p{N}
//  4 ' '?[^\s\p{L}\p{N}]+[\r\n]*
//  5 \s*[\r\n]+   6 \s+(?!\S)   7 \s+
class Qwen2Splitter final : public Splitter {
 public:
  void Split(std::string_view s, std::vector<Piece>* out) const override {
    out->clear();
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
      size_t e = MatchAt(s, i);
      out->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(e)});
      i = e;
    }
  }

 private:
  static Ch At(std::string_view s, size_t i) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) return {b, kAscii.cls[b], 1};
    int32_t cp;
    int len = DecodeUtf8(s, i, &cp);
    return {cp, ClassOf(cp), static_cast<uint32_t>(len)};
  }
  static bool IsCrLf(int32_t cp) { return cp == '\r' || cp == '\n'; }
  static char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

  // Length of the contraction at i (0 when none).
  static size_t Contraction(std::string_view s, size_t i) {
    if (s[i] != '\'' || i + 1 >= s.size()) return 0;
    char a = Lower(s[i + 1]);
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    if (i + 2 >= s.size()) return 0;
    char b = Lower(s[i + 2]);
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    return 0;
  }

  static size_t LettersFrom(std::string_view s, size_t j) {
    while (j < s.size()) {
      Ch c = At(s, j);
      if (c.cls != CharClass::kLetter) break;
      j += c.len;
    }
    return j;
  }

  static size_t MatchAt(std::string_view s, size_t i) {
    const size_t n = s.size();
    if (size_t k = Contraction(s, i)) return i + k;
    Ch c0 = At(s, i);
    // 2: optional non-(CR/LF/L/N) prefix, then letters.
    if (c0.cls == CharClass::kLetter) return LettersFrom(s, i + c0.len);
    if (c0.cls != CharClass::kNumber && !IsCrLf(c0.cp) && i + c0.len < n) {
      Ch c1 = At(s, i + c0.len);
      if (c1.cls == CharClass::kLetter) return LettersFrom(s, i + c0.len + c1.len);
    }
    // 3
    if (c0.cls == CharClass::kNumber) return i + c0.len;
    // 4
    {
      size_t j = i;
      if (c0.cp == ' ' && i + 1 < n) j = i + 1;
      size_t k = j;
      while (k < n) {
        Ch c = At(s, k);
        if (c.cls != CharClass::kOther) break;
        k += c.len;
      }
      if (k > j) {
        while (k < n && (s[k] == '\r' || s[k] == '\n')) ++k;
        return k;
      }
    }
    // c0 is whitespace from here on. Maximal whitespace run [i, j).
    size_t j = i, last_crlf_end = 0, last_start = i;
    while (j < n) {
      Ch c = At(s, j);
      if (c.cls != CharClass::kSpace) break;
      last_start = j;
      j += c.len;
      if (IsCrLf(c.cp)) last_crlf_end = j;
    }
    if (last_crlf_end) return last_crlf_end;  // 5
    if (j == n) return j;                     // 6 at end of text
    if (last_start > i) return last_start;    // 6: leave the last space to the next piece
    return j;                                 // 7
  }
};

class RegexSplitter final : public Splitter {
 public:
  RegexSplitter(const std::string& pattern, const std::string& where) {
    int err = 0;
    PCRE2_SIZE off = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                          PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &off, nullptr);
    if (!code_) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(err, msg, sizeof msg);
      throw Error("cannot compile pre-tokenizer regex at offset " + std::to_string(off) + ": " +
                      reinterpret_cast<const char*>(msg),
                  where, "the pattern must be PCRE2-compatible");
    }
    pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);  // optional speed-up; interpreter otherwise
  }
  ~RegexSplitter() override { pcre2_code_free(code_); }

  void Split(std::string_view s, std::vector<Piece>* out) const override {
    out->clear();
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(code_, nullptr);
    size_t pos = 0, last = 0;
    while (pos <= s.size()) {
      int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), pos, 0, md,
                           nullptr);
      if (rc < 0) break;
      PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      size_t b = ov[0], e = ov[1];
      if (b > last) out->push_back({static_cast<uint32_t>(last), static_cast<uint32_t>(b)});
      if (e > b) out->push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
      last = e;
      if (e == b) {  // empty match: step one character
        if (b >= s.size()) break;
        int32_t cp;
        pos = b + DecodeUtf8(s, b, &cp);
      } else {
        pos = e;
      }
    }
    if (last < s.size()) out->push_back({static_cast<uint32_t>(last), static_cast<uint32_t>(s.size())});
    pcre2_match_data_free(md);
  }

 private:
  pcre2_code* code_ = nullptr;
};

}  // namespace

std::unique_ptr<Splitter> MakeQwen2Splitter() { return std::make_unique<Qwen2Splitter>(); }

std::unique_ptr<Splitter> MakeRegexSplitter(const std::string& pattern, const std::string& where) {
  return std::make_unique<RegexSplitter>(pattern, where);
}

std::unique_ptr<Splitter> MakeSplitter(const std::string& pattern, const std::string& where) {
  if (pattern == kQwen2SplitPattern) return MakeQwen2Splitter();
  return MakeRegexSplitter(pattern, where);
}

}  // namespace upt::lm
