// Training-curve figures from the trainers' per-step logs (verl metric names,
// hpt_spec.md §10): validation accuracy per benchmark, training reward,
// response length, entropy and the HPT offline-data ratio, against step, one
// line per run. A figure no run has data for is left out, with a note.
#pragma once

#include <string>
#include <vector>

#include "reports/figures.h"
#include "reports/inputs.h"

namespace upt::reports {

struct CurveFamily {
  std::string name;    // figure stem, e.g. "curve_entropy"
  std::string title;   // e.g. "Policy entropy"
  std::string ylabel;
  std::vector<std::string> keys;  // metric keys tried in order; the first one a run has is used
};

// The single-panel families (reward, response length, entropy, offline ratio).
const std::vector<CurveFamily>& CurveFamilies();

// Validation metric keys of a log, grouped by benchmark: "val-core/<bench>/acc/mean@N",
// "val/<bench>/…", "val/test_score/<bench>". Returns (bench, key) pairs, one per bench.
std::vector<std::pair<std::string, std::string>> ValidationKeys(const TrainLog& log);

// Builds the figures with data; appends a note for each family no run has.
std::vector<LineFigure> BuildTrainingFigures(const std::vector<RunData>& runs, std::vector<std::string>* notes);

}  // namespace upt::reports
