// The toy world's base model (toy_world.md): the toy model (train/toy/model/toy_model.h)
// pre-trained from scratch on the noisy-teacher corpus (tiers 1-3/4 with a 10%
// slip rate), so the base is weak but not hopeless.
#pragma once

#include <string>
#include <vector>

#include "datasets/toy/toy_world.h"
#include "train/toy/model/toy_model.h"
#include "train/loop/config/train_data.h"

namespace upt::train::toy {

struct ToyPretrainOptions {
  std::string out_dir = "runs/toy/base";
  int steps = 1500;
  int batch_size = 64;        // sequences per step
  double lr = 2e-3;           // AdamW peak LR; linear warm-up then cosine to min_lr_ratio·lr
  int warmup_steps = 50;
  double min_lr_ratio = 0.1;
  double weight_decay = 0.01;
  long long seed = 0;         // init and batch sampling
  int threads = 0;            // torch intra-op threads; 0 = default
  int log_every = 100;
  ToyModelOptions model;
  datasets::toy::ToyWorldOptions world;  // the corpus (pretrain_mix, slip_rate, pretrain_size)
  template <class V>
  void ForEach(V&& v) {
    v("out_dir", out_dir, "output HF directory");
    v("steps", steps, "optimizer steps");
    v("batch_size", batch_size, "sequences per step");
    v("lr", lr, "peak learning rate");
    v("warmup_steps", warmup_steps, "linear warm-up steps");
    v("min_lr_ratio", min_lr_ratio, "cosine decay floor as a fraction of lr");
    v("weight_decay", weight_decay, "AdamW weight decay");
    v("seed", seed, "init and batch-sampling seed");
    v("threads", threads, "torch intra-op threads; 0 = default");
    v("log_every", log_every, "log every N steps");
    v("model", model, "");
    v("world", world, "");
  }
};

struct ToyPretrainResult {
  double seconds = 0;
  double final_loss = 0;       // mean token NLL over the last log_every steps
  double tokens_per_s = 0;
  long long parameters = 0;
};
// Pre-trains and writes out_dir as an HF checkpoint (+ pretrain_log.jsonl).
ToyPretrainResult PretrainToyBase(const ToyPretrainOptions& opts);

// The toy training set as trainer examples (ids, problems, answers, clean
// demonstrations); "toy:train" in data.train_files.
std::vector<TrainExample> ToyTrainExamples(const datasets::toy::ToyWorldOptions& world);

}  // namespace upt::train::toy
