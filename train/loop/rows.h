// Step rows: what one training step trains on, and their tensors.
// A row is a prompt and a response (rollout or demonstration); rows of one
// question share `question` (the GRPO group). Tensors (B rows, P = longest
// prompt, R = longest response):
//   tokens [B, P+R] int64: prompt left-padded to P, response right-padded to R
//   attention [B, P+R]: 1 on real tokens
//   response_mask [B, R] float: 1 on response tokens
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lm/model/qwen2.h"

namespace upt::train {

struct StepRow {
  int question = 0;                 // index of the question within the step
  std::vector<int32_t> prompt;
  std::vector<int32_t> response;    // includes the stop token when generated/appended
  double reward = 0.0;
  bool is_demo = false;
  uint8_t demo_loss = 0;            // kDemoLossSft | kDemoLossOff (demonstrations only)
  bool truncated = false;           // rollout hit max_new_tokens
};

struct RowTensors {
  at::Tensor tokens, attention, response_mask;
  int64_t prompt_width = 0, response_width = 0;
};

// Builds the tensors of rows[i] for i in `index` (all rows when empty).
RowTensors BuildRowTensors(const std::vector<StepRow>& rows, const std::vector<int>& index, int32_t pad_id);

struct ResponseStats {
  at::Tensor logp;     // [B, R] log π(a_t) of response tokens (0 on padding)
  at::Tensor entropy;  // [B, R] (undefined unless asked)
};
// Teacher-forced response log-probs (logits / temperature, as verl computes them).
ResponseStats ResponseLogProbs(lm::Qwen2ForCausalLM& model, const RowTensors& t, double temperature,
                               bool with_entropy);

}  // namespace upt::train
