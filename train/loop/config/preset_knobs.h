// Preset-backed config keys (torch-free). A preset (train/upge/settings) is the
// single source of its numbers: a key it carries takes the preset's value
// unless the key is set in the config file or by --set. Multi-phase presets
// (sft_then_grpo): top-level keys configure the RL phase; the SFT phase takes
// the `sft` preset's recipe unless `sft_phase.*` keys are set (optimizer,
// data file, batch size), and always a fresh optimizer.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "train/loop/config/config.h"

namespace upt::train {

// Phases of cfg's preset (1 unless the preset has phases).
int PhaseCount(const TrainConfig& cfg);
// Preset name of phase `phase` (clamped to the last).
std::string PhasePreset(const TrainConfig& cfg, int phase);
// True for the demonstrations-only phase of a multi-phase preset.
bool IsSftPhase(const TrainConfig& cfg, int phase);

// The effective config of one phase. `sources` (optional) receives, for every
// key, where its value comes from: "file:line", "--set", "preset <name>",
// "sft_phase.<key> (file:line)" or "default".
TrainConfig PhaseConfig(const TrainConfig& cfg, int phase, std::map<std::string, std::string>* sources = nullptr);

// Every key explicit (what a run writes to config.json): the last phase's
// effective config, with the SFT phase's optimizer, data and SFT aggregation in
// sft_phase.* / actor.sft_loss_agg_mode for multi-phase presets. Loading it
// gives the same PhaseConfig for every phase.
TrainConfig ResolvedConfig(const TrainConfig& cfg);

// Keys whose unset value comes from the preset.
std::vector<std::string> PresetBackedKeys();

// Every effective option with its source, "key = value  [source]", per phase
// (phases after the first list only what differs), for --dry-run.
std::string FormatKnobs(const TrainConfig& cfg);

}  // namespace upt::train
