// Shared helpers for the libtorch lm tests: tiny configs and temp directories.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "lm/io/qwen2_config.h"
#include "lm/model/model_tools.h"
#include "train/toy/model/toy_model.h"

namespace upt::lm::testing {

// The toy world's model shape (train/toy/model/toy_model.h: d_model 96, 2 layers,
// 4 heads, 2 KV heads, SwiGLU 256; 0 <pad>, 1 <bos>, 2 <eos>) with 48 vocabulary rows
// (the tests' token statistics assume 48; the toy tokenizer uses the first 41).
// Also registers the toy model as the named config "toy" for `RunModelInit`.
inline io::Qwen2Config ToyConfig() {
  train::toy::RegisterToyModelPreset();
  io::Qwen2Config c = train::toy::ToyModelConfig();
  c.vocab_size = 48;
  c.max_position_embeddings = 128;
  c.initializer_range = 0.3;  // large enough that distributions are far from uniform
  return c;
}

// A fresh directory under /tmp, removed when the test program exits.
inline std::string TempDir() {
  struct Cleanup {
    std::vector<std::string> dirs;
    ~Cleanup() {
      std::error_code ec;
      for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
    }
  };
  static Cleanup cleanup;
  char tmpl[] = "/tmp/upt_lm_XXXXXX";
  std::string dir = mkdtemp(tmpl);
  cleanup.dirs.push_back(dir);
  return dir;
}

inline std::string SourceDir() {
  const char* env = getenv("UPT_SOURCE_DIR");
  return env ? env : UPT_SOURCE_DIR;
}

}  // namespace upt::lm::testing
