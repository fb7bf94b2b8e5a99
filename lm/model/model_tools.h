// What `upt model init|info|logprobs` do, behind a torch-free header so the CLI
// stays light. Each function is one command's body.
#pragma once

#include <cstdint>
#include <string>

#include "lm/io/qwen2_config.h"

namespace upt::lm {

// Named model configs: "bench-100m" (about 100M parameters, Qwen2-shaped, vocab
// 50000) is built in; other modules register theirs (the toy world's "toy":
// train/toy/model/toy_model.h). A preset may carry its tokenizer.json.
struct ModelConfigPreset {
  io::Qwen2Config config;
  std::string tokenizer_json;  // "" = none
};
// Adds `name` (a second registration of the same name is ignored).
void RegisterModelConfigPreset(const std::string& name, ModelConfigPreset preset, const std::string& help);
// A registered preset's config, else the config.json at `name_or_path` (throws listing the presets).
io::Qwen2Config ConfigPresetOrFile(const std::string& name_or_path);

struct ModelInitOptions {
  std::string config;             // preset name or config.json path
  std::string out;                // checkpoint directory to create
  long long seed = 0;
  std::string tokenizer = "auto";  // tokenizer.json path, a preset name (its tokenizer), "none", or
                                   // "auto" (= the config preset's tokenizer, else none)
  std::string dtype = "F32";      // F32 | BF16 | F16
  template <class V>
  void ForEach(V&& v) {
    v("config", config, "config preset (toy, bench-100m) or config.json path");
    v("out", out, "output checkpoint directory");
    v("seed", seed, "init seed (weights ~ N(0, initializer_range) from Philox streams)");
    v("tokenizer", tokenizer, "tokenizer.json path, a preset's name (e.g. toy), 'none' or 'auto' (the preset's own)");
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
