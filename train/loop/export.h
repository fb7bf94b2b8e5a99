// Exports the policy as a Hugging Face directory that transformers and vLLM load
// as it is: the base model's config.json with every original key kept (only
// torch_dtype follows the exported dtype), generation_config.json,
// tokenizer.json, tokenizer_config.json (chat template), special_tokens_map.json
// and friends copied from the base model, weights in the base model's dtype
// (config.json torch_dtype) and sharded with model.safetensors.index.json above
// a size limit. Written to <dir>.tmp, then renamed over <dir>.
//
// Best-on-validation export follows HPT's maybe_save_best_hf (mix_trainer.py:1274-1295).
#pragma once

#include <cstdint>
#include <string>

#include "lm/model/qwen2.h"

namespace upt::train {

struct HfExportOptions {
  std::string dtype = "base";              // base (config.json torch_dtype) | F32 | BF16 | F16
  uint64_t max_shard_bytes = 5ull << 30;   // HF's default max_shard_size 5GB
};

// The safetensors dtype name of a config.json torch_dtype ("bfloat16" -> BF16); F32 when absent.
std::string DtypeOfBaseModel(const std::string& base_dir);

struct TrainConfig;
// trainer.export_dtype and trainer.export_max_shard_gb.
HfExportOptions ExportOptions(const TrainConfig& cfg);

void ExportHfModel(lm::Qwen2ForCausalLM& model, const std::string& base_dir, const std::string& dir,
                   const HfExportOptions& opts = {});

}  // namespace upt::train
