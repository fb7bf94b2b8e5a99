// In-training validation (hpt_spec §8.4): avg@n per benchmark with the current
// policy, n = rollout.val_n samples per problem at rollout.val_temperature,
// graded through eval/ exactly as `upt score` grades (eval::MakeVerifierGrader,
// eval::GradeAvgAtN: same avg@n, same bootstrap interval) under the verifier
// options of RewardGrading(cfg.reward, /*validation=*/true).
// Common random numbers: streams are keyed by (trainer.seed, benchmark/problem,
// sample) only, so successive validations differ only through the weights.
#pragma once

#include <string>
#include <vector>

#include "datasets/problem.h"
#include "lm/generate/generator.h"
#include "train/loop/config/config.h"
#include "train/loop/prompt.h"
#include "verifiers/verify.h"

namespace upt::train {

struct ValidationResult {
  std::string benchmark;
  double avg_at_n = 0;  // mean over problems of the fraction correct (results.json pass_at_1)
  double ci_low = 0, ci_high = 0;  // `upt score`'s bootstrap interval (B 1000, seed 0, level 0.95)
  int n = 0, problems = 0;
  std::string verifier;  // verifiers::PolicyName of the grading options
};

// The verifier options of training rewards (validation=false: reward.policy)
// or of validation (reward.validation_policy, empty = reward.policy), with
// reward.grading (reward.extraction) as the upt reward's grading options.
verifiers::GradeOptions RewardGrading(const RewardOptions& reward, bool validation);

// Loads data.val_files (registry names, toy names or files), truncated to data.val_limit.
std::vector<datasets::Benchmark> LoadValidationSets(const TrainConfig& cfg);

std::vector<ValidationResult> Validate(lm::Generator& gen, const PromptFormat& fmt,
                                       const std::vector<datasets::Benchmark>& sets, const TrainConfig& cfg);

}  // namespace upt::train
