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

namespace upt::train {
namespace {
namespace fs = std::filesystem;

std::string Root() {
  static std::string root = [] {
    auto dir = fs::temp_directory_path() / ("upt_trainer_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir.string();
  }();
  return root;
}

// A tiny randomly initialised toy model (d 32, 1 layer) saved as an HF directory.
std::string TinyModel() {
  static std::string dir = [] {
    std::string d = Root() + "/tiny_model";
    std::string tok_json = toy::ToyTokenizerJson();
    lm::Tokenizer tok = lm::Tokenizer::FromJsonText(tok_json);
    toy::ToyModelOptions m;
    m.hidden_size = 32;
    m.num_layers = 1;
    m.num_heads = 2;
    m.num_kv_heads = 1;
    m.intermediate_size = 64;
    lm::Qwen2ForCausalLM model(toy::ToyQwen2Config(m, tok.vocab_size(), tok.TokenToId("<bos>"),
                                                    tok.TokenToId("<eos>"), tok.TokenToId("<pad>")));
    lm::InitQwen2Weights(model, 7);
    lm::SaveQwen2(model, d, tok_json);
    return d;
  }();
  return dir;
}

// Five toy training examples as a JSONL file (so batches of 3 cross epochs).
std::string SmallTrainFile() {
  static std::string path = [] {
    std::string p = Root() + "/train5.jsonl";
    std::string text;
    auto all = toy::ToyTrainExamples({});
    for (int i = 0; i < 5; ++i) {
      Json j;
      j["id"] = all[i].id;
      j["problem"] = all[i].problem;
      j["answer"] = all[i].answer;
      j["target"] = all[i].target;
      text += j.dump() + "\n";
    }
    WriteFileAtomic(p, text);
    return p;
  }();
  return path;
}

TrainConfig TinyConfig(const std::string& preset, const std::string& out) {
  TrainConfig c;
  c.algorithm.preset = preset;
  c.model.path = TinyModel();
  c.data.train_files = SmallTrainFile();
  c.data.train_batch_size = 3;
  c.data.max_response_length = 40;
  c.rollout.n = 2;
  c.rollout.max_new_tokens = 8;
  c.actor.ppo_mini_batch_size = 2;  // two mini-batches per step: exercises recomputed π_old
  c.actor.optim.lr = 1e-3;
  c.actor.optim.warmup_steps = 2;
  c.actor.loss_agg_max_len = 48;
  c.algorithm.switch_gate = 0;
  c.algorithm.sft_steps = preset == "sft_then_grpo" ? 1 : 0;
  c.trainer.total_training_steps = 4;
  c.trainer.save_freq = 2;
  c.trainer.test_freq = 0;
  c.trainer.val_before_train = false;
  c.trainer.seed = 3;
  c.trainer.threads = 1;
  c.trainer.keep_checkpoints = 0;
  c.trainer.out_dir = out;
  return c;
}

TrainRunOptions Quiet() {
  TrainRunOptions o;
  o.progress = false;
  return o;
}

std::vector<at::Tensor> Params(const std::string& dir) {
  auto model = lm::LoadQwen2(dir, torch::kCPU);
  std::vector<at::Tensor> out;
  for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
  return out;
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
    if (preset == "sft") EXPECT_DOUBLE_EQ(last["offline_ratio"].get<double>(), 1.0);
    if (preset == "grpo") EXPECT_DOUBLE_EQ(last["offline_ratio"].get<double>(), 0.0);
    if (preset == "luffy" || preset == "srft")  // 1 demonstration + (n-1) rollouts per question
      EXPECT_DOUBLE_EQ(last["offline_ratio"].get<double>(), 0.5);
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
