// Checkpoint directories in Hugging Face layout: config.json, model.safetensors
// (or shards + model.safetensors.index.json), tokenizer.json, generation_config.json.
// Weights are computed in float32 whatever dtype they are stored in (F32/BF16/F16).
#pragma once

#include <cstdint>
#include <string>

#include "lm/model/qwen2.h"

namespace upt::lm {

// Parses "cpu", "cuda", "cuda:1"; throws upt::Error with a hint when CUDA is unavailable.
at::Device ParseDevice(const std::string& name);

// Loads config.json and the weights of `dir` into a new float32 model on `device`.
// Missing tensors or shape mismatches throw naming the tensor and file.
Qwen2ForCausalLM LoadQwen2(const std::string& dir, const at::Device& device);

// Deterministic random init (HF Qwen2 _init_weights): linear and embedding weights
// ~ N(0, initializer_range), biases 0, norm weights 1, the pad token's embedding row 0.
// Each tensor draws from upt::RngStream(seed, {StreamId(name)}), so the result does not
// depend on libtorch's generator, thread count or parameter order.
void InitQwen2Weights(Qwen2ForCausalLM& model, uint64_t seed);

struct SaveOptions {
  std::string dtype = "F32";      // "F32" | "BF16" | "F16"
  uint64_t max_shard_bytes = 0;   // 0 = one model.safetensors
};
// Writes config.json, model.safetensors (HF names; lm_head omitted when tied),
// generation_config.json and, when `tokenizer_json` is non-empty, tokenizer.json.
void SaveQwen2(Qwen2ForCausalLM& model, const std::string& dir, const std::string& tokenizer_json,
               const SaveOptions& opts = {});

// Token ids a generator stops on: generation_config.json's eos_token_id when present,
// else config.json's.
std::vector<int> LoadEosTokenIds(const std::string& dir, const io::Qwen2Config& config);

// True when prompts start with bos: the config has a bos id that is not an eos id
// (the toy models; Qwen2.5's bos is its eos, and it prepends nothing).
bool PrependsBos(const io::Qwen2Config& config);

}  // namespace upt::lm
