#include "train/loop/config/preset_knobs.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "core/options.h"
#include "core/strings.h"
#include "train/upge/settings/preset_settings.h"

namespace upt::train {
namespace {

struct Binding {
  const char* key;
  std::function<Json(const PresetSettings&)> value;
};

const std::vector<Binding>& Bindings() {
  using S = PresetSettings;
  static const std::vector<Binding> b = {
      {"actor.optim.lr", [](const S& s) { return Json(s.lr); }},
      {"actor.optim.warmup_ratio", [](const S& s) { return Json(s.warmup_ratio); }},
      {"actor.optim.lr_schedule", [](const S& s) { return Json(s.lr_schedule); }},
      {"actor.optim.min_lr_ratio", [](const S& s) { return Json(s.min_lr_ratio); }},
      {"actor.optim.beta1", [](const S& s) { return Json(s.beta1); }},
      {"actor.optim.beta2", [](const S& s) { return Json(s.beta2); }},
      {"actor.optim.weight_decay", [](const S& s) { return Json(s.weight_decay); }},
      {"actor.clip_ratio_low", [](const S& s) { return Json(s.clip_ratio_low); }},
      {"actor.clip_ratio_high", [](const S& s) { return Json(s.clip_ratio_high); }},
      {"actor.entropy_coeff", [](const S& s) { return Json(s.entropy_coeff); }},
      {"actor.sft_loss_agg_mode", [](const S& s) { return Json(s.sft_loss_agg); }},
      {"algorithm.norm_adv_by_std_in_grpo", [](const S& s) { return Json(s.norm_adv_by_std); }},
      {"algorithm.shaping_gamma", [](const S& s) { return Json(s.shaping_gamma); }},
      {"algorithm.n_prefix", [](const S& s) { return Json(s.n_demos); }},
      {"algorithm.switch_gate", [](const S& s) { return Json(s.switch_gate); }},
      {"algorithm.switch_gate_off", [](const S& s) { return Json(s.switch_gate_off); }},
      {"algorithm.sft_loss_coef", [](const S& s) { return Json(s.sft_loss_coef); }},
  };
  return b;
}

void SetKey(TrainConfig* c, const std::string& key, const Json& value, const std::string& where) {
  Json one = Json::object();
  one[key] = value;
  OptionsFromJson(*c, one, where);
}

std::string SetSource(const TrainConfig& cfg, const std::string& key) {
  auto it = cfg.set_at.find(key);
  if (it != cfg.set_at.end()) return it->second;
  return IsSet(cfg, key) ? "set in code" : "default";
}

// Where the SFT phase of a multi-phase preset reads a preset-backed key from:
// optimizer keys from sft_phase.optim.*, the SFT aggregation from the top level,
// every other estimator key from the preset only (they configure the RL phase).
std::string SftPhaseUserKey(const std::string& key) {
  if (StartsWith(key, "actor.optim.")) return "sft_phase.optim." + key.substr(12);
  if (key == "actor.sft_loss_agg_mode") return key;
  return "";
}

}  // namespace

int PhaseCount(const TrainConfig& cfg) {
  const PresetSettings& p = PresetSettingsRegistry().Get(cfg.algorithm.preset);
  return p.phases.empty() ? 1 : static_cast<int>(p.phases.size());
}

std::string PhasePreset(const TrainConfig& cfg, int phase) {
  const PresetSettings& p = PresetSettingsRegistry().Get(cfg.algorithm.preset);
  if (p.phases.empty()) return p.name;
  return p.phases[std::min<size_t>(static_cast<size_t>(std::max(phase, 0)), p.phases.size() - 1)];
}

bool IsSftPhase(const TrainConfig& cfg, int phase) {
  return PhaseCount(cfg) > 1 && PresetSettingsRegistry().Get(PhasePreset(cfg, phase)).layout == BatchLayout::kDemos;
}

std::vector<std::string> PresetBackedKeys() {
  std::vector<std::string> keys;
  for (const auto& b : Bindings()) keys.push_back(b.key);
  return keys;
}

TrainConfig PhaseConfig(const TrainConfig& cfg, int phase, std::map<std::string, std::string>* sources) {
  const std::string name = PhasePreset(cfg, phase);
  const PresetSettings& s = PresetSettingsRegistry().Get(name);
  const bool sft_phase = IsSftPhase(cfg, phase);
  TrainConfig pc = cfg;
  std::map<std::string, std::string> src;
  const OrderedJson all = OptionsToJson(cfg);
  for (auto it = all.begin(); it != all.end(); ++it) src[it.key()] = SetSource(cfg, it.key());
  for (const auto& b : Bindings()) {
    const std::string user_key = sft_phase ? SftPhaseUserKey(b.key) : std::string(b.key);
    if (!user_key.empty() && IsSet(cfg, user_key)) {
      SetKey(&pc, b.key, Json::parse(all.at(user_key).dump()), SetSource(cfg, user_key));
      src[b.key] = user_key == b.key ? SetSource(cfg, user_key) : user_key + " (" + SetSource(cfg, user_key) + ")";
    } else {
      SetKey(&pc, b.key, b.value(s), "preset " + name);
      src[b.key] = "preset " + name;
    }
  }
  // The γ written in a verl-style reshape name "p_div_p_<γ>" when γ itself is not set.
  double g = 0;
  const std::string& r = cfg.algorithm.off_policy_reshape;
  if (IsSet(cfg, "algorithm.off_policy_reshape") && !IsSet(cfg, "algorithm.shaping_gamma") &&
      StartsWith(r, "p_div_p_") && ParseDouble(r.substr(8), &g) && g > 0) {
    pc.algorithm.shaping_gamma = g;
    src["algorithm.shaping_gamma"] = "algorithm.off_policy_reshape (" + SetSource(cfg, "algorithm.off_policy_reshape") + ")";
  }
  if (sft_phase && !cfg.sft_phase.train_files.empty()) {
    pc.data.train_files = cfg.sft_phase.train_files;
    src["data.train_files"] = "sft_phase.train_files (" + SetSource(cfg, "sft_phase.train_files") + ")";
  }
  if (sft_phase && cfg.sft_phase.train_batch_size > 0) {
    pc.data.train_batch_size = cfg.sft_phase.train_batch_size;
    src["data.train_batch_size"] = "sft_phase.train_batch_size (" + SetSource(cfg, "sft_phase.train_batch_size") + ")";
  }
  if (sources) *sources = std::move(src);
  return pc;
}

TrainConfig ResolvedConfig(const TrainConfig& cfg) {
  TrainConfig r = PhaseConfig(cfg, PhaseCount(cfg) - 1);
  for (int ph = 0; ph < PhaseCount(cfg); ++ph) {
    if (!IsSftPhase(cfg, ph)) continue;
    const TrainConfig sft = PhaseConfig(cfg, ph);
    r.sft_phase.optim = sft.actor.optim;
    r.sft_phase.train_files = sft.data.train_files;
    r.sft_phase.train_batch_size = sft.data.train_batch_size;
    r.actor.sft_loss_agg_mode = sft.actor.sft_loss_agg_mode;
  }
  r.set_at.clear();
  return r;
}

std::string FormatKnobs(const TrainConfig& cfg) {
  std::string out;
  OrderedJson prev;
  std::map<std::string, std::string> prev_src;
  for (int ph = 0; ph < PhaseCount(cfg); ++ph) {
    std::map<std::string, std::string> src;
    const OrderedJson j = OptionsToJson(PhaseConfig(cfg, ph, &src));
    out += fmt::format("-- phase {} ({}){} --\n", ph, PhasePreset(cfg, ph), ph > 0 ? ": keys that differ" : "");
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (StartsWith(it.key(), "sft_phase.")) continue;  // folded into the SFT phase's keys
      if (ph > 0 && prev.at(it.key()) == it.value() && prev_src[it.key()] == src[it.key()]) continue;
      out += fmt::format("{} = {}  [{}]\n", it.key(), it.value().dump(), src[it.key()]);
    }
    prev = j;
    prev_src = src;
  }
  return out;
}

}  // namespace upt::train
