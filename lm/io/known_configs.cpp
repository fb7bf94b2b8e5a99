#include "lm/io/known_configs.h"

#include <algorithm>
#include <cctype>

namespace upt::lm::io {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

DecoderConfig Qwen25Math(int hidden, int inter, int heads, int kv, int vocab, bool tied) {
  DecoderConfig c;
  c.family = ModelFamily::kQwen2;
  c.vocab_size = vocab;
  c.hidden_size = hidden;
  c.intermediate_size = inter;
  c.num_hidden_layers = 28;
  c.num_attention_heads = heads;
  c.num_key_value_heads = kv;
  c.max_position_embeddings = 4096;
  c.rope_theta = 10000.0;
  c.rms_norm_eps = 1e-6;
  c.tie_word_embeddings = tied;
  c.torch_dtype = "bfloat16";
  c.bos_token_id = 151643;
  c.eos_token_ids = {151643};
  return c;
}

DecoderConfig Llama31_8B() {
  DecoderConfig c;
  c.family = ModelFamily::kLlama;
  c.vocab_size = 128256;
  c.hidden_size = 4096;
  c.intermediate_size = 14336;
  c.num_hidden_layers = 32;
  c.num_attention_heads = 32;
  c.num_key_value_heads = 8;
  c.max_position_embeddings = 131072;
  c.rope_theta = 500000.0;
  c.rms_norm_eps = 1e-5;
  c.tie_word_embeddings = false;
  c.qkv_bias = c.o_proj_bias = c.mlp_bias = false;
  c.rope_scaling.llama3 = true;  // factor 8, low 1, high 4, original 8192 (the struct's defaults)
  c.torch_dtype = "bfloat16";
  c.bos_token_id = 128000;
  c.eos_token_ids = {128001};
  return c;
}

struct Known {
  const char* name;
  DecoderConfig (*make)();
};

const Known kKnown[] = {
    {"Qwen2.5-Math-1.5B", [] { return Qwen25Math(1536, 8960, 12, 2, 151936, true); }},
    {"Qwen2.5-Math-7B", [] { return Qwen25Math(3584, 18944, 28, 4, 152064, false); }},
    {"Llama-3.1-8B", Llama31_8B},
};

}  // namespace

std::optional<DecoderConfig> KnownConfig(const std::string& name_or_path) {
  std::string base = name_or_path;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (auto slash = base.rfind('/'); slash != std::string::npos) base = base.substr(slash + 1);
  for (const auto& k : kKnown)
    if (Lower(k.name) == Lower(base) || Lower(std::string("Meta-") + k.name) == Lower(base)) return k.make();
  return std::nullopt;
}

std::vector<std::string> KnownConfigNames() {
  std::vector<std::string> out;
  for (const auto& k : kKnown) out.push_back(k.name);
  return out;
}

}  // namespace upt::lm::io
