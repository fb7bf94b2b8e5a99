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

// Trailing moving average: out[i] = mean of y[max(0, i - window + 1) .. i]
// (the first points average what exists, as wandb's running average does).
std::vector<double> MovingAverage(const std::vector<double>& y, int window);

// The smoothing window for a series of n points: n / 10 clamped to [1, 50]
// (1 = no smoothing, for series under 20 points).
int SmoothWindow(size_t n);

// "HPT/s2" -> {"HPT", "s2"}: runs of one method over seeds share the part before
// the last '/'; a label without '/' is its own method with seed "".
std::pair<std::string, std::string> SplitSeedLabel(const std::string& label);

// Mean over seeds of smoothed series at the steps every seed logged, with a
// band of ± one standard deviation over seeds (none for one seed) and the mean
// raw values as `raw`. Label "<method> (MA w, K seeds)".
LineSeries SeedMeanSeries(const std::string& method, int color, const std::vector<Series>& seeds);

// Builds the figures with data; appends a note for each family no run has.
// The single-panel families draw the moving average over the raw per-step
// values (raw faint, window in the legend); runs labelled METHOD/SEED are drawn
// as one mean line with a band per method.
std::vector<LineFigure> BuildTrainingFigures(const std::vector<RunData>& runs, std::vector<std::string>* notes);

}  // namespace upt::reports
