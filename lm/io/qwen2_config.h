// Hugging Face decoder config.json <-> DecoderConfig, torch-free.
// One struct for the decoder families upt runs (one model code path in
// lm/model/qwen2.cpp): Qwen2 (`model_type: qwen2`, transformers' Qwen2Config) and
// LLaMA (`model_type: llama`, LlamaConfig, e.g. LLaMA-3.1-8B). The families differ
// only in config: biases, head_dim, tying and RoPE scaling. Unsupported features
// (other model types, rope_scaling types other than llama3, sliding windows, ...)
// are rejected with the file and field named rather than silently ignored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"

namespace upt::lm::io {

// Vocabulary: model families, names as in config.json's "model_type".
enum class ModelFamily { kQwen2, kLlama };
const char* ModelFamilyName(ModelFamily f);         // "qwen2", "llama"
const char* ModelArchitecture(ModelFamily f);       // "Qwen2ForCausalLM", "LlamaForCausalLM"
bool ParseModelFamily(const std::string& name, ModelFamily* out);

// config.json "rope_scaling". Only rope_type "llama3" (LLaMA-3.1's NTK-by-parts
// frequency scaling, transformers modeling_rope_utils.py _compute_llama3_parameters)
// is implemented; null / "default" means none.
struct RopeScaling {
  bool llama3 = false;
  double factor = 8.0;
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  int original_max_position_embeddings = 8192;
};

struct DecoderConfig {
  ModelFamily family = ModelFamily::kQwen2;
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
  bool qkv_bias = true;      // q/k/v projections have biases (Qwen2: always; LLaMA: attention_bias)
  bool o_proj_bias = false;  // o_proj has a bias (LLaMA: attention_bias)
  bool mlp_bias = false;     // gate/up/down projections have biases (LLaMA: mlp_bias)
  RopeScaling rope_scaling;

  int HeadDim() const { return head_dim > 0 ? head_dim : hidden_size / num_attention_heads; }
  int64_t NumParameters() const;  // embeddings + layers + norm (+ lm_head when untied)
};
using Qwen2Config = DecoderConfig;  // the historical name; same struct

// Parses config.json text of any supported family; `where` names the file in errors.
DecoderConfig ParseDecoderConfig(const Json& j, const std::string& where);
DecoderConfig LoadDecoderConfig(const std::string& path);
// The HF config.json object of c.family (architectures, model_type, every field above).
OrderedJson DecoderConfigToJson(const DecoderConfig& c);

// Historical names (kept for callers): identical to the Decoder* functions.
inline DecoderConfig ParseQwen2Config(const Json& j, const std::string& where) { return ParseDecoderConfig(j, where); }
inline DecoderConfig LoadQwen2Config(const std::string& path) { return LoadDecoderConfig(path); }
inline OrderedJson Qwen2ConfigToJson(const DecoderConfig& c) { return DecoderConfigToJson(c); }

}  // namespace upt::lm::io
