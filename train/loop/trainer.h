// The training loop (`upt train`). One step:
//   1 prompts    train_batch_size questions from the (seed, epoch)-shuffled cursor
//   2 rollouts   n samples per question with lm::Generator (RngStream(seed', {question, sample}),
//                seed' derived from (trainer.seed, step)), unless the phase trains on demonstrations only
//   3 rewards    verifiers::Grade(gold, completion) -> 0/1
//   4 routing    the preset's layout: on_policy | mixed (LUFFY/SRFT: n - n_prefix rollouts + demos)
//                | hpt (RouteHpt on correct counts) | demos (SFT)
//   5 old logp   π_old = the sampling policy, recomputed teacher-forced before any update
//   6 updates    ppo_epochs × mini-batches of ppo_mini_batch_size questions: UPGE loss of the preset,
//                AdamW (constant LR after warm-up), clip the grad norm to grad_clip, skip the update
//                when the pre-clip norm is non-finite or above max_grad_norm
//   7 logging    metrics.jsonl / metrics.csv / rollout_accuracy.jsonl (run_log.h)
//   8 validation avg@val_n on data.val_files every test_freq steps (validation.jsonl)
//   9 checkpoint every save_freq steps and at the end (checkpoint.h)
#pragma once

#include <functional>
#include <string>

#include "train/loop/config/config.h"

namespace upt::train {

struct TrainRunOptions {
  bool resume = false;       // continue from OUT/latest (error when there is none)
  bool progress = true;      // one log line per step on stderr
  int stop_after_steps = -1; // stop (as if killed) after this many steps of this invocation; tests
};

struct TrainSummary {
  int start_step = 0;
  int steps_done = 0;        // completed steps in total (== total_training_steps when finished)
  double seconds = 0;
  std::string last_checkpoint;
  double final_reward_mean = 0;
};

TrainSummary RunTraining(const TrainConfig& cfg, const TrainRunOptions& opts);

// Registers the toy world's training data ("toy:train") with the data loader;
// called by RunTraining and by `upt train --dry-run`. Idempotent and thread-safe.
void RegisterToyTrainData();

}  // namespace upt::train
