// `upt train`: post-training with a YAML config (train/loop), and
// `upt pretrain`: the toy world's base model (train/toy).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/lock.h"
#include "core/log.h"
#include "core/options.h"
#include "core/strings.h"
#include "datasets/registry.h"
#include "train/loop/config/config.h"
#include "train/loop/config/memory_plan.h"
#include "train/loop/config/plan.h"
#include "train/loop/preset_config.h"
#include "train/loop/trainer.h"
#include "train/toy/toy_base.h"

namespace {

struct TrainCli {
  std::string config;
  std::vector<std::string> sets;
  bool dry_run = false, resume = false, list_presets = false;
  std::string out;
  std::string gpu_memory = "80GiB";  // --dry-run memory plan
  int world_size = 0;                // 0 = WORLD_SIZE, else the config's (memory_plan.h PlanWorldSize)
  long long micro_batch_rows = 0;    // 0 = this rank's share of a mini-batch
  long long rollout_rows = 0;        // 0 = this rank's share of a rollout batch
  template <class V>
  void ForEach(V&& v) {
    using upt::kOptNoDefault;
    v("config", config, "YAML config (see configs/paper, configs/toy)");
    v("set", sets, "override: key=value (repeatable), e.g. --set rollout.n=4");
    v("dry_run", dry_run, "print the resolved plan and check files; do not train");
    v("resume", resume, "continue from OUT/latest");
    v("gpu_memory", gpu_memory, "--dry-run: device memory the plan must fit (e.g. 80GiB)");
    v("world_size", world_size, "--dry-run: ranks to plan for (default: WORLD_SIZE, else actor.virtual_world_size under loss_norm upstream, else 1)",
      kOptNoDefault);
    v("micro_batch_rows", micro_batch_rows,
      "--dry-run: rows per forward/backward (default: this rank's share of a mini-batch)", kOptNoDefault);
    v("rollout_rows", rollout_rows,
      "--dry-run: concurrent generation rows per rank (KV cache; default: this rank's share of a batch)",
      kOptNoDefault);
    v("out", out, "run directory (overrides trainer.out_dir)");
    v("list_presets", list_presets, "list the algorithm presets");
  }
};

// `upt pretrain`: --out and --steps bind fields of the toy options; --set reaches every other one.
struct PretrainCli {
  upt::train::toy::ToyPretrainOptions opts;
  std::vector<std::string> sets;
  bool print_options = false;
  template <class V>
  void ForEach(V&& v) {
    v("out", opts.out_dir, "output HF directory");
    v("steps", opts.steps, "optimizer steps");
    v("set", sets, "override key=value (keys: upt pretrain --print-options)");
    v("print_options", print_options, "print every option with its default");
  }
};

int ListPresets() {
  for (const auto& name : upt::train::PresetRegistry().Names()) {
    const auto& p = upt::train::PresetRegistry().Get(name);
    std::printf("%-18s layout=%-9s lr=%-6g %s\n", name.c_str(), upt::train::BatchLayoutName(p.settings.layout),
                p.settings.lr, p.settings.delta.c_str());
  }
  return 0;
}

int RunTrain(const TrainCli& cli) {
  if (cli.list_presets) return ListPresets();
  if (cli.config.empty()) throw upt::Error("--config is required", "upt train", "e.g. upt train --config configs/toy/hpt.yaml");
  upt::train::TrainConfig cfg;
  upt::train::LoadConfigFile(cli.config, &cfg);
  upt::train::ApplyOverrides(cli.sets, &cfg);
  if (!cli.out.empty()) cfg.trainer.out_dir = cli.out;
  upt::train::RegisterToyTrainData();
  if (cli.dry_run) {
    upt::train::RunPlan plan = upt::train::BuildPlan(cfg, /*dry_run=*/true);
    for (const auto& spec : cfg.data.val_files) {  // a misspelled benchmark fails the dry run, not step N
      if (spec.find('/') != std::string::npos || upt::EndsWith(spec, ".jsonl") || upt::EndsWith(spec, ".csv"))
        continue;  // a file: BuildPlan checks it (it may not exist yet)
      try {
        upt::datasets::LoadBenchmarkOrFile(spec);
      } catch (const upt::Error& e) {
        plan.checks.push_back({"data.val_files", e.message(), true});
      }
    }
    std::vector<std::string> notes;
    upt::OrderedJson preset;
    try {
      preset = upt::train::DescribeConfiguredPreset(cfg, &notes);
    } catch (const upt::Error& e) {
      plan.checks.push_back({"algorithm.preset", e.message(), true});
    }
    std::printf("%s", upt::train::FormatPlan(cfg, plan).c_str());
    std::printf("\n== preset (UPGE parts) ==\n%s", upt::DumpPretty(preset).c_str());
    for (const auto& n : notes) std::printf("note: %s\n", n.c_str());
    const double gpu = upt::train::ParseByteSize(cli.gpu_memory);
    if (gpu < 0) throw upt::Error("not a size: '" + cli.gpu_memory + "'", "--gpu-memory", "e.g. 80GiB or 24GB");
    const char* ws = std::getenv("WORLD_SIZE");
    const int world = cli.world_size > 0 ? cli.world_size : (ws ? std::max(1, std::atoi(ws)) : 0);  // 0: the config's
    std::printf("\n%s", upt::train::MemoryPlanSection(cfg, world, gpu, cli.micro_batch_rows, cli.rollout_rows).c_str());
    std::printf("\n%s\n", plan.ok() ? "dry run: OK" : "dry run: FAILED");
    return plan.ok() ? 0 : 2;
  }
  upt::train::RunPlan plan = upt::train::BuildPlan(cfg, /*dry_run=*/false);
  for (const auto& c : plan.checks)
    if (c.error) throw upt::Error(c.message, c.what, "run with --dry-run to see the whole plan");
  upt::train::PresetPhases(cfg);  // unknown preset -> error listing the valid ones
  upt::OutputLock lock;  // one writer per run directory; with several ranks rank 0 writes
  const char* env_rank = std::getenv("RANK");
  if (!env_rank || std::string(env_rank) == "0") lock = upt::OutputLock::ForDir(cfg.trainer.out_dir);
  upt::train::TrainRunOptions opts;
  opts.resume = cli.resume;
  auto s = upt::train::RunTraining(cfg, opts);
  const char* rank = std::getenv("RANK");  // data-parallel: only rank 0 reports
  if (rank && std::string(rank) != "0") return 0;
  std::printf("trained steps %d..%d in %.1f s; last checkpoint %s\n", s.start_step, s.steps_done, s.seconds,
              s.last_checkpoint.c_str());
  return 0;
}

upt::cli::RunFn SetupTrain(CLI::App& app) {
  auto cli = std::make_shared<TrainCli>();
  upt::cli::AddOptions(app, *cli);
  return [cli] { return RunTrain(*cli); };
}

upt::cli::RunFn SetupToyPretrain(CLI::App& app) {
  auto c = std::make_shared<PretrainCli>();
  upt::cli::AddOptions(app, *c);
  return [c] {
    auto* opts = &c->opts;
    for (const auto& s : c->sets) upt::ApplyOverride(*opts, s);
    if (c->print_options) {
      std::printf("%s", upt::OptionsToText(*opts).c_str());
      return 0;
    }
    auto r = upt::train::toy::PretrainToyBase(*opts);
    std::printf("toy base: %lld parameters, loss %.4f, %.1f s, %.0f tokens/s -> %s\n", r.parameters, r.final_loss,
                r.seconds, r.tokens_per_s, opts->out_dir.c_str());
    return 0;
  };
}

}  // namespace

UPT_COMMAND(train, "Post-train a model (SFT, GRPO, LUFFY, HPT, ...) from a YAML config", SetupTrain);
UPT_COMMAND(pretrain, "Pre-train the toy world's base model from scratch (char-level Qwen2)", SetupToyPretrain);
