// The resolved plan of a training run (`upt train --dry-run`): options, data
// sizes, step and rollout counts, and file checks. Torch-free.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "train/loop/config/config.h"

namespace upt::train {

struct PlanCheck {
  std::string what;     // e.g. "model.path"
  std::string message;  // e.g. "models/Qwen2.5-Math-7B: no config.json"
  bool error = false;   // false = warning
};

struct RunPlan {
  OrderedJson summary = OrderedJson::object();  // sizes and counts (see BuildPlan)
  std::vector<PlanCheck> checks;
  bool ok() const;  // no error checks
};

// Builds the plan. Missing model and data files are warnings when `dry_run`
// (paper configs name checkpoints that are not on this machine), errors
// otherwise. Counts that need the data (epochs) are omitted when it is missing.
RunPlan BuildPlan(const TrainConfig& cfg, bool dry_run);

// Human-readable plan: "== plan ==" sections, options with help, checks.
std::string FormatPlan(const TrainConfig& cfg, const RunPlan& plan);

}  // namespace upt::train
