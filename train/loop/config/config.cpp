#include "train/loop/config/config.h"
#include "train/loop/config/memory_plan.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/fs.h"
#include "core/limits.h"
#include "core/options.h"
#include "core/strings.h"
#include "verifiers/reward.h"

namespace upt::train {
namespace {

// Flattens nested objects into dotted keys (arrays are leaves).
void Flatten(const Json& j, const std::string& prefix, std::vector<std::pair<std::string, Json>>* out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) Flatten(*it, key, out);
    else out->push_back({key, *it});
  }
}

}  // namespace


void LoadConfigFile(const std::string& path, TrainConfig* cfg) {
  std::vector<std::pair<std::string, int>> lines;
  Json j = YamlToJson(ReadFile(path), path, &lines);
  std::vector<std::pair<std::string, Json>> flat;
  Flatten(j, "", &flat);
  auto line_of = [&](const std::string& key) {
    for (const auto& [k, l] : lines)
      if (k == key) return l;
    return 0;
  };
  for (auto& [key, value] : flat) {
    std::string k = key == "algorithm.name" ? "algorithm.preset" : key;
    if (value.is_null()) continue;  // `key:` with no value keeps the default
    Json one = Json::object();
    one[k] = value;
    const std::string where = Where(path, line_of(key));
    OptionsFromJson(*cfg, one, where);
    cfg->set_at[k] = where;
  }
}

void ApplyOverrides(const std::vector<std::string>& assignments, TrainConfig* cfg) {
  for (std::string a : assignments) {
    if (StartsWith(a, "algorithm.name=")) a = "algorithm.preset=" + a.substr(15);
    ApplyOverride(*cfg, a);
    cfg->set_at[std::string(Trim(a.substr(0, a.find('='))))] = "--set";
  }
}

bool IsSet(const TrainConfig& cfg, const std::string& key) {
  if (cfg.set_at.count(key)) return true;
  static const OrderedJson defaults = OptionsToJson(TrainConfig{});
  const OrderedJson now = OptionsToJson(cfg);
  return now.contains(key) && defaults.contains(key) && now.at(key) != defaults.at(key);
}

void LoadConfigJson(const Json& j, const std::string& where, TrainConfig* cfg) {
  OptionsFromJson(*cfg, j, where);
  std::vector<std::pair<std::string, Json>> flat;
  Flatten(j, "", &flat);
  for (const auto& [key, value] : flat) cfg->set_at[key] = where;
}

namespace {
void Require(bool ok, const std::string& key, const std::string& what) {
  if (!ok) throw Error("invalid value: " + what, "key '" + key + "'");
}

void RequireName(const std::string& value, const std::string& key, const std::vector<std::string>& valid) {
  for (const auto& v : valid)
    if (v == value) return;
  throw Error(UnknownNameMessage(key, value, valid), "key '" + key + "'");
}

void ValidateOptim(const OptimOptions& o, const std::string& prefix) {
  Require(o.lr > 0, prefix + ".lr", "must be > 0");
  Require(o.weight_decay >= 0, prefix + ".weight_decay", "must be >= 0");
  Require(o.warmup_steps >= 0, prefix + ".warmup_steps", "must be >= 0");
  Require(o.warmup_ratio >= 0 && o.warmup_ratio < 1, prefix + ".warmup_ratio", "must be in [0, 1)");
  Require(o.min_lr_ratio >= 0 && o.min_lr_ratio <= 1, prefix + ".min_lr_ratio", "must be in [0, 1]");
  RequireName(o.lr_schedule, prefix + ".lr_schedule", {"constant", "cosine"});
}
}  // namespace

void ValidateConfig(const TrainConfig& c) {
  ValidateMemoryOptions(c);  // train/loop/config/memory_plan.h
  Require(c.rollout.n >= 1, "rollout.n", "must be >= 1");
  Require(c.rollout.sampling.temperature >= 0, "rollout.temperature", "must be >= 0");
  Require(c.rollout.sampling.top_p > 0 && c.rollout.sampling.top_p <= 1, "rollout.top_p", "must be in (0, 1]");
  Require(c.rollout.sampling.max_new_tokens >= 1, "rollout.max_new_tokens", "must be >= 1");
  Require(c.rollout.val_n >= 1, "rollout.val_n", "must be >= 1");
  Require(c.data.train_batch_size >= 1, "data.train_batch_size", "must be >= 1");
  Require(c.actor.ppo_mini_batch_size >= 1, "actor.ppo_mini_batch_size", "must be >= 1");
  Require(c.actor.ppo_epochs >= 1, "actor.ppo_epochs", "must be >= 1");
  ValidateOptim(c.actor.optim, "actor.optim");
  ValidateOptim(c.sft_phase.optim, "sft_phase.optim");
  Require(c.sft_phase.train_batch_size >= 0, "sft_phase.train_batch_size", "must be >= 0");
  Require(c.actor.ppo_micro_batch_size_per_gpu >= 0, "actor.ppo_micro_batch_size_per_gpu", "must be >= 0");
  Require(c.actor.ppo_max_token_len_per_gpu >= 1, "actor.ppo_max_token_len_per_gpu", "must be >= 1");
  Require(c.actor.virtual_world_size >= 1, "actor.virtual_world_size", "must be >= 1");
  RequireName(c.actor.loss_norm, "actor.loss_norm", {"global", "upstream"});
  RequireName(c.actor.sft_loss_agg_mode, "actor.sft_loss_agg_mode", {"preset", "token-mean", "seq-mean-token-mean"});
  RequireName(c.algorithm.demo_reward, "algorithm.demo_reward", {"verifier", "one"});
  RequireName(c.model.demo_eos, "model.demo_eos", {"tokenizer", "template"});
  RequireName(c.trainer.export_dtype, "trainer.export_dtype", {"base", "F32", "BF16", "F16"});
  Require(c.trainer.export_max_shard_gb > 0, "trainer.export_max_shard_gb", "must be > 0");
  Require(c.actor.grad_clip > 0, "actor.grad_clip", "must be > 0");
  Require(c.actor.max_grad_norm > 0, "actor.max_grad_norm", "must be > 0");
  Require(c.actor.clip_ratio_low >= 0 && c.actor.clip_ratio_low <= 1, "actor.clip_ratio_low",
          "must be in [0, 1] (1 = no lower clip, CISPO)");
  Require(c.actor.clip_ratio_high >= 0, "actor.clip_ratio_high", "must be >= 0");
  const std::vector<std::string> modes = {"preset", "token-sum-norm", "token-mean", "seq-mean-token-sum",
                                          "seq-mean-token-mean", "seq-mean-token-sum-norm"};
  bool mode_ok = false;
  for (const auto& m : modes) mode_ok |= m == c.actor.loss_agg_mode;
  if (!mode_ok)
    throw Error(UnknownNameMessage("loss_agg_mode", c.actor.loss_agg_mode, modes), "key 'actor.loss_agg_mode'");
  verifiers::ParseRewardPolicy(c.reward.policy, "key 'reward.policy'");  // each throws, listing the valid names
  if (!c.reward.validation_policy.empty())
    verifiers::ParseRewardPolicy(c.reward.validation_policy, "key 'reward.validation_policy'");
  verifiers::CheckGradeOptions(c.reward.grading,
                               {"key 'reward.extraction'", "key 'reward.rel_tol'", "key 'reward.step_budget'"});
  Require(c.trainer.total_training_steps >= 0, "trainer.total_training_steps", "must be >= 0");
  Require(c.trainer.save_freq >= 0, "trainer.save_freq", "must be >= 0");
  Require(c.trainer.test_freq >= 0, "trainer.test_freq", "must be >= 0");
  Require(c.algorithm.switch_gate >= -1 && c.algorithm.switch_gate <= c.rollout.n, "algorithm.switch_gate",
          "must be in [-1, rollout.n] (a count of correct rollouts; -1 = never SFT)");
  Require(EffectiveSwitchGateOff(c) >= c.algorithm.switch_gate, "algorithm.switch_gate_off",
          "must be >= algorithm.switch_gate");
  Require(c.algorithm.shaping_gamma > 0, "algorithm.shaping_gamma", "must be > 0");
  Require(c.algorithm.n_prefix >= 0 && c.algorithm.n_prefix <= c.rollout.n, "algorithm.n_prefix",
          "must be in [0, rollout.n]");
  Require(c.algorithm.sft_steps >= 0 && c.algorithm.sft_steps <= c.trainer.total_training_steps,
          "algorithm.sft_steps", "must be in [0, trainer.total_training_steps]");
  Require(!c.data.train_files.empty(), "data.train_files", "is required");
}

int EffectiveLossMaxLen(const TrainConfig& c) {
  return c.actor.loss_agg_max_len > 0 ? c.actor.loss_agg_max_len : c.rollout.sampling.max_new_tokens;
}
int EffectiveSwitchGateOff(const TrainConfig& c) {
  return c.algorithm.switch_gate_off >= 0 ? c.algorithm.switch_gate_off : c.algorithm.switch_gate;
}
int EffectiveSftSteps(const TrainConfig& c) {
  if (c.algorithm.preset != "sft_then_grpo") return 0;
  return c.algorithm.sft_steps > 0 ? c.algorithm.sft_steps : c.trainer.total_training_steps / 2;
}

}  // namespace upt::train
