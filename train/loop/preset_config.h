// The bridge between the config and train/upge presets: the preset of a phase
// (PhasePreset) with the phase's effective config applied (PhaseConfig,
// preset_knobs.h: a key overrides the preset only when it is set):
//   actor.clip_ratio_low/high, algorithm.shaping_gamma, norm_adv_by_std_in_grpo,
//   entropy_coeff, rollout.n, switch_gate(_off), sft_loss_coef (coef of the
//   "actor/sft_loss" term with Â ≡ 1), sft_loss_agg_mode, n_prefix (mixed
//   layouts), loss_agg_mode (RL terms, unless "preset").
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "train/loop/config/config.h"
#include "train/loop/config/preset_knobs.h"
#include "train/upge/presets.h"

namespace upt::train {

// Number of phases of the configured preset (1 for single-phase presets).
int PresetPhases(const TrainConfig& cfg);
// The preset of phase `phase` (clamped to the last), with the config applied.
Preset ConfiguredPreset(const TrainConfig& cfg, int phase);

// The dry-run description: per phase the layout and each UPGE term's four
// parts; plus notes where the config departs from the preset's reference
// values (lr, entropy coefficient).
OrderedJson DescribeConfiguredPreset(const TrainConfig& cfg, std::vector<std::string>* notes);

}  // namespace upt::train
