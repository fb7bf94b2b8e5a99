#include "lm/model/token_logprobs.h"

#include <torch/torch.h>

namespace upt::lm {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Float32 log-softmax of rows [s, s+n) of hidden [N, d] against the head weight [V, d]:
// logits in the weight's dtype (as a bf16 model computes them), statistics in float32.
torch::Tensor ChunkLogSoftmax(const torch::Tensor& hidden, const torch::Tensor& weight, int64_t s, int64_t n,
                              double inv_temp) {
  auto z = torch::matmul(hidden.narrow(0, s, n), weight.t()).to(torch::kFloat32);
  if (inv_temp != 1.0) z = z * inv_temp;
  return torch::log_softmax(z, -1);
}

// Per-position log p(target) and entropy from hidden states, `chunk` positions at a
// time, never holding more than [chunk, V] float32 logits: forward keeps only the
// inputs and the entropies; backward recomputes each chunk's softmax p and uses
//   d logp_t / dz = onehot(t) - p,   d H / dz = -p (log p + H)   (then / temperature).
struct ChunkedHeadFn : torch::autograd::Function<ChunkedHeadFn> {
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& hidden, const torch::Tensor& weight,
                               const torch::Tensor& target, double inv_temp, int64_t chunk, bool with_entropy) {
    const int64_t N = hidden.size(0);
    auto f32 = hidden.options().dtype(torch::kFloat32);
    auto lp = torch::empty({N}, f32), ent = torch::zeros({N}, f32);
    for (int64_t s = 0; s < N; s += chunk) {
      const int64_t n = std::min(chunk, N - s);
      auto logp = ChunkLogSoftmax(hidden, weight, s, n, inv_temp);
      lp.narrow(0, s, n).copy_(logp.gather(1, target.narrow(0, s, n).unsqueeze(1)).squeeze(1));
      if (with_entropy) ent.narrow(0, s, n).copy_(-(logp.exp() * logp).sum(-1));
    }
    ctx->save_for_backward({hidden, weight, target, ent});
    ctx->saved_data["inv_temp"] = inv_temp;
    ctx->saved_data["chunk"] = chunk;
    return {lp, ent};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &hidden = saved[0], &weight = saved[1], &target = saved[2], &ent = saved[3];
    const double inv_temp = ctx->saved_data["inv_temp"].toDouble();
    const int64_t chunk = ctx->saved_data["chunk"].toInt(), N = hidden.size(0);
    const auto &g_lp = grads[0], &g_ent = grads[1];
    auto dh = torch::zeros_like(hidden);
    auto dw = torch::zeros(weight.sizes(), weight.options().dtype(torch::kFloat32));
    for (int64_t s = 0; s < N; s += chunk) {
      const int64_t n = std::min(chunk, N - s);
      auto logp = ChunkLogSoftmax(hidden, weight, s, n, inv_temp);
      auto p = logp.exp();
      auto gz = torch::zeros_like(p);
      if (g_lp.defined()) {
        auto g = g_lp.narrow(0, s, n).to(torch::kFloat32);
        gz = -p * g.unsqueeze(1);
        gz.scatter_add_(1, target.narrow(0, s, n).unsqueeze(1), g.unsqueeze(1));
      }
      if (g_ent.defined())
        gz = gz - p * (logp + ent.narrow(0, s, n).unsqueeze(1)) * g_ent.narrow(0, s, n).to(torch::kFloat32).unsqueeze(1);
      if (inv_temp != 1.0) gz = gz * inv_temp;
      auto h = hidden.narrow(0, s, n);
      dh.narrow(0, s, n).copy_(torch::matmul(gz.to(weight.scalar_type()), weight));
      dw.add_(torch::matmul(gz.t(), h.to(torch::kFloat32)));
    }
    return {dh, dw.to(weight.scalar_type()), torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

TokenStats TokenLogProbs(Qwen2ForCausalLM& model, const at::Tensor& tokens_in, const at::Tensor& attention_mask,
                         double temperature, bool with_entropy) {
  auto tokens = tokens_in.to(model->device(), torch::kInt64);
  const int64_t B = tokens.size(0), T = tokens.size(1);
  auto target = tokens.narrow(1, 1, T - 1);                                   // [B, T-1]
  TokenStats out;
  const int64_t chunk = model->memory_options().logits_chunk;
  if (chunk > 0) {
    auto hidden = model->Hidden(tokens, attention_mask).narrow(1, 0, T - 1).reshape({B * (T - 1), -1});
    auto r = ChunkedHeadFn::apply(hidden, model->lm_head_weight(), target.reshape({-1}), 1.0 / temperature, chunk,
                                  with_entropy);
    out.logprobs = r[0].view({B, T - 1});
    if (with_entropy) out.entropy = r[1].view({B, T - 1});
  } else {
    auto logits = model->forward(tokens, attention_mask).narrow(1, 0, T - 1);  // [B, T-1, V]
    if (temperature != 1.0) logits = logits / temperature;
    auto logp = torch::log_softmax(logits.to(torch::kFloat32), -1);
    out.logprobs = logp.gather(-1, target.unsqueeze(-1)).squeeze(-1);
    if (with_entropy) out.entropy = -(logp.exp() * logp).sum(-1);
  }
  if (attention_mask.defined()) {
    auto keep = attention_mask.to(model->device()).narrow(1, 1, T - 1).to(torch::kFloat32);
    out.logprobs = out.logprobs * keep;
    if (with_entropy) out.entropy = out.entropy * keep;
  }
  return out;
}

}  // namespace upt::lm
