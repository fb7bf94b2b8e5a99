#include "lm/generate/batched_sampler.h"

#include <limits>

#include <torch/torch.h>

#include "core/error.h"

namespace upt::lm {
namespace {

// Candidates in most-likely-first order for top-p: `vals`, `idx` [B, K], sorted
// descending (ties by id for the full sort). Returns the kept prefix mask.
torch::Tensor NucleusKeep(const torch::Tensor& vals, const torch::Tensor& need) {
  auto before = vals.cumsum(1) - vals;
  auto first = torch::zeros_like(vals, torch::kBool);
  first.select(1, 0).fill_(true);
  return ((before < need) & (vals > 0)) | first;
}

// Draws from weights `w` [B, K] (a kept prefix or all ids) with targets u * total:
// the first position whose running sum exceeds the target, else the last kept one.
torch::Tensor Draw(const torch::Tensor& w, const torch::Tensor& u, torch::Tensor* total) {
  auto csum = w.cumsum(1);
  *total = csum.select(1, -1).unsqueeze(1);
  auto pos = torch::searchsorted(csum, u * *total, /*out_int32=*/false, /*right=*/true);
  const int64_t K = w.size(1);
  auto ar = torch::arange(K, torch::TensorOptions().dtype(torch::kInt64).device(w.device())).unsqueeze(0);
  auto last_kept = torch::where(w > 0, ar, torch::zeros_like(ar)).amax(1, true);
  return torch::minimum(pos, last_kept);
}

}  // namespace

SampledBatch SampleBatch(const at::Tensor& logits_in, const SamplingParams& p, const std::vector<double>& uniforms,
                         const at::Tensor& banned) {
  torch::NoGradGuard ng;
  auto logits = logits_in.to(torch::kFloat32);
  const int64_t B = logits.size(0), V = logits.size(1);
  UPT_CHECK(static_cast<int64_t>(uniforms.size()) == B, "one uniform per row");
  const auto dev = logits.device();
  const float neg_inf = -std::numeric_limits<float>::infinity();
  auto masked = banned.defined() ? logits.masked_fill(banned.unsqueeze(0), neg_inf) : logits;
  auto best = std::get<0>(masked.max(1, true));  // [B, 1]
  torch::Tensor token, sampling_lp;
  if (p.temperature <= 0) {
    token = masked.argmax(1, true);  // first maximum = lowest id on ties
    sampling_lp = torch::zeros({B, 1}, torch::TensorOptions().dtype(torch::kDouble).device(dev));
  } else {
    auto z = (masked - best) * static_cast<float>(1.0 / p.temperature);
    if (p.top_k > 0 && p.top_k < V) {
      auto kth = std::get<0>(masked.topk(p.top_k, 1)).select(1, p.top_k - 1).unsqueeze(1);
      z = z.masked_fill(masked < kth, neg_inf);
    }
    auto w = torch::where(z > -80.0f, z.exp(), torch::zeros_like(z)).to(torch::kDouble);  // [B, V]
    auto u = torch::tensor(uniforms, torch::kDouble).to(dev).unsqueeze(1);
    torch::Tensor total;
    if (p.top_p < 1.0) {
      const int64_t K = std::min<int64_t>(64, V);
      auto need = w.cumsum(1).select(1, -1).unsqueeze(1) * p.top_p;
      auto [vals, idx] = w.topk(K, 1);
      auto reached = vals.cumsum(1).select(1, -1) >= need.squeeze(1);
      auto rows = reached.logical_not().nonzero().squeeze(1);
      if (rows.numel() > 0) {  // the nucleus needs more than K tokens: sort those rows fully
        auto [all_vals, all_idx] = w.index_select(0, rows).sort(/*stable=*/true, 1, /*descending=*/true);
        vals = torch::cat({vals, torch::zeros({B, V - K}, vals.options())}, 1);
        idx = torch::cat({idx, torch::zeros({B, V - K}, idx.options())}, 1);
        vals.index_copy_(0, rows, all_vals);
        idx.index_copy_(0, rows, all_idx);
      }
      auto kept = vals * NucleusKeep(vals, need);
      if (p.min_p > 0) kept = kept * (kept >= p.min_p);
      auto pos = Draw(kept, u, &total);
      token = idx.gather(1, pos);
      sampling_lp = (kept.gather(1, pos) / total).log();
    } else {
      if (p.min_p > 0) w = w * (w >= p.min_p);
      token = Draw(w, u, &total);
      sampling_lp = (w.gather(1, token) / total).log();
    }
  }
  auto raw_lp = logits.to(torch::kDouble).log_softmax(1).gather(1, token);
  auto none = torch::isinf(best).squeeze(1);  // every id banned
  auto tok_cpu = torch::where(none, torch::full_like(token.squeeze(1), -1), token.squeeze(1)).to(torch::kCPU);
  auto lp_cpu = raw_lp.squeeze(1).to(torch::kCPU, torch::kFloat32).contiguous();
  auto slp_cpu = sampling_lp.squeeze(1).to(torch::kCPU, torch::kFloat32).contiguous();
  SampledBatch out;
  out.tokens.resize(static_cast<size_t>(B));
  out.logprobs.assign(lp_cpu.data_ptr<float>(), lp_cpu.data_ptr<float>() + B);
  out.sampling_logprobs.assign(slp_cpu.data_ptr<float>(), slp_cpu.data_ptr<float>() + B);
  auto t = tok_cpu.to(torch::kInt64).contiguous();
  const int64_t* tp = t.data_ptr<int64_t>();
  for (int64_t i = 0; i < B; ++i) out.tokens[static_cast<size_t>(i)] = static_cast<int32_t>(tp[i]);
  return out;
}

}  // namespace upt::lm
