// Trainer checkpoints: OUT/checkpoint-<step>/ is a complete HF model directory,
// written by ExportHfModel exactly like the exports (base config keys kept,
// generation/tokenizer files copied, weights in the export dtype: the base
// model's by default, sharded above the size limit), plus
//   optimizer.pt        torch::save of the AdamW state (moments, step counts)
//   trainer_state.json  step, data cursor, seed, config, last metrics
//   fp32/               config.json + model.safetensors in F32, only when the
//                       exported weights are rounded (F32 training, BF16/F16 base),
//                       so that --resume continues from the exact weights.
//
// Atomicity: everything is written into checkpoint-<step>.tmp/, which is then
// renamed; OUT/latest (the directory name) is replaced atomically last. A kill
// at any point leaves the previous `latest` intact; leftover *.tmp directories
// are ignored (and removed by the next save). All randomness is counter-based
// (RngStream keyed by seed and step), so (step, cursor) is the whole RNG state.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "train/loop/config/train_data.h"
#include "train/loop/export.h"

#include "lm/model/qwen2.h"

namespace torch::optim {
class Optimizer;
}

namespace upt::train {

struct TrainerState {
  int step = 0;        // completed training steps
  DataCursor cursor;   // next prompt position
  long long seed = 0;
  OrderedJson config;  // the resolved options (OptionsToJson)
  OrderedJson last_metrics = OrderedJson::object();
};

OrderedJson TrainerStateToJson(const TrainerState& s);
TrainerState TrainerStateFromJson(const Json& j, const std::string& where);

// Writes checkpoint-<state.step> atomically (the HF files from `base_dir`, the
// model's weights as `export_opts` say) and updates `latest`; keeps the newest
// `keep` checkpoints (0 = all). Returns the checkpoint directory.
std::string SaveCheckpoint(const std::string& out_dir, const TrainerState& state, lm::Qwen2ForCausalLM& model,
                           const std::string& base_dir, const HfExportOptions& export_opts,
                           torch::optim::Optimizer& optimizer, int keep);

// The directory to load a checkpoint's training weights from: its fp32/ copy when
// there is one, else the checkpoint itself.
std::string CheckpointWeightsDir(const std::string& checkpoint_dir);

// Stops a diverged run: throws upt::Error when any of the step's loss sums
// (name -> value) is NaN or infinite, naming the metric, the step and the last
// good checkpoint (which stays `latest`). SaveCheckpoint also refuses
// non-finite weights.
void RequireFiniteLosses(const std::map<std::string, double>& losses, int step, const std::string& out_dir);

// The directory `latest` points to, or "" when there is none.
std::string LatestCheckpoint(const std::string& out_dir);

// Loads trainer_state.json of a checkpoint directory.
TrainerState LoadTrainerState(const std::string& checkpoint_dir);
// Loads optimizer.pt into `optimizer` (same parameter order as when saved).
void LoadOptimizerState(const std::string& checkpoint_dir, torch::optim::Optimizer& optimizer);

}  // namespace upt::train
