// Shared helpers for the libtorch lm tests: tiny configs and temp directories.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "lm/io/qwen2_config.h"
#include "lm/model/model_tools.h"

namespace upt::lm::testing {

// The toy-world shape (d_model 96, 2 layers, 4 heads, 2 KV heads, SwiGLU 256) with a
// 48-symbol vocabulary: 0 <pad>, 1 <bos>, 2 <eos>.
inline io::Qwen2Config ToyConfig() {
  io::Qwen2Config c = ConfigPresetOrFile("toy");
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
