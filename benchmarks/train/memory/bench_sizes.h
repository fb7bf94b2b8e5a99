// Shared by the memory benchmarks: the Qwen2-shaped sizes, /proc/self/status and CPU time.
#pragma once

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "lm/io/qwen2_config.h"

namespace bench {

inline double StatusBytes(const char* key) {  // /proc/self/status "VmRSS:" / "VmHWM:" in bytes
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + std::string(key).size()) * 1024.0;
  return -1;
}

inline upt::lm::io::DecoderConfig Size(const std::string& name) {
  upt::lm::io::DecoderConfig c;
  c.family = upt::lm::io::ModelFamily::kQwen2;
  c.max_position_embeddings = 4096;
  c.initializer_range = 0.02;
  if (name == "5m") {
    c.vocab_size = 8000, c.hidden_size = 256, c.num_hidden_layers = 4, c.num_attention_heads = 4;
    c.num_key_value_heads = 2, c.intermediate_size = 704, c.tie_word_embeddings = true;
  } else if (name == "50m") {
    c.vocab_size = 32000, c.hidden_size = 512, c.num_hidden_layers = 12, c.num_attention_heads = 8;
    c.num_key_value_heads = 4, c.intermediate_size = 1408, c.tie_word_embeddings = true;
  } else if (name == "200m") {
    c.vocab_size = 32000, c.hidden_size = 1024, c.num_hidden_layers = 12, c.num_attention_heads = 16;
    c.num_key_value_heads = 4, c.intermediate_size = 2816, c.tie_word_embeddings = false;
  } else {
    std::fprintf(stderr, "unknown size %s (5m, 50m, 200m)\n", name.c_str());
    std::exit(2);
  }
  return c;
}

// User + system CPU seconds of this process (wall time is unreliable on the shared machine).
inline double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace bench
