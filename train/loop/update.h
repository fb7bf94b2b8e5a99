// Steps 5-6 of a training step: π_old, then the optimizer steps over the
// step's rows, each one a loop over micro-batches with gradient accumulation
// (micro_batch.h). The layout and the loss normalisation follow
// actor.loss_norm:
//   global    the gradient of the whole mini-batch's loss with global
//             normalisers (independent of micro-batching and of the rank count;
//             gradients summed over ranks);
//   upstream  HPT/verl: Σ over the W virtual ranks and their micro-batches of
//             each micro-batch's own loss, ÷ W (docs/train.md). Rows are
//             gathered on every rank; real rank r runs virtual ranks v ≡ r mod R.
// Demonstration-only phases (SFT) always use `global` (LUFFY's SFT is OpenRLHF).
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "train/dist/dist.h"
#include "train/loop/config/config.h"
#include "train/loop/micro_batch.h"
#include "train/loop/rows.h"
#include "train/upge/presets.h"

namespace torch::optim {
class Optimizer;
}

namespace upt::train {

struct UpdateStats {
  std::map<std::string, double> sums;  // estimator metrics summed over optimizer steps
  int updates = 0, skipped = 0, micro_batches = 0;
  double grad_norm_sum = 0, entropy_sum = 0, entropy_tokens = 0;
  long long tokens = 0;
};

struct PolicyUpdater {
  lm::Qwen2ForCausalLM* model = nullptr;
  torch::optim::Optimizer* optimizer = nullptr;
  dist::DistContext* dist = nullptr;
  int32_t pad_id = 0;
};

// One optimizer step of this rank: its micro-batches as indices into the rows.
struct OptimStepPlan {
  std::vector<std::vector<int>> micro;
  int64_t response_width = 0;  // widest response of the step over all ranks (set by UpdatePolicy)
};

// The micro-batch options of the config.
MicroBatchOptions MicroBatchOptionsOf(const TrainConfig& cfg);

// Global layout: mini-batches of `questions_per_step` whole questions (every
// rank walks the same list; its share may be empty), split into micro-batches.
std::vector<OptimStepPlan> PlanGlobalSteps(const std::vector<StepRow>& rows, int num_questions,
                                           int questions_per_step, const MicroBatchOptions& micro);
// Upstream layout of all rows for real rank `rank` of `ranks` (PlanUpstreamLayout).
std::vector<OptimStepPlan> PlanUpstreamSteps(const std::vector<StepRow>& rows, const UpstreamLayoutOptions& o,
                                             int rank, int ranks);

// Trains `rows` (this rank's) with `preset` under cfg (the phase's effective config).
UpdateStats UpdatePolicy(const PolicyUpdater& u, const TrainConfig& cfg, const Preset& preset,
                         const std::vector<StepRow>& rows, int num_questions, int step);

}  // namespace upt::train
