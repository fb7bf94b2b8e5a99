#include "lm/model/attention.h"

#include <cmath>
#include <limits>

#include <torch/torch.h>

namespace upt::lm {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// [B, 1, 1, tq, sk] bool: key slot s0 + j is visible from query slot q0 + i.
torch::Tensor Allowed(const torch::Tensor& key_valid, int64_t q0, int64_t tq, int64_t s0, int64_t sk) {
  auto opts = torch::TensorOptions().dtype(torch::kInt64).device(key_valid.device());
  auto qs = torch::arange(q0, q0 + tq, opts).unsqueeze(1), ks = torch::arange(s0, s0 + sk, opts).unsqueeze(0);
  auto valid = key_valid.narrow(1, s0, sk).unsqueeze(1);  // [B, 1, sk]
  auto allowed = ((ks <= qs).unsqueeze(0) & valid) | (ks == qs).unsqueeze(0);
  return allowed.unsqueeze(1).unsqueeze(1);
}

// Scaled float32 scores of a query block against a key block, masked to -inf:
// qb [B, Hkv, G, tq, D], kb [B, Hkv, sk, D] -> [B, Hkv, G, tq, sk].
torch::Tensor BlockScores(const torch::Tensor& qb, const torch::Tensor& kb, const torch::Tensor& allowed, double scale) {
  const int64_t B = qb.size(0), H = qb.size(1), G = qb.size(2), tq = qb.size(3), D = qb.size(4), sk = kb.size(2);
  auto s = torch::matmul(qb.reshape({B, H, G * tq, D}), kb.transpose(-1, -2)).view({B, H, G, tq, sk});
  return (s.to(torch::kFloat32) * scale).masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
}

// p [B, H, G, tq, sk] @ vb [B, H, sk, D] -> [B, H, G, tq, D].
torch::Tensor ApplyProbs(const torch::Tensor& p, const torch::Tensor& vb) {
  const int64_t B = p.size(0), H = p.size(1), G = p.size(2), tq = p.size(3), sk = p.size(4);
  return torch::matmul(p.reshape({B, H, G * tq, sk}), vb).view({B, H, G, tq, vb.size(-1)});
}

struct BlockAttentionFn : torch::autograd::Function<BlockAttentionFn> {
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, const torch::Tensor& key_valid, int64_t offset, int64_t block) {
    const int64_t T = q.size(3), S = k.size(2);
    const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(4)));
    auto out = torch::empty_like(q);
    auto lse = torch::empty(q.sizes().slice(0, 4), q.options().dtype(torch::kFloat32));
    const float ninf = -std::numeric_limits<float>::infinity();
    for (int64_t t0 = 0; t0 < T; t0 += block) {
      const int64_t tq = std::min(block, T - t0);
      auto qb = q.narrow(3, t0, tq);
      auto m = torch::full(qb.sizes().slice(0, 4), ninf, lse.options());
      auto l = torch::zeros_like(m);
      auto acc = torch::zeros(qb.sizes(), lse.options());
      const int64_t s_end = std::min(S, offset + t0 + tq);  // later keys are in every query's future
      for (int64_t s0 = 0; s0 < s_end; s0 += block) {
        const int64_t sk = std::min(block, s_end - s0);
        auto s = BlockScores(qb, k.narrow(2, s0, sk), Allowed(key_valid, offset + t0, tq, s0, sk), scale);
        auto m_new = torch::maximum(m, std::get<0>(s.max(-1)));
        auto m_safe = torch::where(torch::isinf(m_new), torch::zeros_like(m_new), m_new);
        auto alpha = torch::exp(m - m_safe);
        auto p = torch::exp(s - m_safe.unsqueeze(-1));
        l = l * alpha + p.sum(-1);
        acc = acc * alpha.unsqueeze(-1) + ApplyProbs(p.to(v.scalar_type()), v.narrow(2, s0, sk)).to(torch::kFloat32);
        m = m_new;
      }
      out.narrow(3, t0, tq).copy_(acc / l.unsqueeze(-1));
      lse.narrow(3, t0, tq).copy_(m + torch::log(l));
    }
    ctx->save_for_backward({q, k, v, key_valid, out, lse});
    ctx->saved_data["offset"] = offset;
    ctx->saved_data["block"] = block;
    return {out};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &q = saved[0], &k = saved[1], &v = saved[2], &key_valid = saved[3], &out = saved[4], &lse = saved[5];
    const int64_t offset = ctx->saved_data["offset"].toInt(), block = ctx->saved_data["block"].toInt();
    const int64_t B = q.size(0), H = q.size(1), G = q.size(2), T = q.size(3), D = q.size(4), S = k.size(2);
    const double scale = 1.0 / std::sqrt(static_cast<double>(D));
    auto dout = grads[0].to(torch::kFloat32);
    auto delta = (dout * out.to(torch::kFloat32)).sum(-1);  // [B, H, G, T]
    auto dq = torch::zeros(q.sizes(), lse.options()), dk = torch::zeros(k.sizes(), lse.options()),
         dv = torch::zeros(v.sizes(), lse.options());
    for (int64_t t0 = 0; t0 < T; t0 += block) {
      const int64_t tq = std::min(block, T - t0);
      auto qb = q.narrow(3, t0, tq);
      auto qf = qb.to(torch::kFloat32).reshape({B, H, G * tq, D});
      auto dob = dout.narrow(3, t0, tq).reshape({B, H, G * tq, D});
      const int64_t s_end = std::min(S, offset + t0 + tq);
      for (int64_t s0 = 0; s0 < s_end; s0 += block) {
        const int64_t sk = std::min(block, s_end - s0);
        auto kb = k.narrow(2, s0, sk), vb = v.narrow(2, s0, sk);
        auto s = BlockScores(qb, kb, Allowed(key_valid, offset + t0, tq, s0, sk), scale);
        auto p = torch::exp(s - lse.narrow(3, t0, tq).unsqueeze(-1)).reshape({B, H, G * tq, sk});
        dv.narrow(2, s0, sk).add_(torch::matmul(p.transpose(-1, -2), dob));
        auto dp = torch::matmul(dob, vb.to(torch::kFloat32).transpose(-1, -2));
        auto ds = p * (dp - delta.narrow(3, t0, tq).reshape({B, H, G * tq, 1})) * scale;
        dq.narrow(3, t0, tq).add_(torch::matmul(ds, kb.to(torch::kFloat32)).view({B, H, G, tq, D}));
        dk.narrow(2, s0, sk).add_(torch::matmul(ds.transpose(-1, -2), qf));
      }
    }
    return {dq.to(q.scalar_type()), dk.to(k.scalar_type()), dv.to(v.scalar_type()), torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

at::Tensor NaiveAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& key_valid,
                          int64_t offset) {
  const int64_t T = q.size(3), S = k.size(2);
  auto allowed = Allowed(key_valid, offset, T, 0, S);
  auto scores = torch::matmul(q.flatten(2, 3), k.transpose(-1, -2)).view({q.size(0), q.size(1), q.size(2), T, S});
  scores = scores * (1.0 / std::sqrt(static_cast<double>(q.size(4))));
  scores = scores.masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest());
  auto probs = torch::softmax(scores.to(torch::kFloat32), -1).to(q.scalar_type());
  return ApplyProbs(probs, v);
}

at::Tensor BlockAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& key_valid,
                          int64_t offset, int64_t block) {
  TORCH_CHECK(block > 0, "attention block must be positive");
  return BlockAttentionFn::apply(q, k, v, key_valid, offset, block)[0];
}

}  // namespace upt::lm
