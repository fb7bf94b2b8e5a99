// The generation engine (torch-free header): continuous batching over a paged KV
// cache with shared prompt prefixes, sampling on the model's device. It serves
// `upt generate`, training rollouts and validation.
//
//   scheduler    sequences are admitted as others finish, up to `max_seqs` in
//                flight (Generate's batch_size) and within the KV pool; when the
//                pool runs dry mid-decode the youngest sequence is preempted
//                (blocks freed, recomputed on re-admission; vLLM's RECOMPUTE).
//   paged cache  fixed-size blocks (paged_kv.h), freed when a sequence ends.
//   prefixes     identical prompts form a group: the prompt is prefilled once, its
//                blocks and last-position logits are shared by all samples; a
//                shared partial block is copied when a sample first writes into it.
//   sampling     batched tensor ops (batched_sampler.h).
//
// Reproducibility: request (stream_id, sample_index) draws one uniform per
// generated token from upt::RngStream(seed, {stream_id, sample_index}), so its
// tokens depend on neither batch size, token budget, prefix sharing, preemption
// nor thread count, up to float rounding of differently shaped matmuls (a token
// flips only when a uniform lands within ~1e-7 of a CDF boundary).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lm/generate/sampler.h"
#include "lm/tokenizer/tokenizer.h"

namespace upt::lm {

class Qwen2ForCausalLMImpl;

struct GenerationRequest {
  std::vector<int32_t> prompt;  // token ids, non-empty
  uint64_t stream_id = 0;       // e.g. upt::StreamId(problem_id)
  uint64_t sample_index = 0;
  int max_new_tokens = -1;      // this request's cap when >= 0 (at most SamplingParams::max_new_tokens)
};

struct GenerationResult {
  std::vector<int32_t> tokens;            // generated ids, including a final stop token
  std::vector<float> logprobs;            // per token: raw model log-prob at temperature 1
  std::vector<float> sampling_logprobs;   // per token: log-prob under the sampling distribution
  std::string text;                       // decoded, cut at the stop token / first stop string
  std::string finish_reason;              // "stop" | "length"
};

struct EngineOptions {
  int block_size = 16;         // token slots per KV block
  int64_t token_budget = 0;    // KV slots in the pool; 0 = max_seqs x (longest prompt + max new), never preempts
  bool share_prefix = true;    // samples of one prompt share its prefill and blocks
};

struct EngineStats {
  int64_t kv_bytes_per_block = 0;
  int64_t peak_kv_blocks = 0;  // most blocks live at once
  int64_t preemptions = 0;
  int64_t decode_steps = 0;
  int64_t prefill_tokens = 0;
};

class Generator {
 public:
  // `banned` ids are never sampled (pad, bos); ids in `stop_ids` are never banned.
  // `stop_ids` should come from BuildStopSet (stop_set.h).
  Generator(std::shared_ptr<Qwen2ForCausalLMImpl> model, const Tokenizer* tokenizer, std::vector<int32_t> stop_ids,
            std::vector<int32_t> banned, EngineOptions options = {});

  // One completion per request, in request order, with at most `batch_size`
  // sequences in flight; `on_tokens(n)` reports progress.
  std::vector<GenerationResult> Generate(const std::vector<GenerationRequest>& requests, const SamplingParams& params,
                                         uint64_t seed, int batch_size = 64,
                                         const std::function<void(int64_t)>& on_tokens = {});

  const EngineStats& last_stats() const { return stats_; }

 private:
  std::shared_ptr<Qwen2ForCausalLMImpl> model_;
  const Tokenizer* tokenizer_;
  std::vector<int32_t> stop_ids_, banned_;
  EngineOptions options_;
  EngineStats stats_;
};

// Ids never sampled for a checkpoint: its pad and bos ids (config.json), except
// those in `stop_ids` (BuildStopSet: Qwen2.5-Math's bos is also its eos).
std::vector<int32_t> BannedSpecialIds(const std::string& model_dir, const std::vector<int32_t>& stop_ids);

}  // namespace upt::lm
