// Training-dynamics heatmaps (HPT Fig. 3/4, hpt_spec.md §10): rows = training
// questions, columns = epochs, colour = rollout accuracy c/n of the question in
// that epoch (counts summed over the epoch's steps).
//
// Row order: by first-solved epoch (the first column with c > 0), ascending;
// never-solved questions last; ties by mean accuracy (descending), then id.
#pragma once

#include <string>
#include <vector>

#include "reports/inputs.h"

namespace upt::reports {

struct Heatmap {
  std::string column_axis = "epoch";    // "epoch", or "step" when the log has a single epoch
  std::vector<long long> columns;       // epoch (or step) values, ascending
  std::vector<std::string> questions;   // rows, in display order
  std::vector<std::vector<double>> acc; // [row][column] in [0,1] (diff: [-1,1]); NaN = not sampled
  std::vector<int> first_solved;        // column index of first c > 0, -1 = never (diff: of A)
  double never_solved_fraction = 0;     // rows with first_solved == -1 / rows
};

Heatmap BuildHeatmap(const std::vector<RolloutRecord>& records);

// acc(A) - acc(B) on the questions and columns both have; rows ordered by A's
// first-solved column, then B's, then id. NaN where either was not sampled.
Heatmap BuildDiffHeatmap(const Heatmap& a, const Heatmap& b);

}  // namespace upt::reports
