// Hugging Face Qwen2 config.json <-> Qwen2Config, torch-free.
// Field names and defaults follow transformers' Qwen2Config; unsupported
// features (other model types, rope_scaling, sliding windows, ...) are rejected
// with the file and field named rather than silently ignored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"

namespace upt::lm::io {

struct Qwen2Config {
  int vocab_size = 151936;
  int hidden_size = 4096;
  int intermediate_size = 22016;
  int num_hidden_layers = 32;
  int num_attention_heads = 32;
  int num_key_value_heads = 32;
  int head_dim = 0;  // 0 = hidden_size / num_attention_heads
  int max_position_embeddings = 32768;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  double initializer_range = 0.02;
  bool tie_word_embeddings = false;
  std::string hidden_act = "silu";
  std::string torch_dtype = "float32";  // dtype the checkpoint is stored in
  int bos_token_id = -1;                // -1 = none
  std::vector<int> eos_token_ids;       // config "eos_token_id": int or list
  int pad_token_id = -1;

  int HeadDim() const { return head_dim > 0 ? head_dim : hidden_size / num_attention_heads; }
  int64_t NumParameters() const;  // embeddings + layers + norm (+ lm_head when untied)
};

// Parses config.json text; `where` names the file in errors.
Qwen2Config ParseQwen2Config(const Json& j, const std::string& where);
Qwen2Config LoadQwen2Config(const std::string& path);
// The HF config.json object (architectures, model_type, every field above).
OrderedJson Qwen2ConfigToJson(const Qwen2Config& c);

}  // namespace upt::lm::io
