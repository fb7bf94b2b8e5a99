// Builds the report's tables from run data: the paper-layout results table
// (methods x benchmarks, in-distribution and OOD averages), the paper
// comparison, and one Pass@k table per benchmark.
//
// Pass@1 is avg@n: the mean over problems of c/n (hpt_spec.md §8.1). Its
// interval is a percentile bootstrap over problems (eval::BootstrapMeanCI).
// Pass@k is the unbiased estimator (Chen et al. 2021; eval::PassAtKAll) averaged
// over problems, with a percentile bootstrap over problems of the per-problem
// values (eval::BootstrapMeanCIs, one set of resamples for all k, so the k = 1
// interval equals Pass@1's). Everything is shown in percent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eval/passk.h"
#include "reports/benchmarks.h"
#include "reports/inputs.h"
#include "reports/paper.h"
#include "reports/table.h"

namespace upt::reports {

using StatsOptions = eval::BootstrapOptions;  // bootstrap replicates B, seed, level

inline const eval::BootstrapOptions& Boot(const StatsOptions& s) { return s; }

struct Pass1 {
  bool present = false;
  bool has_ci = false;
  double mean = 0, low = 0, high = 0;  // percent
  std::string source;                  // "problems.csv" or "results.json"
};

// avg@n of one benchmark score, from the counts when present, else the
// pass@1 results.json declares (no interval).
Pass1 ComputePass1(const BenchmarkScore& score, const StatsOptions& stats);

// The benchmark keys present in any run, in table order.
std::vector<BenchInfo> ReportBenchmarks(const std::vector<RunData>& runs, const std::vector<std::string>& extra_ood);

// Paper layout: one row per run; in-distribution benchmarks, "avg_id", OOD
// benchmarks, "avg_ood" (an Avg column appears when its group has a benchmark).
// An Avg cell is the unweighted mean over its group's columns, present only
// when the row has every one of them. Best values are bold.
Table BuildMainTable(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches, const StatsOptions& stats);

// Appends the paper's rows (reference rows, section = caption) for the table's
// benchmark columns; the paper's own Avg is used when the table's group has
// exactly the paper's benchmarks, otherwise the mean of the shown columns.
// Sets the runs' rows' section to "This report". Re-marks the best cells.
void AppendPaperRows(Table* table, const PaperTable& paper);

// Run rows whose label matches a paper row (MatchKey): ours, paper, and ours - paper.
Table BuildPaperDeltaTable(const Table& main, const PaperTable& paper);

struct PassKCurve {
  std::string label;
  std::vector<long long> ks;
  std::vector<double> mean, low, high;  // percent, per k
  long long n_min = 0;
};
struct PassKBenchmark {
  BenchInfo bench;
  std::vector<PassKCurve> curves;  // one per run with counts and n_min >= 2
};

// ks = powers of two up to min(n_min, max_k) per run; benchmarks where no run
// has n >= 2 are left out.
std::vector<PassKBenchmark> ComputePassK(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches,
                                         const StatsOptions& stats, long long max_k);

// Rows = runs, columns = k (union over runs); missing where k > a run's n.
Table BuildPassKTable(const PassKBenchmark& pk);

}  // namespace upt::reports
