#include "lm/generate/batched_sampler.h"

#include <cmath>
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

// Branch-free (vectorisable) scan of a row for NaN or +inf.
bool HasNanOrPosInf(const float* row, int64_t n) {
  const float inf = std::numeric_limits<float>::infinity();
  int bad = 0;
  for (int64_t j = 0; j < n; ++j) bad |= static_cast<int>(row[j] != row[j]) | static_cast<int>(row[j] == inf);
  return bad != 0;
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
    // Weights in float (as sampler.cpp), doubles only for the running sums.
    auto z = masked.sub(best).mul_(static_cast<float>(1.0 / p.temperature));
    if (p.top_k > 0 && p.top_k < V) {
      auto kth = std::get<0>(masked.topk(p.top_k, 1)).select(1, p.top_k - 1).unsqueeze(1);
      z.masked_fill_(masked < kth, neg_inf);
    }
    auto w = z.masked_fill_(z <= -80.0f, neg_inf).exp_();  // also drops -inf and NaN
    auto u = torch::tensor(uniforms, torch::kDouble).to(dev).unsqueeze(1);
    torch::Tensor total;
    if (p.top_p < 1.0) {
      const int64_t K = std::min<int64_t>(64, V);
      auto need = w.sum(1, true, torch::kDouble) * p.top_p;
      auto [vals_f, idx] = w.topk(K, 1);
      auto vals = vals_f.to(torch::kDouble);
      auto reached = vals.cumsum(1).select(1, -1) >= need.squeeze(1);
      auto rows = reached.logical_not().nonzero().squeeze(1);
      if (rows.numel() > 0) {
        // The nucleus needs more than K tokens. Only tokens with weight >= (1 - top_p) x total / n
        // can be in it (the rest total less than 1 - top_p; sampler.cpp's bound), so a
        // larger partial selection of that many suffices.
        auto wr = w.index_select(0, rows);
        auto n = (wr > 0).sum(1, true, torch::kDouble).clamp_min(1);
        auto tau = (need.index_select(0, rows) * ((1.0 - p.top_p) / p.top_p) / n).to(torch::kFloat32);
        const int64_t K2 = std::max<int64_t>(K, (wr >= tau).sum(1).max().item<int64_t>());
        auto [more_vals, more_idx] = wr.topk(K2, 1);
        vals = torch::cat({vals, torch::zeros({B, K2 - K}, vals.options())}, 1);
        idx = torch::cat({idx, torch::zeros({B, K2 - K}, idx.options())}, 1);
        vals.index_copy_(0, rows, more_vals.to(torch::kDouble));
        idx.index_copy_(0, rows, more_idx);
      }
      auto kept = vals * NucleusKeep(vals, need);
      if (p.min_p > 0) kept = kept * (kept >= p.min_p);
      auto pos = Draw(kept, u, &total);
      token = idx.gather(1, pos);
      sampling_lp = (kept.gather(1, pos) / total).log();
    } else {
      auto wd = w.to(torch::kDouble);
      if (p.min_p > 0) wd = wd * (wd >= p.min_p);
      token = Draw(wd, u, &total);
      sampling_lp = (wd.gather(1, token) / total).log();
    }
  }
  auto raw_lp = (logits.gather(1, token) - logits.logsumexp(1, true)).to(torch::kDouble);
  auto none = torch::isfinite(best).logical_not().squeeze(1);  // every id banned, or NaN/inf logits
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

SampledBatch SampleRowsOnCpu(const at::Tensor& logits_in, const SamplingParams& p, const std::vector<double>& uniforms,
                             const std::vector<int32_t>& banned) {
  UPT_CHECK(logits_in.device().is_cpu(), "SampleRowsOnCpu needs CPU logits");
  auto logits = logits_in.to(torch::kFloat32);
  if (logits.stride(1) != 1) logits = logits.contiguous();
  const int64_t B = logits.size(0), V = logits.size(1), stride = logits.stride(0);
  UPT_CHECK(static_cast<int64_t>(uniforms.size()) == B, "one uniform per row");
  const float* base = logits.data_ptr<float>();
  SampledBatch out;
  out.tokens.assign(static_cast<size_t>(B), -1);
  out.logprobs.assign(static_cast<size_t>(B), 0.0f);
  out.sampling_logprobs.assign(static_cast<size_t>(B), 0.0f);
  for (int64_t i = 0; i < B; ++i) {
    const float* row = base + i * stride;
    if (HasNanOrPosInf(row, V)) continue;
    const SampledToken t = SampleFromLogits(row, V, p, uniforms[static_cast<size_t>(i)], banned);
    out.tokens[static_cast<size_t>(i)] = t.token;
    out.logprobs[static_cast<size_t>(i)] = t.logprob;
    out.sampling_logprobs[static_cast<size_t>(i)] = t.sampling_logprob;
  }
  return out;
}

}  // namespace upt::lm
