#include "pipeline/presets.h"

#include <algorithm>

#include "core/error.h"
#include "core/strings.h"
#include "datasets/registry.h"

namespace upt::pipeline {
namespace {

std::vector<MethodSpec> FiveMethods() {
  return {{"sft", "SFT", "sft"},
          {"grpo", "GRPO", "grpo"},
          {"sft_then_grpo", "SFT→GRPO", "sft_then_grpo"},
          {"luffy", "LUFFY", "luffy"},
          {"hpt", "HPT", "hpt"}};
}

// Every toy-world benchmark of the benchmark table (its generated rows, in table
// order: the toy6 tiers, then toy_ood2), `samples` each, first `problems` problems.
std::vector<EvalSpec> ToyEvals(int samples, int problems) {
  std::vector<EvalSpec> e;
  for (const auto& info : datasets::ListBenchmarks())
    if (info.generated) e.push_back({info.name, samples, problems});
  return e;
}

ReproducePreset Toy() {
  ReproducePreset p;
  p.name = "toy";
  p.description = "the toy world study on 2 CPU cores: base + SFT, GRPO, SFT->GRPO, LUFFY, HPT; 256 samples/problem";
  // toy_world.md's training sizes; 32 instead of 64 problems per benchmark
  // keeps the whole study within 15 minutes on 2 cores
  // (benchmarks/results/reproduce.md) with 256 samples per problem.
  p.pretrain_steps = 1500;
  p.pretrain_batch = 64;
  p.train_steps = 200;
  p.prompts_per_step = 16;
  p.rollouts = 8;
  p.val_every = 50;
  p.val_problems = 16;
  p.evals = ToyEvals(256, 32);
  p.max_k = 128;
  p.methods = FiveMethods();
  return p;
}

// The toy study with statistical power: 5 replicates and 40 problems per
// benchmark (toy uses 32), sized so the plan is about 50 min on 2 idle cores
// (training dominates: about 12 of each replicate's 19 CPU-minutes).
ReproducePreset ToyFull() {
  ReproducePreset p = Toy();
  p.name = "toy-full";
  p.description = "the toy study over 5 seeds (base + 5 methods each), 40 problems x 256 samples per benchmark";
  p.evals = ToyEvals(256, 40);
  p.seeds = 5;
  return p;
}

ReproducePreset ToySmoke() {
  ReproducePreset p = Toy();
  p.name = "toy-smoke";
  p.description = "every stage of `toy` at minimal size (tests, a first look)";
  p.pretrain_steps = 20;
  p.pretrain_batch = 16;
  p.train_steps = 4;
  p.prompts_per_step = 4;
  p.rollouts = 4;
  p.val_every = 0;
  p.evals = ToyEvals(8, 4);
  p.max_k = 8;
  p.bootstrap = 100;
  p.gen_batch_size = 64;
  return p;
}

// hpt_spec.md §8: the paper's benchmarks (AMC 23 for the HPT code's AMC) with the
// benchmark table's n (32 on AIME/AMC, 1 otherwise); T 0.6, top-p 0.95, 8192 tokens.
std::vector<EvalSpec> PaperEvals() {
  std::vector<EvalSpec> e;
  for (const auto& name : datasets::ExpandBenchmarkNames("aime24,aime25,amc23,math500,minerva,olympiad,ood2"))
    e.push_back({name, datasets::GetBenchmarkInfo(name).defaults.samples_per_problem, 0});
  return e;
}

ReproducePreset Paper(const std::string& name, const std::string& model, const std::string& prefix,
                      const std::string& checkpoint, bool srft) {
  ReproducePreset p;
  p.name = name;
  p.description = "the paper's study for " + model + " (hpt_spec.md §2-8); needs GPUs";
  p.toy = false;
  p.pretrain_steps = 0;
  p.pretrain_batch = 0;
  p.train_steps = 500;
  p.prompts_per_step = 128;
  p.rollouts = 8;
  p.val_every = 10;
  p.evals = PaperEvals();
  p.sampling.temperature = 0.6;
  p.sampling.top_p = 0.95;
  p.sampling.max_new_tokens = 8192;
  p.gen_batch_size = 256;
  p.max_k = 1024;
  p.paper_model = model;
  p.config_prefix = prefix;
  p.base_checkpoint = checkpoint;
  p.passk_samples = 2048;
  p.methods = FiveMethods();
  if (srft) p.methods.push_back({"srft", "SRFT", "srft"});
  return p;
}

}  // namespace

const std::vector<ReproducePreset>& ReproducePresets() {
  static const std::vector<ReproducePreset> presets{
      Toy(), ToyFull(), ToySmoke(),
      Paper("paper-qwen25-math-7b", "qwen2.5-math-7b", "qwen25-math-7b", "models/Qwen2.5-Math-7B", true),
      Paper("paper-qwen25-math-1.5b", "qwen2.5-math-1.5b", "qwen25-math-1.5b", "models/Qwen2.5-Math-1.5B", false),
      Paper("paper-llama31-8b", "llama3.1-8b", "llama31-8b", "models/Llama-3.1-8B", false)};
  return presets;
}

std::vector<std::string> PresetNames() {
  std::vector<std::string> names;
  for (const auto& p : ReproducePresets()) names.push_back(p.name);
  return names;
}

const ReproducePreset& FindPreset(const std::string& name) {
  for (const auto& p : ReproducePresets())
    if (p.name == name) return p;
  throw Error(UnknownNameMessage("preset", name, PresetNames()), "--preset", "see `upt reproduce --list-presets`");
}

void ValidatePreset(const ReproducePreset& p) {
  auto need = [&](bool ok, const std::string& field, const std::string& msg) {
    if (!ok) throw Error(msg, "preset '" + p.name + "': field '" + field + "'");
  };
  if (p.toy) {
    need(p.pretrain_steps > 0 && p.pretrain_batch > 0, "pretrain_steps", "must be positive");
  }
  need(p.train_steps > 0, "train_steps", "must be positive");
  need(p.prompts_per_step > 0 && p.rollouts > 0, "rollouts", "prompts_per_step and rollouts must be positive");
  need(!p.evals.empty(), "evals", "no benchmarks to evaluate");
  need(!p.methods.empty(), "methods", "no methods to train");
  for (const auto& e : p.evals) {
    need(e.samples > 0, "evals." + e.benchmark + ".samples", "must be positive");
    if (p.name == "toy" || p.name == "toy-full")
      need(e.samples >= 256, "evals." + e.benchmark + ".samples", "the toy study needs >= 256 samples per problem");
  }
  need(p.max_k >= 1, "max_k", "must be >= 1");
  need(p.seeds >= 1 && p.seeds <= 100, "seeds", "must be in [1, 100]");
  need(p.toy || p.seeds == 1, "seeds", "replicates are for the toy presets");
  need(p.sampling.temperature >= 0 && p.sampling.top_p > 0 && p.sampling.top_p <= 1, "temperature", "temperature >= 0 and 0 < top_p <= 1");
}

}  // namespace upt::pipeline
