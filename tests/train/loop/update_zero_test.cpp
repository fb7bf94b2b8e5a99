// ZeRO-2 inside the update step (update.cpp ReduceAndClip, train/dist/zero.h): with
// actor.fsdp_config.zero_stage 2, 2 Gloo ranks reduce-scatter the accumulated gradient
// into float32 slices, take the global norm from the squared slice norms, clip or skip
// on the slices, update their AdamW shard and all-gather the weights. Over four
// training steps of two optimizer steps each (micro-batched; one step clipped, one
// skipped) they must end with the weights and gradient norms of 1 process with
// torch::optim::AdamW and clip_grad_norm_ (zero_stage 0); a whole checkpoint written
// by rank 0 after two steps resumes on 3 ranks to the same end.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "train/dist/zero.h"
#include "train/loop/checkpoint.h"
#include "train/loop/model_memory.h"
#include "train/loop/preset_config.h"
#include "train/loop/update.h"
#include "tests/train/dist/rank_threads.h"
#include "tests/train/loop/step_rows.h"
#include "tests/train/loop/tiny_run.h"

namespace upt::train {
namespace {
using namespace upt::train::testing;  // NOLINT: the shared tiny-run fixture

// Per training step: actor.grad_clip and actor.max_grad_norm.
struct Limits {
  double grad_clip, max_grad_norm;
};
const std::vector<Limits> kFree = {{1e9, 1e18}, {1e9, 1e18}, {1e9, 1e18}, {1e9, 1e18}};
// Step 2 clipped far below its norm, step 3 skipped (both of its optimizer steps).
const std::vector<Limits> kClipSkip = {{1e9, 1e18}, {1e-3, 1e18}, {1e9, 1e-6}, {1e9, 1e18}};

TrainConfig ZeroConfig(int zero_stage, const std::string& loss_norm) {
  TrainConfig c = TinyConfig("hpt", Root() + "/unused");
  c.rollout.n = 4;
  c.actor.ppo_mini_batch_size = 2;           // two optimizer steps per training step
  c.actor.ppo_micro_batch_size_per_gpu = 3;  // gradient accumulation inside each
  c.actor.optim.lr = 1e-3;
  c.actor.entropy_coeff = 0.01;
  c.actor.fsdp_config.zero_stage = zero_stage;
  c.actor.loss_norm = loss_norm;  // upstream: each micro-batch's own loss ÷ W, W = 2 virtual ranks
  c.actor.virtual_world_size = 2;
  return c;
}

struct Trained {
  std::vector<double> norms;  // per training step: Σ of its optimizer steps' pre-clip norms
  int skipped = 0, updates = 0;
  at::Tensor weights;         // every parameter, flat
};

at::Tensor FlatWeights(lm::Qwen2ForCausalLM& model) {
  std::vector<at::Tensor> v;
  for (auto& p : model->parameters()) v.push_back(p.detach().reshape({-1}).clone());
  return torch::cat(v);
}

// Training steps [from, to) of `limits` on this rank's questions. With `load_dir` the
// model and optimizer start from its optimizer.pt; with `save_dir` rank 0 writes it at the end.
Trained Train(int zero_stage, const std::vector<Limits>& limits, dist::DistContext& d, const std::vector<int>& questions,
              size_t from, size_t to, const std::string& load_dir = "", const std::string& save_dir = "",
              const std::string& loss_norm = "global") {
  torch::set_num_threads(1);
  TrainConfig cfg = ZeroConfig(zero_stage, loss_norm);
  auto model = lm::LoadQwen2(TinyModel(), torch::kCPU);
  auto opt = MakeTrainOptimizer(model, cfg, &d);
  EXPECT_EQ(dist::ZeroOptimizerOf(*opt) != nullptr, zero_stage == 2);
  if (!load_dir.empty()) LoadOptimizerState(load_dir, *opt);  // restores the weights from the fp32 master
  PolicyUpdater u{&model, opt.get(), &d, 0};
  Trained out;
  for (size_t s = from; s < to; ++s) {
    cfg.actor.grad_clip = limits[s].grad_clip;
    cfg.actor.max_grad_norm = limits[s].max_grad_norm;
    const UpdateStats st = UpdatePolicy(u, cfg, ConfiguredPreset(cfg, 0), MakeRows(questions), 4, static_cast<int>(s));
    if (loss_norm == "global") {
      EXPECT_EQ(st.updates, 2);
    }
    out.updates += st.updates;
    out.norms.push_back(st.grad_norm_sum);
    out.skipped += st.skipped;
  }
  if (!save_dir.empty()) {
    dist::GatherOptimizerForSave(*opt);
    if (d.is_main()) {
      std::filesystem::create_directories(save_dir);
      torch::save(*opt, save_dir + "/optimizer.pt");
    }
    d.Barrier();
  }
  out.weights = FlatWeights(model);
  return out;
}

Trained OneProcess(int zero_stage, const std::vector<Limits>& limits, const std::string& loss_norm = "global") {
  dist::DistContext single;
  return Train(zero_stage, limits, single, {0, 1, 2, 3}, 0, limits.size(), "", "", loss_norm);
}

double MaxAbs(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

void ExpectSameRun(const Trained& got, const Trained& want, size_t first_step, const std::string& what) {
  ASSERT_EQ(got.norms.size() + first_step, want.norms.size()) << what;
  for (size_t i = 0; i < got.norms.size(); ++i)
    EXPECT_NEAR(got.norms[i], want.norms[first_step + i], 1e-5 * want.norms[first_step + i]) << what << " step " << i;
  EXPECT_LT(MaxAbs(got.weights, want.weights), 2e-6) << what;
}

TEST(ZeroUpdateTest, ClipAndSkipChangeTheReferenceRun) {
  // Guards the equalities below: the clipped and skipped steps are not no-ops.
  const Trained free = OneProcess(0, kFree), ref = OneProcess(0, kClipSkip);
  EXPECT_EQ(ref.skipped, 2);
  EXPECT_EQ(free.skipped, 0);
  EXPECT_GT(ref.norms[1], 1e-1);  // far above the clip of step 2
  EXPECT_GT(MaxAbs(free.weights, ref.weights), 1e-4);
  auto init = lm::LoadQwen2(TinyModel(), torch::kCPU);
  EXPECT_GT(MaxAbs(ref.weights, FlatWeights(init)), 1e-3);
}

TEST(ZeroUpdateTest, OneRankZeroPathEqualsTorchAdamW) {
  const Trained ref = OneProcess(0, kClipSkip);
  const Trained zero = OneProcess(2, kClipSkip);
  EXPECT_EQ(zero.skipped, ref.skipped);
  ExpectSameRun(zero, ref, 0, "1 rank, zero_stage 2");
}

class ZeroUpdateNormTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ZeroUpdateNormTest, TwoRanksShardedEqualOneProcessUnsharded) {
  const Trained ref = OneProcess(0, kClipSkip, GetParam());
  EXPECT_GE(ref.skipped, 1);
  std::vector<Trained> got(2);
  dist::RunRanks(2, [&](dist::DistContext& ctx) {
    got[ctx.rank()] = Train(2, kClipSkip, ctx, ctx.rank() == 0 ? std::vector<int>{0, 2} : std::vector<int>{1, 3}, 0,
                            kClipSkip.size(), "", "", GetParam());
  }, 60);
  for (int r = 0; r < 2; ++r) {
    EXPECT_EQ(got[r].skipped, ref.skipped);
    EXPECT_EQ(got[r].updates, ref.updates);
    ExpectSameRun(got[r], ref, 0, "rank " + std::to_string(r));  // grad_norm_sum is the global norm on every rank
  }
}

INSTANTIATE_TEST_SUITE_P(LossNorms, ZeroUpdateNormTest, ::testing::Values("global", "upstream"));

TEST(ZeroUpdateTest, WholeCheckpointFromTwoRanksResumesOnThree) {
  const Trained ref = OneProcess(0, kClipSkip);
  const std::string dir = Root() + "/zero_resume";
  dist::RunRanks(2, [&](dist::DistContext& ctx) {
    Train(2, kClipSkip, ctx, ctx.rank() == 0 ? std::vector<int>{0, 2} : std::vector<int>{1, 3}, 0, 2, "", dir);
  }, 60);
  const std::vector<std::vector<int>> questions = {{0, 3}, {1}, {2}};
  std::vector<Trained> got(3);
  dist::RunRanks(3, [&](dist::DistContext& ctx) {
    got[ctx.rank()] = Train(2, kClipSkip, ctx, questions[ctx.rank()], 2, kClipSkip.size(), dir);
  }, 60);
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(got[r].skipped, 2);  // step 3
    ExpectSameRun(got[r], ref, 2, "resumed rank " + std::to_string(r));
  }
}

}  // namespace
}  // namespace upt::train
