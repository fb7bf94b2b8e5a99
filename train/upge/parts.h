// The four parts of the Unified Policy Gradient Estimator (arXiv 2509.04419
// §3, hpt_spec §1) plus loss aggregation, each a registry of named choices
// with one signature:
//
//   grad_uni = 1_stable · (1/pi_ref) · Â · ∇pi_theta          (per token)
//
// Per token the estimator builds the surrogate
//   l_t = -Â_t · ( keep_t · W_t + stopgrad((1 - keep_t) · V_t) )
// where W_t = denominator(likelihood(batch)) is chosen so that
// ∇W_t = ∇pi_theta(a_t) / pi_ref(a_t), keep_t is the stabilization mask (a
// stop-gradient weight, usually 0/1) and V_t is the constant value of masked
// tokens (e.g. clip(ρ)·Â for PPO), so reported losses match verl while the
// gradient is exactly the masked UPGE. Shapes: [B, T] unless stated.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <string>

#include "core/registry.h"
#include "train/upge/batch.h"

namespace upt::train {

// Numeric knobs shared by the parts (verl names where they exist).
struct UpgeOptions {
  double clip_ratio_low = 0.2;    // ε_low: ratio < 1 - ε_low is clipped when Â < 0
  double clip_ratio_high = 0.2;   // ε_high: ratio > 1 + ε_high is clipped when Â > 0 (DAPO clip-higher)
  double clip_ratio_c = 3.0;      // dual-clip bound for Â < 0 (Ye et al. 2020)
  double shaping_gamma = 0.1;     // LUFFY policy shaping f(p) = p / (p + γ)
  bool norm_adv_by_std = false;   // GRPO std normalisation (HPT code: off = Dr. GRPO)
  double adv_epsilon = 1e-6;      // added to the group std
  double entropy_coeff = 0.0;     // loss -= coeff · token-mean entropy over all response tokens
  double kl_loss_coef = 0.0;      // loss += coef · token-mean KL(pi_theta || pi_ref)
  std::string kl_loss_type = "low_var_kl";  // kl | abs | mse | low_var_kl
  template <class V>
  void ForEach(V&& v) {
    v("clip_ratio_low", clip_ratio_low, "PPO clip ε for ratio < 1 (Â < 0)");
    v("clip_ratio_high", clip_ratio_high, "PPO clip ε for ratio > 1 (Â > 0)");
    v("clip_ratio_c", clip_ratio_c, "dual-clip lower bound for Â < 0 (dual_clip mask)");
    v("shaping_gamma", shaping_gamma, "LUFFY policy shaping γ in p/(p+γ) (one_shaped denominator)");
    v("norm_adv_by_std", norm_adv_by_std, "divide group-centred advantages by (std + eps)");
    v("adv_epsilon", adv_epsilon, "epsilon added to the group std");
    v("entropy_coeff", entropy_coeff, "entropy bonus coefficient (0 = off; HPT runs 0.001)");
    v("kl_loss_coef", kl_loss_coef, "KL-to-reference loss coefficient (0 = off)");
    v("kl_loss_type", kl_loss_type, "kl | abs | mse | low_var_kl");
  }
};

// Everything a part may look at. Built by the loss for one term.
struct PartInput {
  const RolloutBatch* batch = nullptr;
  const UpgeOptions* opts = nullptr;
  at::Tensor token_mask;  // [B, T] float: response tokens of the term's rows
  at::Tensor ratio;       // [B, T] detached ρ = exp(logp - old_logp)
  at::Tensor seq_ratio;   // [B] detached GSPO s_i = exp(mean_t(logp - old_logp))
  at::Tensor adv;         // [B, T] detached advantage broadcast on tokens (masks only)
};

// 1. Stabilization mask.
struct MaskOut {
  at::Tensor keep;        // [B, T] detached weight on the gradient (0/1, CISPO real)
  at::Tensor value;       // [B, T] detached ratio-like value of masked tokens; undefined = 0
  at::Tensor clipped;        // [B, T] bool: clipped by the ε band (actor/pg_clipfrac); undefined = none
  at::Tensor clipped_lower;  // [B, T] bool: dual-clip bound hit, Â < 0 (actor/pg_clipfrac_lower)
};
using MaskFn = std::function<MaskOut(const PartInput&)>;

// 2. Reference-policy denominator: maps the token log-likelihood L [B, T]
// (with grad) to W [B, T] with ∇W = ∇pi_theta / pi_ref.
using DenominatorFn = std::function<at::Tensor(const at::Tensor& loglik, const PartInput&)>;

// 3. Advantage estimate: per-row Â [B] (detached), broadcast on tokens.
using AdvantageFn = std::function<at::Tensor(const PartInput&)>;

// 4. Likelihood gradient: the differentiable per-token log-likelihood [B, T].
using LikelihoodFn = std::function<at::Tensor(const PartInput&)>;

// 5. Loss aggregation: loss_mat [B, T], mask [B, T] (float), L_max -> scalar.
using AggregationFn = std::function<at::Tensor(const at::Tensor& loss_mat, const at::Tensor& mask, int64_t L_max)>;

const Registry<MaskFn>& MaskRegistry();
const Registry<DenominatorFn>& DenominatorRegistry();
const Registry<AdvantageFn>& AdvantageRegistry();
// True when an advantage estimate needs its whole group (GRPO, RLOO): compute
// it over the step's rows before splitting them into micro-batches. Row-local
// estimates (const_one, reward, reinforce_pm1, srft_*) can be computed anywhere.
bool AdvantageNeedsGroups(const std::string& name);
const Registry<LikelihoodFn>& LikelihoodRegistry();
const Registry<AggregationFn>& AggregationRegistry();

// The explicit fill functions behind the accessors above (exposed for tests).
void RegisterMasks(Registry<MaskFn>& r);
void RegisterDenominators(Registry<DenominatorFn>& r);
void RegisterAdvantages(Registry<AdvantageFn>& r);
void RegisterLikelihoods(Registry<LikelihoodFn>& r);
void RegisterAggregations(Registry<AggregationFn>& r);

// Aggregation shortcut: AggregationRegistry().Get(mode)(loss_mat, mask, L_max).
at::Tensor AggregateLoss(const at::Tensor& loss_mat, const at::Tensor& mask, const std::string& mode, int64_t L_max);

}  // namespace upt::train
