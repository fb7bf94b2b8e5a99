// Prompt and demonstration token layout of the trainer. Prompts are rendered by
// lm/tokenizer/chat_template.h (qwen25-math, qwen-chat, plain, llama-qa, toy);
// "auto" picks toy for a toy tokenizer (`\boxed{` is one token), else qwen25-math.
// The toy layout is <bos> problem ' ' | response <eos>, the pre-training
// corpus's (problem + " " + demonstration).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lm/tokenizer/tokenizer.h"

namespace upt::train {

class PromptFormat {
 public:
  PromptFormat(std::string template_name, const lm::Tokenizer* tokenizer);
  const std::string& name() const { return name_; }
  std::vector<int32_t> Prompt(const std::string& problem) const;
  // Demonstration tokens followed by the stop token, truncated to max_tokens in all.
  std::vector<int32_t> Demonstration(const std::string& target, int max_tokens) const;
  int32_t eos() const { return eos_; }       // the token ending a response
  std::vector<std::string> stop() const;      // the template's stop strings
  // Ends demonstrations with `eos_token` of <model_dir>/tokenizer_config.json
  // (upstream appends tokenizer.eos_token_id: HPT mix_vllm_rollout.py); keeps
  // the template's token when the file or the key is absent.
  void UseTokenizerEos(const std::string& model_dir);

 private:
  std::string name_;
  const lm::Tokenizer* tok_;
  int32_t bos_ = -1, eos_ = -1, demo_eos_ = -1;
};

}  // namespace upt::train
