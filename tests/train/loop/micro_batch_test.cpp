// Micro-batches and the two loss normalisations (micro_batch.h, update.h):
//   * Karmarkar-Karp partitions and the micro-batch plans;
//   * global: the gradient with micro-batches (fixed or token-budget) equals the
//     unsplit mini-batch's;
//   * upstream: loss and gradient equal a direct re-implementation of HPT's
//     update loop (mix_actor.py update_policy: per micro-batch
//     Σ_on -Â·ρ/L_max + β·mean_demo(-log p) - c·mean(H), back-propagated whole,
//     gradients averaged over W ranks), and 1 or 2 real ranks (Gloo) with the
//     same virtual layout give the same gradient.
#include "train/loop/micro_batch.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <numeric>
#include <thread>

#include "train/loop/config/config.h"
#include "train/loop/preset_config.h"
#include "train/loop/update.h"
#include "tests/train/loop/step_rows.h"
#include "tests/train/loop/tiny_run.h"

namespace upt::train {
namespace {
using namespace upt::train::testing;  // NOLINT: the shared tiny-run fixture

std::vector<int64_t> Sums(const std::vector<std::vector<int>>& parts, const std::vector<int64_t>& len) {
  std::vector<int64_t> s;
  for (const auto& p : parts) s.push_back(std::accumulate(p.begin(), p.end(), int64_t{0}, [&](int64_t a, int i) { return a + len[i]; }));
  return s;
}

TEST(BalancedPartitionsTest, LargestDifferencingSplitsAsTheHandWorkedExample) {
  // {8,7,6,5,4}: differences 8-7=1, 6-5=1, 4-1=3, 3-1=2 -> sums 16 and 14.
  const std::vector<int64_t> len = {8, 7, 6, 5, 4};
  auto parts = BalancedPartitions(len, 2, false);
  auto s = Sums(parts, len);
  std::sort(s.begin(), s.end());
  EXPECT_EQ(s, (std::vector<int64_t>{14, 16}));
}

TEST(BalancedPartitionsTest, EqualSizePartsCoverEveryRowOnceAndBalance) {
  std::vector<int64_t> len;
  for (int i = 0; i < 24; ++i) len.push_back(10 + (i * 37) % 91);
  for (bool equal : {true, false}) {
    auto parts = BalancedPartitions(len, 4, equal);
    ASSERT_EQ(parts.size(), 4u);
    std::vector<int> seen;
    for (const auto& p : parts) {
      EXPECT_TRUE(std::is_sorted(p.begin(), p.end()));
      if (equal) {
        EXPECT_EQ(p.size(), 6u);
      }
      seen.insert(seen.end(), p.begin(), p.end());
    }
    std::sort(seen.begin(), seen.end());
    for (int i = 0; i < 24; ++i) EXPECT_EQ(seen[i], i);
    auto s = Sums(parts, len);
    EXPECT_LE(*std::max_element(s.begin(), s.end()) - *std::min_element(s.begin(), s.end()), 100) << equal;
  }
  EXPECT_THROW(BalancedPartitions(len, 5, true), Error);
  EXPECT_THROW(BalancedPartitions(len, 25, false), Error);
}

TEST(MicroBatchPlanTest, DynamicCountIsTheTokenBudgetCeilingAndFixedRunsAreConsecutive) {
  const std::vector<int64_t> len = {30, 10, 25, 5, 40, 20};  // 130 tokens
  MicroBatchOptions dyn{0, true, 50};
  EXPECT_EQ(DynamicMicroBatchCount(len, 50), 3);
  EXPECT_EQ(PlanMicroBatches(len, dyn).size(), 3u);
  EXPECT_EQ(PlanMicroBatches(len, dyn, 5).size(), 5u);   // the max over ranks
  EXPECT_EQ(PlanMicroBatches(len, dyn, 9).size(), 6u);   // capped at the rows
  MicroBatchOptions fixed{4, false, 0};
  EXPECT_EQ(PlanMicroBatches(len, fixed), (std::vector<std::vector<int>>{{0, 1, 2, 3}, {4, 5}}));
  EXPECT_EQ(PlanMicroBatches(len, MicroBatchOptions{}).size(), 1u);
}

TEST(UpstreamLayoutTest, RowsSplitOverVirtualRanksThenMiniBatchesThenMicroBatches) {
  std::vector<int64_t> len;
  for (int i = 0; i < 13; ++i) len.push_back(5 + (i * 7) % 11);
  UpstreamLayoutOptions o{2, 8, {0, true, 20}};  // 4 rows per rank per optimizer step
  const UpstreamLayout l = PlanUpstreamLayout(len, o);
  ASSERT_EQ(l.size(), 2u);  // 13 rows padded to 14: 7 per rank -> mini-batches of 4 + 3
  std::vector<int> seen;
  for (const auto& step : l) {
    ASSERT_EQ(step.size(), 2u);
    int count = 0;  // verl all-reduces the dynamic count to the max over ranks (capped at a rank's rows)
    std::vector<int> rows_of(2, 0);
    for (int r = 0; r < 2; ++r) {
      std::vector<int64_t> lr;
      for (const auto& m : step[r])
        for (int i : m) lr.push_back(len[i]), rows_of[r] += 1;
      count = std::max(count, DynamicMicroBatchCount(lr, 20));
      EXPECT_LE(rows_of[r], 4);
    }
    for (int r = 0; r < 2; ++r) {
      EXPECT_EQ(static_cast<int>(step[r].size()), std::min(count, rows_of[r]));
      for (const auto& m : step[r]) seen.insert(seen.end(), m.begin(), m.end());
    }
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), 13u) << "pad rows are dropped";
  for (int i = 0; i < 13; ++i) EXPECT_EQ(seen[i], i);
  EXPECT_THROW(PlanUpstreamLayout(len, {3, 8, {}}), Error);
}

// ---- gradients through UpdatePolicy with the tiny model ----------------------

TrainConfig GradConfig() {
  TrainConfig c = TinyConfig("hpt", Root() + "/unused");
  c.rollout.n = 4;
  c.actor.ppo_mini_batch_size = 4;  // one optimizer step
  c.actor.grad_clip = 1e9;
  c.actor.max_grad_norm = 1e18;
  c.actor.optim.lr = 1e-9;
  c.actor.entropy_coeff = 0.01;
  return c;
}

// The gradient UpdatePolicy leaves in .grad after its single optimizer step.
std::vector<at::Tensor> UpdateGrads(const TrainConfig& cfg, const std::vector<StepRow>& rows, dist::DistContext& d,
                                    UpdateStats* stats = nullptr) {
  torch::set_num_threads(1);
  auto model = lm::LoadQwen2(TinyModel(), torch::kCPU);
  torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(1e-9));
  PolicyUpdater u{&model, &opt, &d, 0};
  UpdateStats st = UpdatePolicy(u, cfg, ConfiguredPreset(cfg, 0), rows, 4, 0);
  if (stats) *stats = st;
  std::vector<at::Tensor> g;
  for (auto& p : model->parameters()) g.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  return g;
}

double MaxDiff(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  double m = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    m = std::max(m, (a[i] - b[i]).abs().max().item<double>());
    scale = std::max(scale, b[i].abs().max().item<double>());
  }
  EXPECT_GT(scale, 1e-6) << "a zero gradient would make the comparison vacuous";
  return m / scale;
}

TEST(MicroBatchGradientTest, GlobalModeMicroBatchesEqualTheUnsplitMiniBatch) {
  dist::DistContext single;
  const auto rows = MakeRows();
  TrainConfig whole = GradConfig();
  const auto g0 = UpdateGrads(whole, rows, single);
  TrainConfig fixed = whole;
  fixed.actor.ppo_micro_batch_size_per_gpu = 3;
  UpdateStats st;
  EXPECT_LT(MaxDiff(UpdateGrads(fixed, rows, single, &st), g0), 2e-5);
  EXPECT_EQ(st.micro_batches, 5);  // 13 rows in runs of 3
  TrainConfig dyn = whole;
  dyn.actor.use_dynamic_bsz = true;
  dyn.actor.ppo_max_token_len_per_gpu = 40;
  EXPECT_LT(MaxDiff(UpdateGrads(dyn, rows, single, &st), g0), 2e-5);
  EXPECT_GT(st.micro_batches, 2);
}

// Upstream's update loop written out from the formulas (mix_actor.py
// update_policy with offline_loss_type=sft, loss_remove_token_mean,
// loss_remove_clip; core_algos GRPO without std; grad accumulation 1; FSDP mean).
std::vector<at::Tensor> ReferenceUpstreamGrads(const TrainConfig& cfg, const std::vector<StepRow>& rows,
                                               double* loss_out) {
  torch::set_num_threads(1);
  auto model = lm::LoadQwen2(TinyModel(), torch::kCPU);
  std::vector<int64_t> len;
  int64_t widest = 0;
  for (const auto& r : rows) {
    len.push_back(static_cast<int64_t>(r.prompt.size() + r.response.size()));
    widest = std::max<int64_t>(widest, r.response.size());
  }
  const int W = cfg.actor.virtual_world_size;
  const UpstreamLayout layout =
      PlanUpstreamLayout(len, {W, cfg.actor.ppo_mini_batch_size * cfg.rollout.n, MicroBatchOptionsOf(cfg)});
  EXPECT_EQ(layout.size(), 1u);
  // Â_i = R_i - mean of the question's rollouts (demonstrations: their own group, unused by SFT).
  std::vector<double> adv(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    double s = 0, n = 0;
    for (const auto& r : rows)
      if (r.question == rows[i].question && r.is_demo == rows[i].is_demo) s += r.reward, n += 1;
    adv[i] = rows[i].reward - s / n;
  }
  const double L_max = std::max<int64_t>(EffectiveLossMaxLen(cfg), widest);
  const double beta = cfg.algorithm.sft_loss_coef, c_ent = cfg.actor.entropy_coeff;
  double total = 0;
  for (const auto& rank : layout[0])
    for (const auto& micro : rank) {
      RowTensors t = BuildRowTensors(rows, micro, 0);
      ResponseStats s = ResponseLogProbs(model, t, cfg.rollout.sampling.temperature, true);
      at::Tensor pg = torch::zeros({});
      at::Tensor demo_sum = torch::zeros({}), demo_tokens = torch::zeros({});
      for (size_t b = 0; b < micro.size(); ++b) {
        const StepRow& r = rows[micro[b]];
        at::Tensor lp = s.logp[b].narrow(0, 0, r.response.size());
        if (r.is_demo) {
          demo_sum = demo_sum - lp.sum();
          demo_tokens = demo_tokens + static_cast<double>(r.response.size());
        } else {
          pg = pg + (-adv[micro[b]] * (lp - lp.detach()).exp()).sum() / L_max;
        }
      }
      at::Tensor sft = demo_tokens.item<double>() > 0 ? demo_sum / demo_tokens : torch::zeros({});
      at::Tensor ent = (s.entropy * t.response_mask).sum() / t.response_mask.sum();
      at::Tensor loss = pg + beta * sft - c_ent * ent;
      total += loss.item<double>() / W;
      (loss / W).backward();
    }
  if (loss_out) *loss_out = total;
  std::vector<at::Tensor> g;
  for (auto& p : model->parameters()) g.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  return g;
}

TrainConfig UpstreamConfig() {
  TrainConfig c = GradConfig();
  c.actor.loss_norm = "upstream";
  c.actor.virtual_world_size = 2;
  c.actor.use_dynamic_bsz = true;
  c.actor.ppo_max_token_len_per_gpu = 40;
  return c;
}

TEST(UpstreamNormalisationTest, LossAndGradientEqualTheReferenceLoop) {
  dist::DistContext single;
  const auto rows = MakeRows();
  const TrainConfig cfg = UpstreamConfig();
  double ref_loss = 0;
  const auto ref = ReferenceUpstreamGrads(cfg, rows, &ref_loss);
  UpdateStats st;
  const auto got = UpdateGrads(cfg, rows, single, &st);
  EXPECT_LT(MaxDiff(got, ref), 2e-5);
  EXPECT_NEAR(st.sums.at("actor/loss"), ref_loss, 1e-5 * std::max(1.0, std::abs(ref_loss)));
  EXPECT_GT(st.micro_batches, 2);
  // And it is not the global objective: the SFT and entropy weights differ.
  TrainConfig global = cfg;
  global.actor.loss_norm = "global";
  EXPECT_GT(MaxDiff(UpdateGrads(global, rows, single), ref), 1e-3);
}

TEST(UpstreamNormalisationTest, TwoRealRanksWithTheSameVirtualLayoutEqualOneProcess) {
  dist::DistContext single;
  const TrainConfig cfg = UpstreamConfig();
  const auto one = UpdateGrads(cfg, MakeRows(), single);
  auto dir = std::filesystem::temp_directory_path() / ("upt_upstream_norm_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<std::vector<at::Tensor>> grads(2);
  std::vector<std::exception_ptr> errors(2);
  std::vector<std::thread> threads;
  for (int r = 0; r < 2; ++r)
    threads.emplace_back([&, r] {
      try {
        dist::Rendezvous rv;
        rv.rank = r;
        rv.world_size = 2;
        rv.file_store = (dir / "store").string();
        dist::DistContext ctx = dist::DistContext::Create(rv, {60});
        // Each real rank holds the rows of its own questions, as after sharded sampling.
        grads[r] = UpdateGrads(cfg, MakeRows(r == 0 ? std::vector<int>{0, 1} : std::vector<int>{2, 3}), ctx);
      } catch (...) {
        errors[r] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  std::filesystem::remove_all(dir);
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  EXPECT_LT(MaxDiff(grads[0], one), 2e-5);
  EXPECT_LT(MaxDiff(grads[1], one), 2e-5);
}

}  // namespace
}  // namespace upt::train
