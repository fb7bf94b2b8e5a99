// Batched sampling with a KV cache (torch-free header).
//
// Each distinct prompt in a batch is prefilled once (prompts left-padded to a
// common length); its cache rows are then copied to every sample of that prompt
// and all rows decode together, finished rows being dropped from the cache as
// they stop. Row (stream_id, sample_index) draws its uniforms from
// upt::RngStream(seed, {stream_id, sample_index}), one per generated token, so a
// sample's text depends on neither the batch size nor the thread count (up to
// float rounding differences of batched BLAS, which flip a token only when a
// uniform lands within ~1e-7 of a CDF boundary).
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
};

struct GenerationResult {
  std::vector<int32_t> tokens;            // generated ids, including a final stop token
  std::vector<float> logprobs;            // per token: raw model log-prob at temperature 1
  std::vector<float> sampling_logprobs;   // per token: log-prob under the sampling distribution
  std::string text;                       // decoded, without the stop token / stop string
  std::string finish_reason;              // "stop" | "length"
};

class Generator {
 public:
  // `banned` ids are never sampled (pad, bos); ids in `stop_ids` are never banned.
  Generator(std::shared_ptr<Qwen2ForCausalLMImpl> model, const Tokenizer* tokenizer, std::vector<int32_t> stop_ids,
            std::vector<int32_t> banned);

  // One completion per request, in request order. Requests are processed in
  // batches of at most `batch_size` rows; `on_tokens(n)` reports progress.
  std::vector<GenerationResult> Generate(const std::vector<GenerationRequest>& requests, const SamplingParams& params,
                                         uint64_t seed, int batch_size = 64,
                                         const std::function<void(int64_t)>& on_tokens = {});

 private:
  void GenerateBatch(const GenerationRequest* reqs, size_t n, const SamplingParams& params, uint64_t seed,
                     GenerationResult* out, const std::function<void(int64_t)>& on_tokens);
  std::shared_ptr<Qwen2ForCausalLMImpl> model_;
  const Tokenizer* tokenizer_;
  std::vector<int32_t> stop_ids_, banned_;
};

// Stop ids and banned ids for a checkpoint: eos ids (generation_config.json, then
// config.json) stop; pad and bos ids are banned unless they are also stop ids.
void DefaultSpecialIds(const std::string& model_dir, std::vector<int32_t>* stop_ids, std::vector<int32_t>* banned);

}  // namespace upt::lm
