// Teacher-forced per-token log-probabilities (and entropies) for training and
// `upt model logprobs`. Differentiable unless called under NoGradGuard.
#pragma once

#include "lm/model/qwen2.h"

namespace upt::lm {

struct TokenStats {
  at::Tensor logprobs;  // [B, T-1]: log p(tokens[:, t+1] | tokens[:, :t+1]) at temperature `temperature`
  at::Tensor entropy;   // [B, T-1]: entropy of the predictive distribution (undefined unless asked)
};

// With model->memory_options().logits_chunk > 0 the [B, T-1, V] logits are never
// materialised: log-softmax and entropy run over that many positions at a time and
// are recomputed in backward (same values and gradients up to float rounding).
// tokens [B, T] int64; attention_mask [B, T] (1 = token, 0 = padding) or undefined.
// Positions whose target is padding get log-prob 0 (and entropy 0). Logits are
// divided by `temperature` first (verl computes old/new log-probs this way).
TokenStats TokenLogProbs(Qwen2ForCausalLM& model, const at::Tensor& tokens, const at::Tensor& attention_mask = {},
                         double temperature = 1.0, bool with_entropy = false);

}  // namespace upt::lm
