// The UPGE loss: a sum of terms, each one instance of the four parts applied to
// a subset of rows, plus optional entropy bonus and KL penalty.
//   loss = Σ_terms coef · Agg(l_t over the term's rows)
//          - entropy_coeff · token-mean(entropy over all response tokens)
//          + kl_loss_coef · token-mean(KL over all response tokens)
// Metric names follow verl (actor/pg_loss, actor/pg_clipfrac, ...).
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "train/upge/batch.h"
#include "train/upge/parts.h"
#include "train/upge/settings/vocab.h"

namespace upt::train {

// One UPGE instance over a subset of rows.
struct UpgeTerm {
  std::string metric = "actor/on_pg_loss";  // metric name of this term's (uncoefficiented) value
  RowSelector rows = RowSelector::kOn;       // the rows this term is computed over (SelectRows)
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
// rows for this batch; when null, or for an undefined entry, they are computed
// from `b` itself (right for row-local estimates, AdvantageNeedsGroups false).
LossOutput ComputeUpgeLoss(const std::vector<UpgeTerm>& terms, const UpgeOptions& opts, const RolloutBatch& b,
                           const std::vector<at::Tensor>* advantages = nullptr);

// Data parallelism (docs/distributed.md): maps this rank's loss normalisers to the
// global ones (the trainer backs it with one AllReduceSum). Layout, size
// terms.size() + 1: entry i = term i's normaliser over this batch's rows (Σ token
// mask for token-mean; number of non-empty rows for seq-mean-*; 0 for
// token-sum-norm, whose L_max is already global), last entry = Σ response mask
// (entropy bonus and KL penalty). Each term, the entropy and the KL are then
// divided by the global normaliser instead of the local one, so summing the
// gradients (and the additive metrics: term losses, pg_loss, loss, entropy,
// kl_loss) over ranks gives the 1-process values. Ratio metrics (clip fractions,
// ppo_kl, offline_data_ratio) stay local.
using NormaliserReducer = std::function<std::vector<double>(const std::vector<double>& local)>;

// This batch's loss normalisers in the NormaliserReducer layout (terms.size() + 1).
std::vector<double> LossNormalisers(const std::vector<UpgeTerm>& terms, const UpgeOptions& opts,
                                    const RolloutBatch& b);

// As above; an empty `to_global` is the single-process loss (bit-identical).
LossOutput ComputeUpgeLoss(const std::vector<UpgeTerm>& terms, const UpgeOptions& opts, const RolloutBatch& b,
                           const std::vector<at::Tensor>* advantages, const NormaliserReducer& to_global);

}  // namespace upt::train
