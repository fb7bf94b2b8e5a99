// Global loss normalisers (ComputeUpgeLoss with a NormaliserReducer, loss.h): the
// rows of a batch split by whole questions over two "ranks", each rank's loss
// divided by the summed (global) normalisers, must add up to the 1-process loss
// and gradient for every aggregation (token-mean, seq-mean-*, token-sum-norm),
// the entropy bonus and the KL penalty (docs/distributed.md).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "train/upge/presets.h"

namespace upt::train {
namespace {

// 7 rows over 3 questions, ragged responses (T = 4), two demonstration rows.
struct Rows {
  at::Tensor logp, old_logp, ref_logp, mask, entropy;
  std::vector<RowMeta> meta;
};

Rows MakeRows() {
  torch::manual_seed(11);
  Rows r;
  r.logp = (-torch::rand({7, 4}, torch::kDouble) - 0.1).requires_grad_(true);
  r.old_logp = r.logp.detach() + 0.3 * (torch::rand({7, 4}, torch::kDouble) - 0.5);
  r.ref_logp = r.logp.detach() + 0.2 * (torch::rand({7, 4}, torch::kDouble) - 0.5);
  r.entropy = torch::rand({7, 4}, torch::kDouble).requires_grad_(true);
  r.mask = torch::tensor({{1, 1, 1, 1}, {1, 1, 0, 0}, {1, 0, 0, 0}, {1, 1, 1, 0},
                          {1, 1, 1, 1}, {1, 1, 0, 0}, {1, 1, 1, 0}}, torch::kDouble);
  r.meta = {{1.0, 0}, {0.0, 0}, {1.0, 0, true, 1}, {1.0, 1}, {0.0, 1}, {0.0, 2}, {1.0, 2, true, 1}};
  return r;
}

RolloutBatch Slice(const Rows& r, const std::vector<int64_t>& rows) {
  auto idx = torch::tensor(rows, torch::kLong);
  std::vector<RowMeta> meta;
  for (auto i : rows) meta.push_back(r.meta[i]);
  RolloutBatch b = MakeRolloutBatch(r.logp.index_select(0, idx), r.old_logp.index_select(0, idx),
                                    r.mask.index_select(0, idx), meta, 6);
  b.entropy = r.entropy.index_select(0, idx);
  b.ref_logp = r.ref_logp.index_select(0, idx);
  return b;
}

Preset WithBonuses(const std::string& name) {
  Preset p = PresetRegistry().Get(name);
  p.opts.entropy_coeff = 0.01;
  p.opts.kl_loss_coef = 0.05;
  return p;
}

class GlobalNormaliserTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GlobalNormaliserTest, TwoShardsWithSummedNormalisersEqualTheWholeBatch) {
  const Preset p = WithBonuses(GetParam());
  Rows r = MakeRows();
  auto whole = PresetLoss(p, Slice(r, {0, 1, 2, 3, 4, 5, 6}));
  auto g_whole = torch::autograd::grad({whole.loss}, {r.logp, r.entropy});

  const std::vector<std::vector<int64_t>> shards = {{0, 1, 2}, {3, 4, 5, 6}};  // whole questions
  std::vector<double> global;
  for (const auto& s : shards) {  // what AllReduceSum would return: the sum of the ranks' locals
    NormaliserReducer record = [&](const std::vector<double>& local) {
      if (global.empty()) global.assign(local.size(), 0.0);
      for (size_t i = 0; i < local.size(); ++i) global[i] += local[i];
      return local;
    };
    PresetLoss(p, Slice(r, s), nullptr, record);
  }
  ASSERT_EQ(global.size(), p.terms.size() + 1);
  NormaliserReducer to_global = [&](const std::vector<double>&) { return global; };
  at::Tensor sum = torch::zeros({}, torch::kDouble);
  std::map<std::string, double> metrics;
  for (const auto& s : shards) {
    auto lo = PresetLoss(p, Slice(r, s), nullptr, to_global);
    sum = sum + lo.loss;
    for (const auto& [k, v] : lo.metrics) metrics[k] += v;
  }
  auto g_sum = torch::autograd::grad({sum}, {r.logp, r.entropy});
  EXPECT_NEAR(sum.item<double>(), whole.loss.item<double>(), 1e-12);
  EXPECT_LT((g_sum[0] - g_whole[0]).abs().max().item<double>(), 1e-12);
  EXPECT_LT((g_sum[1] - g_whole[1]).abs().max().item<double>(), 1e-12);
  for (const char* k : {"actor/loss", "actor/pg_loss", "actor/entropy", "actor/kl_loss"})
    EXPECT_NEAR(metrics.at(k), whole.metrics.at(k), 1e-12) << k;
  for (const auto& t : p.terms) EXPECT_NEAR(metrics.at(t.metric), whole.metrics.at(t.metric), 1e-12) << t.metric;
}

TEST_P(GlobalNormaliserTest, ShardLossWithLocalDenominatorsDiffersFromGlobal) {
  // Guards the test above against a reducer that is never used: the plain
  // per-shard losses do not add up to the whole-batch loss.
  const Preset p = WithBonuses(GetParam());
  Rows r = MakeRows();
  const double whole = PresetLoss(p, Slice(r, {0, 1, 2, 3, 4, 5, 6})).loss.item<double>();
  const double local = PresetLoss(p, Slice(r, {0, 1, 2})).loss.item<double>() +
                       PresetLoss(p, Slice(r, {3, 4, 5, 6})).loss.item<double>();
  EXPECT_GT(std::abs(whole - local), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Presets, GlobalNormaliserTest,
                         ::testing::Values("sft", "grpo", "grpo_paper", "gspo", "cispo", "dr_grpo", "hpt", "luffy",
                                           "srft"));

TEST(GlobalNormaliserTest, IdentityReducerKeepsTheLocalLoss) {
  const Preset p = WithBonuses("hpt");
  Rows r = MakeRows();
  NormaliserReducer identity = [](const std::vector<double>& local) { return local; };
  auto a = PresetLoss(p, Slice(r, {0, 1, 2, 3}));
  auto b = PresetLoss(p, Slice(r, {0, 1, 2, 3}), nullptr, identity);
  EXPECT_EQ(a.loss.item<double>(), b.loss.item<double>());
}

TEST(GlobalNormaliserTest, ReducerOfTheWrongSizeIsAnError) {
  Rows r = MakeRows();
  NormaliserReducer bad = [](const std::vector<double>&) { return std::vector<double>{1.0}; };
  EXPECT_ANY_THROW(PresetLoss(WithBonuses("hpt"), Slice(r, {0, 1}), nullptr, bad));
}

}  // namespace
}  // namespace upt::train
