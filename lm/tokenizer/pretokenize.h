// Pre-tokenization: splitting normalized text into pieces that BPE merges never
// cross. Two engines with the same contract:
//  - a hand-written scanner for Qwen2's Split pattern (the common case, fast);
//  - PCRE2 (UTF + UCP) for any other `Split` regex.
// Character classes follow the JavaScript reference (transformers.js compiles
// the pattern as a `u`-flag RegExp): `\s` is ECMAScript WhiteSpace+LineTerminator
// (includes U+FEFF, excludes U+0085), `\p{L}` / `\p{N}` come from utf8proc.
// Invalid UTF-8 bytes are single "other" characters (neither letter, number
// nor space), so any byte string can be split and byte-level encoded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace upt::lm {

// Qwen2 / Qwen2.5 / Qwen3 pre-tokenizer pattern, as stored in tokenizer.json.
extern const char* const kQwen2SplitPattern;
// GPT-2 ByteLevel pre-tokenizer pattern (ByteLevel with use_regex = true).
extern const char* const kGpt2SplitPattern;

// Decodes one UTF-8 character at s[i] (strict: no overlongs, surrogates or
// values above U+10FFFF). Returns its length; *cp = -1 for an invalid byte
// (length 1).
int DecodeUtf8(std::string_view s, size_t i, int32_t* cp);

enum class CharClass : uint8_t { kLetter, kNumber, kSpace, kOther };
// cp = -1 (invalid byte) is kOther.
CharClass ClassOf(int32_t cp);

// Splits text into pieces (byte ranges [begin, end)), covering every byte in
// order ("Isolated" behaviour: unmatched gaps are pieces too).
struct Piece {
  uint32_t begin = 0, end = 0;
};

class Splitter {
 public:
  virtual ~Splitter() = default;
  virtual void Split(std::string_view text, std::vector<Piece>* out) const = 0;
};

// The Qwen2 pattern's scanner.
std::unique_ptr<Splitter> MakeQwen2Splitter();
// PCRE2 splitter for an arbitrary pattern; throws upt::Error(where) when the
// pattern does not compile.
std::unique_ptr<Splitter> MakeRegexSplitter(const std::string& pattern, const std::string& where);
// Qwen2 scanner when `pattern` is Qwen2's, PCRE2 otherwise.
std::unique_ptr<Splitter> MakeSplitter(const std::string& pattern, const std::string& where);

}  // namespace upt::lm
