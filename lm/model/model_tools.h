// What `upt model init|info|logprobs` do, behind a torch-free header so the CLI
// stays light. Each function is one command's body.
#pragma once

#include <cstdint>
#include <string>

#include "lm/io/qwen2_config.h"

namespace upt::lm {

// Built-in configs: "toy" (toy_world.md: d_model 96, 2 layers, 4 heads, 2 KV heads,
// SwiGLU 256, 48 symbols, context 96+) and "bench-100m" (about 100M parameters,
// Qwen2-shaped, vocab 50000). Anything else is read as a config.json path.
io::Qwen2Config ConfigPresetOrFile(const std::string& name_or_path);

struct ModelInitOptions {
  std::string config;             // preset name or config.json path
  std::string out;                // checkpoint directory to create
  long long seed = 0;
  std::string tokenizer = "auto";  // tokenizer.json path, "toy" (character-level toy vocabulary), "none", or
                                   // "auto" (= toy for the toy preset, else none)
  std::string dtype = "F32";      // F32 | BF16 | F16
  template <class V>
  void ForEach(V&& v) {
    v("config", config, "config preset (toy, bench-100m) or config.json path");
    v("out", out, "output checkpoint directory");
    v("seed", seed, "init seed (weights ~ N(0, initializer_range) from Philox streams)");
    v("tokenizer", tokenizer, "tokenizer.json path, 'toy', 'none' or 'auto' (toy for --config toy)");
    v("dtype", dtype, "storage dtype: F32, BF16 or F16");
  }
};
void RunModelInit(const ModelInitOptions& opts);

// Architecture, parameter count, dtype, files and tokenizer summary of a checkpoint.
std::string ModelInfoText(const std::string& dir);

struct LogprobsOptions {
  std::string model;   // checkpoint directory
  std::string in;      // JSONL: {"text"} or {"prompt", "completion"}
  std::string out;     // "" = stdout
  std::string device = "cpu";
  int threads = 0;     // torch intra-op threads; 0 = libtorch default
  bool all_tokens = false;  // list every token (BOS and prompt too); the first has a null log-prob
  template <class V>
  void ForEach(V&& v) {
    v("model", model, "checkpoint directory");
    v("all_tokens", all_tokens, "list the whole token sequence; the first token's log-prob is null");
    v("in", in, "input JSONL ({\"text\"} or {\"prompt\",\"completion\"} per line)");
    v("out", out, "output JSONL (default stdout)");
    v("device", device, "cpu | cuda | cuda:N");
    v("threads", threads, "torch threads (0 = default)");
  }
};
// One output line per input line: {"tokens": [...], "logprobs": [...]} where
// logprobs[i] = log p(tokens[i] | everything before it); for prompt/completion
// lines only the completion's tokens are listed. With all_tokens every token is
// listed from the first (BOS when the model prepends one), whose log-prob is null.
// Returns the exit code.
int RunModelLogprobs(const LogprobsOptions& opts);

// Sets torch's intra-op thread count when n > 0.
void SetTorchThreads(int n);

}  // namespace upt::lm
