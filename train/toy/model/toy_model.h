// The toy world's model, defined once (docs/design/toy_world.md): a character-
// level tokenizer over datasets::toy::ToyVocabularySymbols() (<pad> <bos> <eos>
// first) and a Qwen2-shaped decoder (d_model 96, 2 layers, 4 heads, 2 KV heads,
// SwiGLU 256, context 128, tied embeddings; ~0.2 M parameters). `upt pretrain`,
// `upt model init --config toy`, the trainer tests and the benchmarks all take
// the shape from here; lm/ knows only the registered name "toy".
#pragma once

#include <string>

#include "lm/io/qwen2_config.h"

namespace upt::train::toy {

struct ToyModelOptions {
  int hidden_size = 96;
  int num_layers = 2;
  int num_heads = 4;
  int num_kv_heads = 2;
  int intermediate_size = 256;
  int context = 128;  // positions: prompt (<= 24 symbols) + response (<= 64) with room to spare
  template <class V>
  void ForEach(V&& v) {
    v("hidden_size", hidden_size, "d_model");
    v("num_layers", num_layers, "decoder layers");
    v("num_heads", num_heads, "attention heads");
    v("num_kv_heads", num_kv_heads, "key/value heads (GQA)");
    v("intermediate_size", intermediate_size, "SwiGLU width");
    v("context", context, "max_position_embeddings (tokens)");
  }
};

// The toy tokenizer.json (<pad> <bos> <eos> + the toy symbols).
std::string ToyTokenizerJson();
// The toy model's config: shape from `m`, vocabulary and special ids from ToyTokenizerJson().
lm::io::Qwen2Config ToyModelConfig(const ToyModelOptions& m = {});
// Registers "toy" (ToyModelConfig() + ToyTokenizerJson()) as a named model config
// for `upt model init --config toy` (lm::RegisterModelConfigPreset); idempotent.
void RegisterToyModelPreset();

}  // namespace upt::train::toy
