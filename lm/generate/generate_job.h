// `upt generate`: sample completions for a benchmark into upt's sample JSONL
// ({"problem_id", "sample_index", "text", "finish_reason", "num_tokens"}), with a
// provenance file beside it (<out>.meta.json). Torch-free header.
//
// Resumable: lines already in <out> are kept, their (problem_id, sample_index)
// pairs skipped, and the rest appended in the same canonical order (problem
// order, then sample index), so an interrupted and resumed run ends with the same
// file as an uninterrupted one. Resuming with different settings is an error.
// Sharding (--shard i/N) assigns problem k to shard k mod N, keeping a problem's
// samples together so they share one prompt prefill.
#pragma once

#include <string>

#include "lm/generate/sampling_options.h"

namespace upt::lm {

// No key given; -1 (temperature, top_p) and 0 (max_new_tokens) read as unset.
inline SamplingOverrides CommandLineSampling() {
  SamplingOverrides o;
  o.unset_as = {{"temperature", -1.0}, {"top_p", -1.0}, {"max_new_tokens", 0}};
  return o;
}

struct GenerateJobOptions {
  std::string model;          // checkpoint directory
  std::string dataset;        // registered benchmark name
  std::string dataset_file;   // or a JSONL/CSV file
  int n = 0;                  // samples per problem; 0 = the benchmark's default
  // Sampling keys given on the command line; unset keys take the benchmark's
  // settings (datasets::EvalDefaults::sampling; Resolve, core/options.h). Legacy spellings of "unset": --temperature -1,
  // --top-p -1, --max-new-tokens 0.
  SamplingOverrides sampling = CommandLineSampling();
  std::string template_name;  // "" = the checkpoint's own chat template (tokenizer_config.json)
  std::string system;         // system prompt override ("" = the template's default)
  long long seed = 0;
  std::string out;
  std::string device = "cpu";
  std::string shard = "0/1";
  int batch_size = 128;       // sequences in flight (continuous batching; vLLM max_num_seqs: 256)
  long long kv_budget_tokens = 0;  // KV slots in the paged pool (0 = batch_size x (prompt + max new))
  int kv_block_size = 16;     // token slots per KV block
  int threads = 0;            // torch threads; 0 = libtorch default
  long long limit = 0;        // first `limit` problems only (0 = all); for smoke runs
  template <class V>
  void ForEach(V&& v) {
    v("model", model, "checkpoint directory");
    v("dataset", dataset, "registered benchmark name");
    v("dataset_file", dataset_file, "benchmark file (JSONL or CSV) instead of --dataset");
    v("n", n, "samples per problem (0 = benchmark default)");
    auto sampling_keys = ViewOptions(sampling, GenerateSamplingKeys(), "", "", " (unset: the benchmark's setting)");
    v("", sampling_keys, "");
    v("template", template_name,
      "chat template (qwen25-math, qwen-chat, llama31-chat, plain, llama-qa, toy); default: the checkpoint's own");
    v("system", system, "system prompt override");
    v("seed", seed, "sampling seed; streams keyed by (seed, problem, sample)");
    v("out", out, "output samples JSONL");
    v("device", device, "cpu | cuda | cuda:N");
    v("shard", shard, "i/N: this process generates problems k with k mod N == i");
    v("batch_size", batch_size, "sequences in flight: finished ones are replaced at once");
    v("kv_budget_tokens", kv_budget_tokens,
      "KV cache size in tokens (paged pool; 0 = batch-size x (prompt + max new)); set it from device memory on CUDA");
    v("kv_block_size", kv_block_size, "tokens per KV cache block");
    v("threads", threads, "torch threads (0 = default)");
    v("limit", limit, "only the first N problems (0 = all)");
  }
};

// Checks every option's range; throws upt::Error naming the flag, its value
// and the valid range. RunGenerateJob calls it first.
void CheckGenerateOptions(const GenerateJobOptions& opts);

// Returns the exit code (0 ok).
int RunGenerateJob(const GenerateJobOptions& opts);

// Parses "i/N" (0 <= i < N); throws upt::Error naming --shard.
void ParseShard(const std::string& text, int* index, int* count);

}  // namespace upt::lm
