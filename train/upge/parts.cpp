#include "train/upge/parts.h"

#include <torch/torch.h>

#include "core/error.h"
#include "train/upge/advantage.h"

namespace upt::train {
namespace {

at::Tensor Bcast(const at::Tensor& row, const at::Tensor& like) { return row.unsqueeze(1).expand_as(like); }

// Per-row mean over the row's response tokens of x [B, T] -> [B] (0 for empty rows).
at::Tensor RowMean(const at::Tensor& x, const at::Tensor& mask) {
  auto m = mask.to(x.scalar_type());
  return (x * m).sum(1) / m.sum(1).clamp_min(1);
}

at::Tensor Entropy(const PartInput& in) {
  const auto& b = *in.batch;
  if (!b.entropy.defined())
    throw Error("this advantage needs per-token entropy", "rollout batch: field 'entropy'",
                "fill batch.entropy with TokenEntropy(logits)");
  return RowMean(b.entropy.detach(), b.response_mask);
}

at::Tensor Reward(const PartInput& in) { return in.batch->reward.to(in.batch->logp.scalar_type()); }

GroupAdvantageOptions GroupOpts(const PartInput& in) { return {in.opts->norm_adv_by_std, in.opts->adv_epsilon}; }

// PPO/GRPO clip in the min(ρÂ, clip(ρ)Â) form: masked when (Â>0, ρ>1+ε_high)
// or (Â<0, ρ<1-ε_low). `r` is ρ per token ([B, T]), or s_i broadcast (GSPO).
MaskOut ClipMask(const at::Tensor& r, const at::Tensor& adv, const UpgeOptions& o) {
  auto high = (adv > 0) & (r > 1.0 + o.clip_ratio_high);
  auto low = (adv < 0) & (r < 1.0 - o.clip_ratio_low);
  auto clipped = high | low;
  MaskOut m;
  m.keep = clipped.logical_not().to(r.scalar_type());
  m.value = r.clamp(1.0 - o.clip_ratio_low, 1.0 + o.clip_ratio_high);
  m.clipped = clipped;
  return m;
}

}  // namespace

void RegisterMasks(Registry<MaskFn>& r) {
  r.Add("none", [](const PartInput& in) {
    MaskOut m;
    m.keep = torch::ones_like(in.ratio);
    return m;
  }, "no stabilization (SFT, REINFORCE, LUFFY/SRFT off-policy, HPT code's unclipped GRPO)");
  r.Add("ppo_clip", [](const PartInput& in) { return ClipMask(in.ratio, in.adv, *in.opts); },
        "PPO/GRPO clip with clip_ratio_low/high (DAPO clip-higher when they differ)");
  r.Add("dual_clip", [](const PartInput& in) {
    MaskOut m = ClipMask(in.ratio, in.adv, *in.opts);
    const double c = in.opts->clip_ratio_c;
    auto lower = (in.adv < 0) & (in.ratio > c);
    m.keep = m.keep * lower.logical_not().to(m.keep.scalar_type());
    m.value = torch::where(lower, torch::full_like(m.value, c), m.value);
    m.clipped_lower = lower;
    return m;
  }, "ppo_clip plus dual clip: Â<0 and ratio > clip_ratio_c is masked (Ye et al. 2020)");
  r.Add("seq_clip", [](const PartInput& in) {
    return ClipMask(Bcast(in.seq_ratio, in.ratio), in.adv, *in.opts);
  }, "GSPO: the sequence ratio s_i = exp(mean_t log ρ_t) clipped as in ppo_clip, masking whole rows");
  r.Add("cispo", [](const PartInput& in) {
    const auto& o = *in.opts;
    auto clamped = in.ratio.clamp(1.0 - o.clip_ratio_low, 1.0 + o.clip_ratio_high);
    MaskOut m;
    m.keep = clamped / in.ratio;  // gradient weight clip(ρ)·∇log π instead of ρ·∇log π
    m.clipped = clamped != in.ratio;
    return m;
  }, "CISPO: stop-gradient clipped IS weight, clip(ρ)/ρ, never a hard zero (MiniMax-M1 2025)");
}

void RegisterDenominators(Registry<DenominatorFn>& r) {
  r.Add("pi_theta", [](const at::Tensor& loglik, const PartInput&) { return loglik; },
        "1/π_θ: W = log π_θ, gradient ∇log π (SFT, REINFORCE)");
  r.Add("pi_old", [](const at::Tensor& loglik, const PartInput& in) {
    return (loglik - in.batch->old_logp.detach()).exp();
  }, "1/π_θold: W = ρ = exp(log π_θ - log π_old) (PPO, GRPO)");
  r.Add("pi_old_seq", [](const at::Tensor& loglik, const PartInput& in) {
    return Bcast(in.seq_ratio, loglik) * (loglik - loglik.detach()).exp();
  }, "GSPO: W = sg(s_i)·π_θ/sg(π_θ), gradient s_i·∇log π (token-level GSPO)");
  r.Add("one", [](const at::Tensor& loglik, const PartInput&) { return loglik.exp(); },
        "π_ref ≡ 1: W = π_θ (offline data without behaviour probabilities)");
  r.Add("one_shaped", [](const at::Tensor& loglik, const PartInput& in) {
    auto p = loglik.exp();
    return p / (p + in.opts->shaping_gamma);
  }, "π_ref ≡ 1 with LUFFY policy shaping: W = p/(p+γ), γ = shaping_gamma");
}

void RegisterAdvantages(Registry<AdvantageFn>& r) {
  r.Add("const_one", [](const PartInput& in) { return torch::ones_like(Reward(in)); }, "Â ≡ 1 (SFT)");
  r.Add("reward", [](const PartInput& in) { return Reward(in); }, "Â = R (REINFORCE without baseline)");
  r.Add("reinforce_pm1", [](const PartInput& in) {
    auto R = Reward(in);
    return torch::where(R > 0, torch::ones_like(R), -torch::ones_like(R));
  }, "Â = ±1: +1 if R > 0 else -1 (REINFORCE row of Table 1)");
  r.Add("grpo_split", [](const PartInput& in) {
    const auto& b = *in.batch;
    return GroupAdvantages(Reward(in), GroupKeys(b.group_id, b.is_demo, true), GroupOpts(in));
  }, "GRPO over G_on: demonstration rows form their own group per question (HPT)");
  r.Add("grpo_mixed", [](const PartInput& in) {
    const auto& b = *in.batch;
    return GroupAdvantages(Reward(in), GroupKeys(b.group_id, b.is_demo, false), GroupOpts(in));
  }, "GRPO over G_on ∪ G_off: on- and off-policy rows of a question share one group (LUFFY, SRFT)");
  r.Add("rloo", [](const PartInput& in) {
    const auto& b = *in.batch;
    auto keys = GroupKeys(b.group_id, b.is_demo, true);
    auto centred = GroupAdvantages(Reward(in), keys, {false, 0.0});
    auto [u, inv, counts] = torch::_unique2(keys, true, true, true);
    auto n = counts.index_select(0, inv).to(centred.scalar_type());
    return torch::where(n > 1, centred * n / (n - 1).clamp_min(1), centred);
  }, "RLOO leave-one-out baseline: R_i - mean_{j≠i} R_j (Ahmadian et al. 2024)");
  r.Add("srft_on", [](const PartInput& in) {
    auto R = Reward(in);
    auto H = Entropy(in);
    return torch::where(R > 0.5, 0.1 * H.exp(), -torch::ones_like(R));
  }, "SRFT on-policy weight w: 0.1·exp(H) if R = 1 else -1 (H = row mean entropy, detached)");
  r.Add("srft_sft", [](const PartInput& in) { return 0.5 * (-Entropy(in)).exp(); },
        "SRFT demonstration SFT weight 0.5·exp(-H)");
}

bool AdvantageNeedsGroups(const std::string& name) {
  AdvantageRegistry().Get(name);  // unknown names list the valid ones
  return name == "grpo_split" || name == "grpo_mixed" || name == "rloo";
}

void RegisterLikelihoods(Registry<LikelihoodFn>& r) {
  r.Add("token", [](const PartInput& in) { return in.batch->logp; },
        "∇π_θ per response token through log π_θ(a_t) (the same for every algorithm)");
}

void RegisterAggregations(Registry<AggregationFn>& r) {
  r.Add("token-mean", [](const at::Tensor& l, const at::Tensor& m, int64_t) {
    return (l * m).sum() / m.sum().clamp_min(1e-8);
  }, "Σ_{b,t} l·m / Σ m (DAPO)");
  r.Add("seq-mean-token-mean", [](const at::Tensor& l, const at::Tensor& m, int64_t) {
    auto n = m.sum(1);
    auto has = (n > 0).to(l.scalar_type());
    return (((l * m).sum(1) / n.clamp_min(1e-8)) * has).sum() / has.sum().clamp_min(1);
  }, "mean over rows of the row's token mean (GRPO paper, Shao 2024)");
  r.Add("seq-mean-token-sum", [](const at::Tensor& l, const at::Tensor& m, int64_t) {
    auto has = (m.sum(1) > 0).to(l.scalar_type());
    return (l * m).sum(1).sum() / has.sum().clamp_min(1);
  }, "mean over rows of the row's token sum (HPT Eq. 11 as transcribed)");
  r.Add("seq-mean-token-sum-norm", [](const at::Tensor& l, const at::Tensor& m, int64_t L_max) {
    auto has = (m.sum(1) > 0).to(l.scalar_type());
    return (l * m).sum() / static_cast<double>(L_max) / has.sum().clamp_min(1);
  }, "mean over rows of Σ_t l / L_max (modern verl Dr. GRPO)");
  r.Add("token-sum-norm", [](const at::Tensor& l, const at::Tensor& m, int64_t L_max) {
    return (l * m).sum() / static_cast<double>(L_max);
  }, "Σ_{b,t} l / L_max, not divided by the row count (HPT/LUFFY code: loss_remove_token_mean)");
}

#define UPT_UPGE_REGISTRY(Type, Accessor, Fill, kind) \
  const Registry<Type>& Accessor() {                  \
    static const Registry<Type> reg = [] {            \
      Registry<Type> r(kind);                         \
      Fill(r);                                        \
      return r;                                       \
    }();                                              \
    return reg;                                       \
  }
UPT_UPGE_REGISTRY(MaskFn, MaskRegistry, RegisterMasks, "stabilization mask")
UPT_UPGE_REGISTRY(DenominatorFn, DenominatorRegistry, RegisterDenominators, "reference-policy denominator")
UPT_UPGE_REGISTRY(AdvantageFn, AdvantageRegistry, RegisterAdvantages, "advantage estimate")
UPT_UPGE_REGISTRY(LikelihoodFn, LikelihoodRegistry, RegisterLikelihoods, "likelihood gradient")
UPT_UPGE_REGISTRY(AggregationFn, AggregationRegistry, RegisterAggregations, "loss aggregation")
#undef UPT_UPGE_REGISTRY

at::Tensor AggregateLoss(const at::Tensor& loss_mat, const at::Tensor& mask, const std::string& mode, int64_t L_max) {
  return AggregationRegistry().Get(mode)(loss_mat, mask.to(loss_mat.scalar_type()), L_max);
}

}  // namespace upt::train
