// The algorithm presets as plain data (torch-free): the single source of truth
// for every number a preset carries. train/upge/presets.cpp builds the UPGE
// terms from these names and numbers; train/loop/config/preset_knobs.cpp lets
// a config key override a number only when the key is set (file or --set).
//
// Sources: HPT code TsinghuaC3I/Unify-Post-Training exp_scripts/train*.sh and
// hpt/verl/verl/mix_src/*; LUFFY ElliottYan/LUFFY exp_scripts/*.sh and its
// README SFT recipe (OpenRLHF train_sft); docs/upge.md "upt vs upstream".
#pragma once

#include <string>
#include <vector>

#include "core/registry.h"
#include "train/upge/settings/vocab.h"

namespace upt::train {

struct PresetSettings {
  std::string name;
  std::string baseline;             // the preset this one is a delta from ("" for sft)
  std::string delta;                // one-line description of the delta
  PresetFamily family = PresetFamily::kPg;        // the terms presets.cpp builds
  BatchLayout layout = BatchLayout::kOnPolicy;    // the rows the loop builds per question
  int n_rollouts = 8;               // rollouts per question (mixed: n - n_demos)
  int n_demos = 0;                  // demonstrations per question (mixed layouts: algorithm.n_prefix)
  std::vector<std::string> phases;  // family "phases": preset per phase
  // The on-policy term's parts (families pg, luffy, hpt; parts.h registries).
  std::string pg_mask = "none";
  std::string pg_denominator = "pi_old";
  std::string pg_advantage = "grpo_split";
  std::string pg_aggregation = "token-sum-norm";
  // SFT term (families sft, hpt): aggregation of -log π over demonstration tokens.
  std::string sft_loss_agg = "token-mean";
  double sft_loss_coef = 1.0;       // HPT β
  // Estimator numbers (UpgeOptions).
  double clip_ratio_low = 0.2, clip_ratio_high = 0.2;
  bool norm_adv_by_std = false;
  double entropy_coeff = 0.0;
  double shaping_gamma = 0.1;       // LUFFY p/(p+γ)
  // HPT gate (family hpt).
  int switch_gate = 0;
  int switch_gate_off = -1;         // -1 = switch_gate
  std::string offline_learner = "sft";
  // Optimizer of the reference script.
  double lr = 1e-6;
  double warmup_ratio = 0.0;        // of the phase's training steps
  std::string lr_schedule = "constant";  // constant | cosine (cosine_with_min_lr)
  double min_lr_ratio = 0.0;        // cosine floor as a fraction of lr
  double beta1 = 0.9, beta2 = 0.999;
  double weight_decay = 0.01;
};

// All presets by name; unknown names list the valid ones.
const Registry<PresetSettings>& PresetSettingsRegistry();

}  // namespace upt::train
