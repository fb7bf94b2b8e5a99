// Data-parallel `upt train` (docs/distributed.md): a tiny toy model trained by
// `upt launch --nproc 2 -- upt train` (2 ranks on loopback) ends with the same
// parameters (max |diff| <= 1e-5) and logs the same rewards / per-question counts
// as the 1-process run, for grpo (token-sum-norm + entropy) and hpt (SFT
// token-mean + GRPO). The batch of 3 questions in mini-batches of 2 gives rank 1
// an empty share of every second mini-batch (zero gradients, same collectives).
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/fs.h"
#include "core/json.h"
#include "core/strings.h"
#include "lm/model/checkpoint.h"
#include "lm/tokenizer/tokenizer.h"
#include "train/loop/checkpoint.h"
#include "train/loop/trainer.h"
#include "train/toy/toy_base.h"
#include "tests/train/loop/tiny_run.h"

namespace upt::train {
namespace {
namespace fs = std::filesystem;
using namespace upt::train::testing;  // NOLINT: the shared tiny-run fixture

// The shared tiny run with 4 rollouts, HPT gate 1, 3 steps and no checkpoints.
TrainConfig DpConfig(const std::string& preset, const std::string& out) {
  TrainConfig c = TinyConfig(preset, out);
  c.rollout.n = 4;
  c.actor.optim.warmup_steps = 1;
  c.algorithm.switch_gate = 1;  // hpt: questions with <= 1 of 4 correct train their demonstration
  c.algorithm.sft_steps = 0;
  c.trainer.total_training_steps = 3;
  c.trainer.save_freq = 0;
  return c;
}

std::vector<Json> Jsonl(const std::string& path) {
  std::vector<Json> out;
  for (const auto& line : Split(ReadFile(path), '\n'))
    if (!Trim(line).empty()) out.push_back(Json::parse(line));
  return out;
}

class DataParallelTrainTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DataParallelTrainTest, TwoRanksEqualOneProcess) {
  const std::string one = Root() + "/one_" + GetParam(), two = Root() + "/two_" + GetParam();
  TrainRunOptions quiet;
  quiet.progress = false;
  RunTraining(DpConfig(GetParam(), one), quiet);  // writes one/config.json: the resolved config

  const char* bin = std::getenv("UPT_BIN");
  ASSERT_NE(bin, nullptr);
  const std::string log = Root() + "/launch_" + GetParam() + ".log";
  const std::string cmd = std::string(bin) + " launch --nproc 2 -- upt train --config " + one +
                          "/config.json --out " + two + " > " + log + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << ReadFile(log);
  const std::string log_text = ReadFile(log);
  EXPECT_NE(log_text.find("data-parallel training on 2 ranks"), std::string::npos) << log_text;

  auto a = Params(LatestCheckpoint(one)), b = Params(LatestCheckpoint(two));
  ASSERT_EQ(a.size(), b.size());
  double max_diff = 0, max_change = 0;
  auto init = Params(TinyModel());
  for (size_t i = 0; i < a.size(); ++i) {
    max_diff = std::max(max_diff, (a[i] - b[i]).abs().max().item<double>());
    max_change = std::max(max_change, (a[i] - init[i]).abs().max().item<double>());
  }
  EXPECT_LE(max_diff, 1e-5);
  EXPECT_GT(max_change, 1e-4);  // the runs did train

  auto m1 = Jsonl(one + "/metrics.jsonl"), m2 = Jsonl(two + "/metrics.jsonl");
  ASSERT_EQ(m1.size(), 3u);
  ASSERT_EQ(m2.size(), m1.size());
  for (size_t s = 0; s < m1.size(); ++s) {
    for (const char* k : {"reward_mean", "solve_none", "solve_all", "offline_ratio", "rows", "response_length_mean"})
      EXPECT_EQ(m1[s].value(k, -1.0), m2[s].value(k, -2.0)) << k << " step " << s + 1;
    for (const char* k : {"grad_norm", "entropy", "pg_loss"})
      EXPECT_NEAR(m1[s].value(k, -1.0), m2[s].value(k, -2.0), 1e-4) << k << " step " << s + 1;
  }
  EXPECT_EQ(ReadFile(one + "/rollout_accuracy.jsonl"), ReadFile(two + "/rollout_accuracy.jsonl"));
}

INSTANTIATE_TEST_SUITE_P(Presets, DataParallelTrainTest, ::testing::Values("grpo", "hpt"));

}  // namespace
}  // namespace upt::train
