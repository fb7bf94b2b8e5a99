// Group-relative advantages (GRPO, Shao et al. 2024; Dr. GRPO, Liu et al. 2025)
// as a plain loop (reference) and vectorised over torch (used by the loss).
// Matches verl `compute_grpo_outcome_advantage`: A_i = R_i - mean_g, optionally
// divided by (std_g + eps) with the unbiased (N-1) std; a singleton group has
// mean 0 and std 1 (so A = R).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace upt::train {

struct GroupAdvantageOptions {
  bool norm_by_std = false;  // Dr. GRPO / HPT code: false; GRPO paper: true
  double epsilon = 1e-6;
};

// reward [B] (float/double), group_key [B] int64 -> advantages [B] (reward dtype).
at::Tensor GroupAdvantages(const at::Tensor& reward, const at::Tensor& group_key,
                           const GroupAdvantageOptions& opts);

// Reference loop over std::vector; same contract.
std::vector<double> GroupAdvantagesLoop(const std::vector<double>& reward, const std::vector<int64_t>& group_key,
                                        const GroupAdvantageOptions& opts);

// Group keys for the two GRPO variants: `split` puts demonstration rows in
// their own group per question (GRPO/HPT: mean over on-policy rows G_on);
// mixed pools on- and off-policy rows of a question (LUFFY, SRFT: G_on ∪ G_off).
at::Tensor GroupKeys(const at::Tensor& group_id, const at::Tensor& is_demo, bool split);

}  // namespace upt::train
