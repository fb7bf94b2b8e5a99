// The estimator's input: a batch of response rows, and helpers to build one.
// Shapes: B rows, T = padded response width (T <= L_max). Every [B, T] tensor
// is aligned on response tokens; `response_mask` is 1 on real tokens.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "train/upge/settings/vocab.h"

namespace upt::train {

struct RolloutBatch {
  at::Tensor logp;           // [B, T] log pi_theta(a_t) of taken tokens; requires grad
  at::Tensor old_logp;       // [B, T] log pi_theta_old(a_t) (sampling policy); no grad
  at::Tensor ref_logp;       // [B, T] reference model log-probs; optional (KL only)
  at::Tensor response_mask;  // [B, T] 1 on response tokens, 0 on padding (float or bool)
  at::Tensor reward;         // [B] scalar reward R(tau) per row
  at::Tensor group_id;       // [B] int64 question id; rows of one question form a group
  at::Tensor is_demo;        // [B] bool: demonstration / off-policy row (LUFFY, SRFT, HPT)
  at::Tensor demo_loss;      // [B] uint8 bits kDemoLossSft|kDemoLossOff (hpt_route.h);
                             //     optional: undefined = kDemoLossSft for every demo row
  at::Tensor entropy;        // [B, T] per-token entropy (TokenEntropy); optional; with
                             //     grad if an entropy bonus is used
  int64_t L_max = 0;         // padded response width for the /L_max normalisers; 0 = T

  int64_t rows() const;
  int64_t width() const;
  int64_t l_max() const { return L_max > 0 ? L_max : width(); }
};

// Checks shapes and dtypes (throws upt::Error with the offending field).
void ValidateBatch(const RolloutBatch& b);

// Per-token entropy H_t = -sum_v p_v log p_v of logits [B, T, V] -> [B, T];
// differentiable through the whole softmax.
at::Tensor TokenEntropy(const at::Tensor& logits);

// Log-probabilities of taken tokens: logits [B, T, V], tokens [B, T] int64 -> [B, T].
at::Tensor TokenLogProbs(const at::Tensor& logits, const at::Tensor& tokens);

// Right-pads ragged per-row values to [B, width] (width 0 = longest row) with
// `pad`; the mask [B, width] (float) marks the real entries.
struct Padded {
  at::Tensor values;  // [B, width]
  at::Tensor mask;    // [B, width]
};
Padded PadRows(const std::vector<std::vector<double>>& rows, int64_t width = 0, double pad = 0.0,
               bool double_precision = false);

// Row-level metadata of a batch, e.g. from RouteHpt or a LUFFY layout.
struct RowMeta {
  double reward = 0.0;
  int64_t group = 0;
  bool is_demo = false;
  uint8_t demo_loss = 1;  // kDemoLossSft
};

// Builds a RolloutBatch from token tensors and per-row metadata. `logp`,
// `old_logp`, `mask` are [B, T]; rows.size() == B. L_max 0 = T.
RolloutBatch MakeRolloutBatch(at::Tensor logp, at::Tensor old_logp, at::Tensor mask,
                              const std::vector<RowMeta>& rows, int64_t L_max = 0);

// The rows a selector picks (settings/vocab.h: all, on = !is_demo, demo,
// demo_sft, demo_off) -> bool [B].
at::Tensor SelectRows(const RolloutBatch& b, RowSelector selector);

}  // namespace upt::train
