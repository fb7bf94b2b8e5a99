// In-training validation (hpt_spec §8.4): avg@n per benchmark with the current
// policy, n = rollout.val_n samples per problem at rollout.val_temperature.
// Common random numbers: streams are keyed by (trainer.seed, benchmark/problem,
// sample) only, so successive validations differ only through the weights.
#pragma once

#include <string>
#include <vector>

#include "datasets/problem.h"
#include "lm/generate/generator.h"
#include "train/loop/config/config.h"
#include "train/loop/prompt.h"

namespace upt::train {

struct ValidationResult {
  std::string benchmark;
  double avg_at_n = 0;  // mean correctness over problems × samples
  int n = 0, problems = 0;
};

// Loads data.val_files (registry names, toy names or files), truncated to data.val_limit.
std::vector<datasets::Benchmark> LoadValidationSets(const TrainConfig& cfg);

std::vector<ValidationResult> Validate(lm::Generator& gen, const PromptFormat& fmt,
                                       const std::vector<datasets::Benchmark>& sets, const TrainConfig& cfg);

}  // namespace upt::train
