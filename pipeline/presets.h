// `upt reproduce` presets: the sizes of the study as data. A preset names the
// methods, benchmarks and budgets; the stage table (pipeline/reproduce.h) is
// the same for every toy preset. Paper presets describe the GPU study of
// hpt_spec.md §2-8 and can only be planned (--dry-run) on this machine.
#pragma once

#include <string>
#include <vector>

#include "lm/generate/sampler.h"

namespace upt::pipeline {

// One post-training method: a run label and the trainer config it starts from
// (embedded copy of configs/toy/<config>.yaml or configs/paper/<model>_<config>.yaml).
struct MethodSpec {
  std::string key;     // run folder name: sft, grpo, sft_then_grpo, luffy, hpt
  std::string label;   // report label: SFT, GRPO, SFT→GRPO, LUFFY, HPT
  std::string config;  // config stem
};

// Evaluation of one benchmark group.
struct EvalSpec {
  std::string benchmark;   // registered benchmark name
  int samples = 256;       // samples per problem
  int problems = 0;        // first N problems; 0 = all (the report's group comes from the benchmark table)
};

inline lm::SamplingParams ToySampling() {
  lm::SamplingParams p;
  p.temperature = 0.6;
  p.top_p = 1.0;
  p.max_new_tokens = 48;
  return p;
}

struct ReproducePreset {
  std::string name;
  std::string description;
  bool toy = true;                 // false: a paper preset (plan only here)
  // Toy base pre-training (train/toy/toy_base.h).
  int pretrain_steps = 1500;
  int pretrain_batch = 64;
  // Post-training, the same budget for every method.
  int train_steps = 200;           // optimizer steps (SFT->GRPO: half SFT, half GRPO)
  int prompts_per_step = 16;       // data.train_batch_size
  int rollouts = 8;                // rollout.n
  int val_every = 0;               // trainer.test_freq (0 = no in-training validation)
  int val_problems = 16;           // data.val_limit
  // Final evaluation.
  std::vector<EvalSpec> evals;
  // Sampling of every generate stage, complete (benchmarks' own settings are not
  // used): the toy study's T 0.6, top-p 1.0, 48 new tokens; paper presets T 0.6, top-p 0.95, 8192.
  lm::SamplingParams sampling = ToySampling();
  int gen_batch_size = 512;        // rows decoded together in the generate job
  long long max_k = 128;           // largest k in Pass@k tables and curves
  int bootstrap = 1000;
  long long seed = 0;
  // Replicates: K independent studies sharing the world; replicate r uses seed
  // + r for base pre-training, post-training and sampling. K = 1 keeps the
  // single-study stage table; K > 1 writes runs/s<r>/<run>/ and a report
  // aggregated over seeds (labels METHOD/s<r>, reports/seeds_report.h).
  int seeds = 1;
  // Paper presets only.
  std::string paper_model;         // reports/paper key: qwen2.5-math-7b | ...
  std::string config_prefix;       // configs/paper/<prefix>_<method>.yaml
  std::string base_checkpoint;     // models/... (must exist to run)
  int passk_samples = 0;           // Pass@k samples per problem (paper: 2048)
  std::vector<MethodSpec> methods;
};

// toy, toy-full, toy-smoke, paper-qwen25-math-7b, paper-qwen25-math-1.5b, paper-llama31-8b.
const std::vector<ReproducePreset>& ReproducePresets();
// Throws upt::Error listing the valid names.
const ReproducePreset& FindPreset(const std::string& name);
std::vector<std::string> PresetNames();

// Checks sizes (positive, >= 256 samples for `toy`, k <= samples); throws upt::Error naming the field.
void ValidatePreset(const ReproducePreset& p);

}  // namespace upt::pipeline
