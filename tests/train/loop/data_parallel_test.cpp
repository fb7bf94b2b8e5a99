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

namespace upt::train {
namespace {
namespace fs = std::filesystem;

std::string Root() {
  static std::string root = [] {
    auto dir = fs::temp_directory_path() / ("upt_dp_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir.string();
  }();
  return root;
}

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

std::string TrainFile() {
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
  c.data.train_files = TrainFile();
  c.data.train_batch_size = 3;
  c.data.max_response_length = 40;
  c.rollout.n = 4;
  c.rollout.max_new_tokens = 8;
  c.actor.ppo_mini_batch_size = 2;
  c.actor.optim.lr = 1e-3;
  c.actor.optim.warmup_steps = 1;
  c.actor.loss_agg_max_len = 48;
  c.algorithm.switch_gate = 1;  // hpt: questions with <= 1 of 4 correct train their demonstration
  c.trainer.total_training_steps = 3;
  c.trainer.save_freq = 0;
  c.trainer.test_freq = 0;
  c.trainer.val_before_train = false;
  c.trainer.seed = 3;
  c.trainer.threads = 1;
  c.trainer.keep_checkpoints = 0;
  c.trainer.out_dir = out;
  return c;
}

std::vector<at::Tensor> Params(const std::string& dir) {
  auto model = lm::LoadQwen2(dir, torch::kCPU);
  std::vector<at::Tensor> out;
  for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
  return out;
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
  RunTraining(TinyConfig(GetParam(), one), quiet);  // writes one/config.json: the resolved config

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
