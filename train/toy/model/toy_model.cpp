#include "train/toy/model/toy_model.h"

#include <mutex>

#include "datasets/toy/toy_world.h"
#include "lm/model/model_tools.h"
#include "lm/tokenizer/char_level.h"
#include "lm/tokenizer/tokenizer.h"

namespace upt::train::toy {

std::string ToyTokenizerJson() { return lm::MakeCharLevelTokenizerJson(datasets::toy::ToyVocabularySymbols()); }

lm::io::Qwen2Config ToyModelConfig(const ToyModelOptions& m) {
  static const lm::Tokenizer tok = lm::Tokenizer::FromJsonText(ToyTokenizerJson(), "toy tokenizer");
  lm::io::Qwen2Config c;
  c.vocab_size = tok.vocab_size();
  c.hidden_size = m.hidden_size;
  c.intermediate_size = m.intermediate_size;
  c.num_hidden_layers = m.num_layers;
  c.num_attention_heads = m.num_heads;
  c.num_key_value_heads = m.num_kv_heads;
  c.max_position_embeddings = m.context;
  c.rope_theta = 10000.0;
  c.tie_word_embeddings = true;
  c.torch_dtype = "float32";
  c.pad_token_id = tok.TokenToId("<pad>");
  c.bos_token_id = tok.TokenToId("<bos>");
  c.eos_token_ids = {tok.TokenToId("<eos>")};
  return c;
}

void RegisterToyModelPreset() {
  static std::once_flag once;
  std::call_once(once, [] {
    lm::RegisterModelConfigPreset("toy", {ToyModelConfig(), ToyTokenizerJson()},
                                  "the toy world's model (train/toy/model/toy_model.h), with its tokenizer");
  });
}

}  // namespace upt::train::toy
