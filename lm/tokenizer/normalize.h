// tokenizer.json normalizers and the GPT-2 byte-level alphabet.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace upt::lm {

// A normalizer step. Supported "type"s: NFC, NFD, NFKC, NFKD (utf8proc),
// Prepend, Replace (String pattern), Sequence; null means none.
// Invalid UTF-8 bytes pass through unchanged; only the valid runs between
// them are normalized (so any byte string stays encodable).
class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual std::string Apply(std::string_view text) const = 0;
};

// Parses `node` (the "normalizer" field or one of its children). `field` is the
// JSON path used in errors, e.g. "normalizer.normalizers[1]". Returns nullptr
// for null.
std::unique_ptr<Normalizer> ParseNormalizer(const Json& node, const std::string& file,
                                            const std::string& field);

// Unicode normalization of valid runs (form: "NFC", "NFD", "NFKC", "NFKD").
std::string UnicodeNormalize(std::string_view text, std::string_view form);

// GPT-2 bytes_to_unicode(): byte b -> the UTF-8 of its printable stand-in.
const std::string& ByteToUnicode(unsigned char b);
// Inverse: stand-in code point -> byte, or -1 when cp is not a stand-in.
int UnicodeToByte(int32_t cp);
// Maps bytes to their stand-ins (the ByteLevel pre-tokenizer's output).
std::string ByteLevelEncode(std::string_view bytes);
// Maps stand-ins back to bytes; characters that are not stand-ins are copied.
std::string ByteLevelDecode(std::string_view token);

}  // namespace upt::lm
