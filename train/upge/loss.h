// The UPGE loss: a sum of terms, each one instance of the four parts applied to
// a subset of rows, plus optional entropy bonus and KL penalty.
//   loss = Σ_terms coef · Agg(l_t over the term's rows)
//          - entropy_coeff · token-mean(entropy over all response tokens)
//          + kl_loss_coef · token-mean(KL over all response tokens)
// Metric names follow verl (actor/pg_loss, actor/pg_clipfrac, ...).
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "train/upge/batch.h"
#include "train/upge/parts.h"

namespace upt::train {

// One UPGE instance over a subset of rows.
struct UpgeTerm {
  std::string metric = "actor/on_pg_loss";  // metric name of this term's (uncoefficiented) value
  std::string rows = "on";                   // row selector (SelectRows)
  std::string mask = "none";                 // MaskRegistry
  std::string denominator = "pi_old";        // DenominatorRegistry
  std::string advantage = "grpo_split";      // AdvantageRegistry
  std::string likelihood = "token";          // LikelihoodRegistry
  std::string aggregation = "token-sum-norm";  // AggregationRegistry
  double coef = 1.0;
};

struct LossOutput {
  at::Tensor loss;                         // scalar, differentiable
  std::map<std::string, double> metrics;   // namespaced, e.g. "actor/pg_loss"
};

// Checks every part name of every term (throws upt::Error listing valid names).
void ValidateTerms(const std::vector<UpgeTerm>& terms);

// Per-term advantages [B] over the whole batch (group statistics need whole
// groups: compute them here on the full step batch, then slice rows with
// index_select for micro-batches and pass them to ComputeUpgeLoss).
std::vector<at::Tensor> ComputeTermAdvantages(const std::vector<UpgeTerm>& terms, const RolloutBatch& b,
                                              const UpgeOptions& opts);

// One advantage estimate (AdvantageRegistry name) over the batch -> [B], detached.
at::Tensor ComputeAdvantages(const RolloutBatch& b, const std::string& advantage, const UpgeOptions& opts);

// The loss of a (micro-)batch. `advantages` (optional) = ComputeTermAdvantages
// rows for this batch; when null they are computed from `b` itself.
LossOutput ComputeUpgeLoss(const std::vector<UpgeTerm>& terms, const UpgeOptions& opts, const RolloutBatch& b,
                           const std::vector<at::Tensor>* advantages = nullptr);

}  // namespace upt::train
