// The training loop end to end on a tiny toy model: every preset produces the
// expected logs, a killed-and-resumed run equals an uninterrupted one (also
// across an epoch boundary), and checkpoints are atomic.
#include "train/loop/trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/fs.h"
#include "core/strings.h"
#include "lm/model/checkpoint.h"
#include "lm/tokenizer/tokenizer.h"
#include "train/loop/checkpoint.h"
#include "train/loop/run_log.h"
#include "train/toy/toy_base.h"
#include "tests/train/loop/tiny_run.h"

namespace upt::train {
namespace {
namespace fs = std::filesystem;
using namespace upt::train::testing;  // NOLINT: the shared tiny-run fixture

TrainRunOptions Quiet() {
  TrainRunOptions o;
  o.progress = false;
  return o;
}

// metrics.csv without the timing columns (which differ run to run).
std::vector<std::string> DeterministicCsv(const std::string& path) {
  auto lines = Split(ReadFile(path), '\n');
  const auto& cols = MetricColumns();
  std::vector<std::string> out;
  for (const auto& line : lines) {
    if (Trim(line).empty()) continue;
    auto cells = Split(line, ',');
    std::string kept;
    for (size_t i = 0; i < cells.size() && i < cols.size(); ++i)
      if (cols[i] != "tokens_per_s" && cols[i] != "rollout_s" && cols[i] != "update_s" && cols[i] != "step_s" &&
          cols[i] != "step_cpu_s")
        kept += cells[i] + ",";
    out.push_back(kept);
  }
  return out;
}

TEST(TrainerTest, EveryPresetRunsAndLogsTheExpectedColumns) {
  for (std::string preset : {"sft", "grpo", "sft_then_grpo", "luffy", "hpt", "srft"}) {
    SCOPED_TRACE(preset);
    std::string out = Root() + "/e2e_" + preset;
    TrainConfig cfg = TinyConfig(preset, out);
    cfg.trainer.total_training_steps = 2;
    TrainSummary s = RunTraining(cfg, Quiet());
    EXPECT_EQ(s.steps_done, 2);
    auto csv = Split(ReadFile(out + "/metrics.csv"), '\n');
    ASSERT_GE(csv.size(), 3u);
    EXPECT_EQ(csv[0], Join(MetricColumns(), ","));
    Json last = Json::parse(csv.size() > 0 ? Split(ReadFile(out + "/metrics.jsonl"), '\n')[1] : "{}");
    EXPECT_EQ(last["step"], 2);
    EXPECT_TRUE(last["grad_norm"].is_number());
    const bool sft_only = preset == "sft";
    if (!sft_only) {
      EXPECT_TRUE(last["reward_mean"].is_number());
      EXPECT_TRUE(FileExists(out + "/rollout_accuracy.jsonl"));
      EXPECT_FALSE(ReadFile(out + "/rollout_accuracy.jsonl").empty());
    }
    if (preset == "sft") {
      EXPECT_DOUBLE_EQ(last["offline_ratio"].get<double>(), 1.0);
    }
    if (preset == "grpo") {
      EXPECT_DOUBLE_EQ(last["offline_ratio"].get<double>(), 0.0);
    }
    if (preset == "luffy" || preset == "srft") {  // 1 demonstration + (n-1) rollouts per question
      EXPECT_DOUBLE_EQ(last["offline_ratio"].get<double>(), 0.5);
    }
    EXPECT_TRUE(FileExists(out + "/checkpoint-2/model.safetensors"));
    EXPECT_TRUE(FileExists(out + "/checkpoint-2/optimizer.pt"));
    EXPECT_EQ(std::string(Trim(ReadFile(out + "/latest"))), "checkpoint-2");
  }
}

TEST(TrainerTest, TrainingChangesTheWeights) {
  std::string out = Root() + "/changes";
  RunTraining(TinyConfig("hpt", out), Quiet());
  auto before = Params(TinyModel());
  auto after = Params(out + "/checkpoint-4");
  ASSERT_EQ(before.size(), after.size());
  double diff = 0;
  for (size_t i = 0; i < before.size(); ++i) diff += (before[i] - after[i]).abs().sum().item<double>();
  EXPECT_GT(diff, 0.0);
}

// Kill after step 3 (checkpoint at 2; step 3's logs written), resume, finish:
// identical parameters and logs to the uninterrupted run. Batches of 3 over 5
// examples: the checkpoint at step 2 sits in epoch 1 (cursor offset 1).
TEST(TrainerTest, ResumeAcrossAnEpochBoundaryEqualsAnUninterruptedRun) {
  std::string a = Root() + "/resume_a", b = Root() + "/resume_b";
  RunTraining(TinyConfig("hpt", a), Quiet());
  TrainRunOptions killed = Quiet();
  killed.stop_after_steps = 3;
  TrainSummary first = RunTraining(TinyConfig("hpt", b), killed);
  EXPECT_EQ(first.steps_done, 3);
  TrainerState at2 = LoadTrainerState(b + "/checkpoint-2");
  EXPECT_EQ(at2.cursor.epoch, 1);
  EXPECT_EQ(at2.cursor.offset, 1);
  TrainRunOptions resume = Quiet();
  resume.resume = true;
  TrainSummary second = RunTraining(TinyConfig("hpt", b), resume);
  EXPECT_EQ(second.start_step, 2);
  EXPECT_EQ(second.steps_done, 4);
  auto pa = Params(a + "/checkpoint-4"), pb = Params(b + "/checkpoint-4");
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i])) << "parameter " << i;
  EXPECT_EQ(DeterministicCsv(a + "/metrics.csv"), DeterministicCsv(b + "/metrics.csv"));
  EXPECT_EQ(ReadFile(a + "/rollout_accuracy.jsonl"), ReadFile(b + "/rollout_accuracy.jsonl"));
}

// sft_then_grpo with the checkpoint at the phase boundary (step 2): the RL phase
// starts with a fresh optimizer and data cursor whether it follows the SFT phase
// in the same process or after a resume; the phases use their own learning rates.
TEST(TrainerTest, ResumeAtThePhaseBoundaryEqualsAnUninterruptedRun) {
  auto config = [](const std::string& out) {
    TrainConfig c = TinyConfig("sft_then_grpo", out);
    c.algorithm.sft_steps = 2;
    c.sft_phase.train_batch_size = 2;
    c.sft_phase.optim.lr = 2e-3;
    return c;
  };
  std::string a = Root() + "/phase_a", b = Root() + "/phase_b";
  RunTraining(config(a), Quiet());
  TrainRunOptions killed = Quiet();
  killed.stop_after_steps = 2;
  RunTraining(config(b), killed);
  TrainRunOptions resume = Quiet();
  resume.resume = true;
  TrainSummary second = RunTraining(config(b), resume);
  EXPECT_EQ(second.start_step, 2);
  auto pa = Params(a + "/checkpoint-4"), pb = Params(b + "/checkpoint-4");
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i])) << "parameter " << i;
  const auto rows = Split(ReadFile(a + "/metrics.jsonl"), '\n');
  ASSERT_GE(rows.size(), 4u);
  const Json s1 = Json::parse(rows[0]), r1 = Json::parse(rows[2]);
  EXPECT_EQ(s1["phase_sft"], 1);
  EXPECT_EQ(s1["rows"], 2);  // sft_phase.train_batch_size demonstrations
  EXPECT_EQ(r1["phase_sft"], 0);
  EXPECT_LT(r1["lr"].get<double>(), s1["lr"].get<double>());  // 1e-3 (warm-up 2) vs the SFT phase's 2e-3 schedule
}

TEST(TrainerTest, LeftoverTmpCheckpointIsIgnoredAndRemoved) {
  std::string out = Root() + "/atomic";
  TrainConfig cfg = TinyConfig("grpo", out);
  cfg.trainer.total_training_steps = 2;
  RunTraining(cfg, Quiet());
  // A save killed half-way: a partial checkpoint-4.tmp without the pointer update.
  MakeDirs(out + "/checkpoint-4.tmp");
  WriteFileAtomic(out + "/checkpoint-4.tmp/model.safetensors", "garbage");
  EXPECT_EQ(LatestCheckpoint(out), out + "/checkpoint-2");
  cfg.trainer.total_training_steps = 4;
  TrainRunOptions resume = Quiet();
  resume.resume = true;
  TrainSummary s = RunTraining(cfg, resume);
  EXPECT_EQ(s.start_step, 2);
  EXPECT_EQ(LatestCheckpoint(out), out + "/checkpoint-4");
  EXPECT_FALSE(fs::exists(out + "/checkpoint-4.tmp"));
}

TEST(TrainerTest, RefusesToOverwriteARunAndToResumeNothing) {
  std::string out = Root() + "/refuse";
  TrainConfig cfg = TinyConfig("sft", out);
  cfg.trainer.total_training_steps = 1;
  TrainRunOptions resume = Quiet();
  resume.resume = true;
  EXPECT_THROW(RunTraining(cfg, resume), Error);
  RunTraining(cfg, Quiet());
  EXPECT_THROW(RunTraining(cfg, Quiet()), Error);
  WriteFileAtomic(out + "/latest", "checkpoint-99\n");
  EXPECT_THROW(LatestCheckpoint(out), Error);
}

TEST(TrainerTest, KeepsOnlyTheNewestCheckpoints) {
  std::string out = Root() + "/keep";
  TrainConfig cfg = TinyConfig("sft", out);
  cfg.trainer.save_freq = 1;
  cfg.trainer.keep_checkpoints = 2;
  RunTraining(cfg, Quiet());
  EXPECT_FALSE(fs::exists(out + "/checkpoint-2"));
  EXPECT_TRUE(fs::exists(out + "/checkpoint-3"));
  EXPECT_TRUE(fs::exists(out + "/checkpoint-4"));
}

}  // namespace
}  // namespace upt::train
