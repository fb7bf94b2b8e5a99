// Shared fixture of the training-loop tests: a tiny randomly initialised toy
// model (d 32, 1 layer) saved as an HF directory, five toy training examples
// (so batches of 3 cross epochs), and a small TrainConfig over them.
#pragma once

#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/json.h"
#include "lm/model/checkpoint.h"
#include "lm/tokenizer/tokenizer.h"
#include "train/loop/trainer.h"
#include "train/toy/toy_base.h"

namespace upt::train::testing {

// A per-process scratch folder shared by the tests of one executable.
inline std::string Root() {
  static std::string root = [] {
    auto dir = std::filesystem::temp_directory_path() / ("upt_train_loop_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir.string();
  }();
  return root;
}

inline std::string TinyModel() {
  static std::string dir = [] {
    std::string d = Root() + "/tiny_model";
    std::string tok_json = toy::ToyTokenizerJson();
    toy::ToyModelOptions m;
    m.hidden_size = 32;
    m.num_layers = 1;
    m.num_heads = 2;
    m.num_kv_heads = 1;
    m.intermediate_size = 64;
    lm::Qwen2ForCausalLM model(toy::ToyModelConfig(m));
    lm::InitQwen2Weights(model, 7);
    lm::SaveQwen2(model, d, tok_json);
    return d;
  }();
  return dir;
}

inline std::string SmallTrainFile() {
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

// 4 steps of 3 questions x 2 rollouts in mini-batches of 2 (two mini-batches per
// step exercise the recomputed pi_old), checkpoints every 2 steps.
inline TrainConfig TinyConfig(const std::string& preset, const std::string& out) {
  TrainConfig c;
  c.algorithm.preset = preset;
  c.model.path = TinyModel();
  c.data.train_files = SmallTrainFile();
  c.data.train_batch_size = 3;
  c.data.max_response_length = 40;
  c.rollout.n = 2;
  c.rollout.sampling.max_new_tokens = 8;
  c.actor.ppo_mini_batch_size = 2;
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

inline std::vector<at::Tensor> Params(const std::string& dir) {
  auto model = lm::LoadQwen2(dir, torch::kCPU);
  std::vector<at::Tensor> out;
  for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
  return out;
}

}  // namespace upt::train::testing
