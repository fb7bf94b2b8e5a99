#include "lm/model/token_logprobs.h"

#include <torch/torch.h>

namespace upt::lm {

TokenStats TokenLogProbs(Qwen2ForCausalLM& model, const at::Tensor& tokens_in, const at::Tensor& attention_mask,
                         double temperature, bool with_entropy) {
  auto tokens = tokens_in.to(model->device(), torch::kInt64);
  const int64_t T = tokens.size(1);
  auto logits = model->forward(tokens, attention_mask).narrow(1, 0, T - 1);  // [B, T-1, V]
  if (temperature != 1.0) logits = logits / temperature;
  auto logp = torch::log_softmax(logits.to(torch::kFloat32), -1);
  auto target = tokens.narrow(1, 1, T - 1);                                   // [B, T-1]
  TokenStats out;
  out.logprobs = logp.gather(-1, target.unsqueeze(-1)).squeeze(-1);
  at::Tensor keep;
  if (attention_mask.defined()) {
    keep = attention_mask.to(model->device()).narrow(1, 1, T - 1).to(torch::kFloat32);
    out.logprobs = out.logprobs * keep;
  }
  if (with_entropy) {
    out.entropy = -(logp.exp() * logp).sum(-1);
    if (keep.defined()) out.entropy = out.entropy * keep;
  }
  return out;
}

}  // namespace upt::lm
