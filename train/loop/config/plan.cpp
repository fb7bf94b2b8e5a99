#include "train/loop/config/plan.h"

#include <fmt/format.h>

#include "core/fs.h"
#include "core/json.h"
#include "core/options.h"
#include "core/strings.h"
#include "datasets/registry.h"
#include "train/loop/config/preset_knobs.h"
#include "train/loop/config/train_data.h"

namespace upt::train {

bool RunPlan::ok() const {
  for (const auto& c : checks)
    if (c.error) return false;
  return true;
}

namespace {

bool PresetUsesDemos(const std::string& p) { return p != "grpo"; }
bool PresetIsSftOnly(const std::string& p) { return p == "sft"; }

// Prompt + response must fit the model's positions. HPT trains Qwen2.5-Math-7B with
// rope_theta 40000 and max_position_embeddings 16384 (HPT issue #5; the released
// checkpoint has 10000 / 4096), so an unedited config.json fails this check.
void CheckPositions(const TrainConfig& cfg, const std::string& config_json, RunPlan* plan) {
  if (!FileExists(config_json)) return;
  const Json j = Json::parse(ReadFile(config_json), nullptr, false);
  if (!j.is_object() || !j.contains("max_position_embeddings") || !j["max_position_embeddings"].is_number()) return;
  const long long positions = j["max_position_embeddings"].get<long long>();
  const long long need = static_cast<long long>(cfg.data.max_prompt_length) + cfg.rollout.sampling.max_new_tokens;
  if (positions >= need) return;
  const std::string theta = j.contains("rope_theta") ? j["rope_theta"].dump() : "unset";
  plan->checks.push_back(
      {"model.path",
       fmt::format("{}: max_position_embeddings {} < max_prompt_length + max_new_tokens = {} (rope_theta {}); "
                   "for Qwen2.5-Math-7B set rope_theta 40000 and max_position_embeddings 16384 as HPT does",
                   config_json, positions, need, theta),
       false});  // a warning: real prompts are usually shorter than max_prompt_length
}

void CheckModel(const TrainConfig& cfg, bool dry_run, RunPlan* plan) {
  const std::string& path = cfg.model.path;
  if (path.empty()) {
    plan->checks.push_back({"model.path", "not set", !dry_run});
    return;
  }
  for (const char* f : {"config.json", "tokenizer.json"}) {
    std::string file = path + "/" + f;
    if (!FileExists(file)) plan->checks.push_back({"model.path", file + ": not found", !dry_run});
  }
  CheckPositions(cfg, path + "/config.json", plan);
}

long CountTrainRows(const TrainConfig& cfg, bool dry_run, RunPlan* plan, long* with_target) {
  const std::string& spec = cfg.data.train_files;
  if (!StartsWith(spec, "toy:") && !FileExists(spec)) {
    plan->checks.push_back({"data.train_files", spec + ": not found; get it: " + datasets::MissingTrainFileHint(spec), !dry_run});
    return -1;
  }
  try {
    auto rows = LoadTrainData(spec, cfg.trainer.seed);
    *with_target = 0;
    for (const auto& r : rows) *with_target += r.target.empty() ? 0 : 1;
    return static_cast<long>(rows.size());
  } catch (const Error& e) {
    plan->checks.push_back({"data.train_files", e.message() + (e.where().empty() ? "" : " at " + e.where()), true});
    return -1;
  }
}

}  // namespace

RunPlan BuildPlan(const TrainConfig& cfg, bool dry_run) {
  RunPlan plan;
  try {
    ValidateConfig(cfg);
    for (int ph = 0; ph < PhaseCount(cfg); ++ph) ValidateConfig(PhaseConfig(cfg, ph));
  } catch (const Error& e) {
    plan.checks.push_back({e.where(), e.message(), true});
  }
  CheckModel(cfg, dry_run, &plan);
  long with_target = 0;
  long rows = CountTrainRows(cfg, dry_run, &plan, &with_target);

  const int steps = cfg.trainer.total_training_steps;
  const int sft_steps = EffectiveSftSteps(cfg);
  const bool sft_only = PresetIsSftOnly(cfg.algorithm.preset);
  const int rl_steps = sft_only ? 0 : steps - sft_steps;
  const long long prompts = static_cast<long long>(steps) * cfg.data.train_batch_size;
  auto& s = plan.summary;
  s["preset"] = cfg.algorithm.preset;
  s["total_training_steps"] = steps;
  s["sft_steps"] = sft_only ? steps : sft_steps;
  s["rl_steps"] = rl_steps;
  s["prompts_per_step"] = cfg.data.train_batch_size;
  s["rollouts_per_prompt"] = cfg.rollout.n;
  s["rollouts_total"] = static_cast<long long>(rl_steps) * cfg.data.train_batch_size * cfg.rollout.n;
  s["optimizer_steps_per_step_max"] =
      (cfg.data.train_batch_size + cfg.actor.ppo_mini_batch_size - 1) / cfg.actor.ppo_mini_batch_size *
      cfg.actor.ppo_epochs;
  s["loss_agg_max_len"] = EffectiveLossMaxLen(cfg);
  s["loss_norm"] = cfg.actor.loss_norm == "upstream"
                       ? fmt::format("upstream (W = {} virtual ranks, mini-batches of {} rows)", cfg.actor.virtual_world_size,
                                     cfg.actor.ppo_mini_batch_size * cfg.rollout.n)
                       : std::string("global");
  s["micro_batches"] = cfg.actor.use_dynamic_bsz
                           ? fmt::format("dynamic, <= {} tokens", cfg.actor.ppo_max_token_len_per_gpu)
                           : (cfg.actor.ppo_micro_batch_size_per_gpu > 0
                                  ? fmt::format("{} rows", cfg.actor.ppo_micro_batch_size_per_gpu)
                                  : std::string("whole mini-batch"));
  if (cfg.algorithm.preset == "hpt") s["switch_gate_off"] = EffectiveSwitchGateOff(cfg);
  if (rows >= 0) {
    s["train_rows"] = rows;
    s["train_rows_with_target"] = with_target;
    s["epochs"] = rows > 0 ? static_cast<double>(prompts) / rows : 0.0;
    if (PresetUsesDemos(cfg.algorithm.preset) && with_target < rows)
      plan.checks.push_back({"data.train_files",
                             fmt::format("{} of {} rows have no 'target' (demonstration); preset '{}' needs it",
                                         rows - with_target, rows, cfg.algorithm.preset),
                             with_target == 0});
  }
  const int val_every = cfg.trainer.test_freq;
  int validations = (val_every > 0 ? steps / val_every : 0) + (cfg.trainer.val_before_train ? 1 : 0);
  s["validation_runs"] = cfg.data.val_files.empty() ? 0 : validations;
  s["val_files"] = cfg.data.val_files;
  s["checkpoints"] = cfg.trainer.save_freq > 0 ? (steps + cfg.trainer.save_freq - 1) / cfg.trainer.save_freq : 1;
  for (const auto& v : cfg.data.val_files) {
    bool looks_like_file = v.find('/') != std::string::npos || EndsWith(v, ".jsonl") || EndsWith(v, ".csv");
    if (looks_like_file && !FileExists(v)) plan.checks.push_back({"data.val_files", v + ": not found", !dry_run});
  }
  if (!FileExists(cfg.trainer.out_dir + "/latest") && FileExists(cfg.trainer.out_dir))
    plan.checks.push_back({"trainer.out_dir", cfg.trainer.out_dir + " exists (no checkpoint yet)", false});
  return plan;
}

std::string FormatPlan(const TrainConfig& cfg, const RunPlan& plan) {
  std::string out = "== options (effective value  [source: file:line | --set | preset <name> | default]) ==\n";
  try {
    out += FormatKnobs(cfg);
  } catch (const Error& e) {  // unknown preset: the raw options (the checks below name the error)
    out += OptionsToText(cfg);
  }
  out += "\n== plan ==\n";
  for (auto it = plan.summary.begin(); it != plan.summary.end(); ++it)
    out += fmt::format("{:<30} {}\n", it.key(), DumpLine(it.value()));
  out += "\n== checks ==\n";
  if (plan.checks.empty()) out += "all files found\n";
  for (const auto& c : plan.checks)
    out += fmt::format("{}: {}: {}\n", c.error ? "error" : "warning", c.what, c.message);
  return out;
}

}  // namespace upt::train
