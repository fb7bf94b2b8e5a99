// Hand-built rollout batches for the estimator tests (double precision).
#pragma once

#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "train/upge/batch.h"

namespace upt::train::testing {

// A small batch described by plain vectors so tests can compute closed forms
// with loops, independently of the estimator's tensor code.
struct HandBatch {
  std::vector<std::vector<double>> logp, old_logp, entropy;  // ragged rows
  std::vector<double> reward;
  std::vector<int64_t> group;
  std::vector<bool> demo;
  std::vector<uint8_t> demo_loss;
  int64_t T = 0, L_max = 0;

  size_t rows() const { return reward.size(); }
  double ratio(size_t b, size_t t) const { return std::exp(logp[b][t] - old_logp[b][t]); }
  double p(size_t b, size_t t) const { return std::exp(logp[b][t]); }
  double mean_entropy(size_t b) const {
    double s = 0;
    for (double h : entropy[b]) s += h;
    return s / entropy[b].size();
  }
};

// Three questions: q0 = 3 rollouts (R 1,0,1) + 1 demo (demo_loss sft|off);
// q1 = 2 rollouts (R 0,1); q2 = 1 demo (sft). Token ratios cycle through
// 0.5, 0.9, 1.1, 1.5, 0.7, 1.3 (away from every clip boundary); T = 4, L_max = 6.
inline HandBatch MakeHandBatch() {
  HandBatch h;
  const std::vector<size_t> len = {4, 3, 2, 4, 3, 1, 4};
  h.reward = {1, 0, 1, 1, 0, 1, 1};
  h.group = {0, 0, 0, 0, 1, 1, 2};
  h.demo = {false, false, false, true, false, false, true};
  h.demo_loss = {0, 0, 0, 3, 0, 0, 1};
  const double ratios[] = {0.5, 0.9, 1.1, 1.5, 0.7, 1.3};
  h.T = 4;
  h.L_max = 6;
  int k = 0;
  for (size_t b = 0; b < len.size(); ++b) {
    std::vector<double> lp, old, ent;
    for (size_t t = 0; t < len[b]; ++t, ++k) {
      double l = -(0.25 + 0.15 * ((k * 7) % 11));  // p in (0.1, 0.8)
      lp.push_back(l);
      old.push_back(l - std::log(ratios[k % 6]));
      ent.push_back(0.4 + 0.1 * ((k * 3) % 5));
    }
    h.logp.push_back(lp);
    h.old_logp.push_back(old);
    h.entropy.push_back(ent);
  }
  return h;
}

// The RolloutBatch of a HandBatch; `logp` is a fresh leaf (requires grad) that
// may be replaced by `logp_override` (finite differences).
inline RolloutBatch ToBatch(const HandBatch& h, const torch::Tensor& logp_override = {}) {
  auto lp = PadRows(h.logp, h.T, 0.0, true);
  auto old = PadRows(h.old_logp, h.T, 0.0, true);
  auto ent = PadRows(h.entropy, h.T, 0.0, true);
  std::vector<RowMeta> meta;
  for (size_t b = 0; b < h.rows(); ++b) meta.push_back({h.reward[b], h.group[b], h.demo[b], h.demo_loss[b]});
  torch::Tensor logp = logp_override.defined() ? logp_override : lp.values.clone().requires_grad_(true);
  RolloutBatch batch = MakeRolloutBatch(logp, old.values, lp.mask, meta, h.L_max);
  batch.entropy = ent.values;
  return batch;
}

// Reference GRPO advantages with plain loops: groups keyed by question, and by
// the demo flag too when `split`; singleton groups have mean 0 and std 1.
inline std::vector<double> RefAdvantages(const HandBatch& h, bool split, bool by_std) {
  std::vector<double> out(h.rows());
  for (size_t i = 0; i < h.rows(); ++i) {
    std::vector<double> rs;
    for (size_t j = 0; j < h.rows(); ++j)
      if (h.group[j] == h.group[i] && (!split || h.demo[j] == h.demo[i])) rs.push_back(h.reward[j]);
    if (rs.size() == 1) {  // verl: mean 0, std 1
      out[i] = by_std ? h.reward[i] / (1.0 + 1e-6) : h.reward[i];
      continue;
    }
    double m = 0, ss = 0;
    for (double r : rs) m += r;
    m /= rs.size();
    for (double r : rs) ss += (r - m) * (r - m);
    double sd = std::sqrt(ss / (rs.size() - 1));
    out[i] = by_std ? (h.reward[i] - m) / (sd + 1e-6) : h.reward[i] - m;
  }
  return out;
}

}  // namespace upt::train::testing
