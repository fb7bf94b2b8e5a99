// Hugging Face tokenizer.json (byte-level BPE) in C++, torch-free.
// Contract used by lm/ generation, train/ and the CLI (keep stable):
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace upt::lm {

class Tokenizer {
 public:
  // Parses a tokenizer.json; throws upt::Error naming the file and field on
  // unsupported or malformed content.
  static Tokenizer FromFile(const std::string& path);
  static Tokenizer FromJsonText(std::string_view json, const std::string& where = "tokenizer.json");

  Tokenizer();
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  Tokenizer(const Tokenizer&);
  Tokenizer& operator=(const Tokenizer&);

  // Encodes text; special/added tokens in the text are matched when
  // allow_special is true (as HF does for added tokens). Thread-safe.
  // Never adds the post_processor's tokens (callers that build prompts decide on BOS).
  std::vector<int32_t> Encode(std::string_view text, bool allow_special = true) const;
  // Encode wrapped in tokenizer.json's post_processor template for a single sequence,
  // as HF's add_special_tokens=True (LLaMA-3.1: <|begin_of_text|> first; Qwen: nothing).
  std::vector<int32_t> EncodeWithSpecialTokens(std::string_view text, bool allow_special = true) const;
  const std::vector<int32_t>& SpecialPrefix() const;  // ids the template puts before the text
  const std::vector<int32_t>& SpecialSuffix() const;  // ... and after it
  std::string Decode(const std::vector<int32_t>& ids, bool skip_special = false) const;

  int32_t TokenToId(std::string_view token) const;  // -1 when absent
  std::string IdToToken(int32_t id) const;           // "" when out of range
  int32_t vocab_size() const;                        // max id + 1
  bool IsSpecial(int32_t id) const;

  // The original JSON (saved verbatim beside checkpoints).
  const std::string& json_text() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace upt::lm
