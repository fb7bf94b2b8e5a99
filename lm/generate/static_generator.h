// The static-batching generator that preceded the engine (generator.h), kept as
// the baseline of benchmarks/lm/bench_generate.cpp and the reference its tests
// compare the engine's output with. Not used by upt's commands.
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

#include "lm/generate/generator.h"

namespace upt::lm {

class Qwen2ForCausalLMImpl;

class StaticGenerator {
 public:
  // `banned` ids are never sampled (pad, bos); ids in `stop_ids` are never banned.
  StaticGenerator(std::shared_ptr<Qwen2ForCausalLMImpl> model, const Tokenizer* tokenizer, std::vector<int32_t> stop_ids,
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

}  // namespace upt::lm
