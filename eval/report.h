// Pass@k tables and paired comparisons (`upt passk`, `upt compare`), rendered
// as CSV, JSON or Markdown.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "eval/counts.h"
#include "eval/passk.h"

namespace upt::eval {

struct PassKTable {
  std::string benchmark;
  long long problems = 0;
  std::vector<long long> ks;
  std::vector<Interval> exact;      // unbiased mean over problems, CI by bootstrap over problems
  std::vector<Interval> bootstrap;  // bootstrap pass@k (draws + problem resampling)
  std::vector<char> resampled;      // 1 where the CIs and the bootstrap were computed
  int replicates = 0;
};

// Exact pass@k at every k in `ks`; CIs and bootstrap pass@k only at the ks also
// in `boot_ks` (elsewhere left 0 with resampled = 0). ks must not exceed any
// problem's n (upt::Error names the problem).
PassKTable ComputePassKTable(const std::string& benchmark, const std::vector<Counts>& counts,
                             const std::vector<long long>& ks, const std::vector<long long>& boot_ks,
                             const BootstrapOptions& opts);

// The unweighted average over benchmarks of the unbiased pass@k at the ks all
// tables share (stratified bootstrap CI); empty when fewer than two tables.
struct PassKAverage {
  std::vector<long long> ks;
  std::vector<Interval> exact;
};
PassKAverage AveragePassK(const std::vector<PassKTable>& tables, const std::vector<std::vector<Counts>>& counts,
                          const BootstrapOptions& opts);

// format: "csv" | "json" | "md". JSON for one table is exactly
// {"k", "pass_at_k", "bootstrap": {"B", "mean", "ci_low", "ci_high"}} (null
// bootstrap entries at ks that were not resampled); for
// several, {"benchmarks": [{"benchmark", ...same keys}]}.
// With two or more tables, `avg` adds an "average" row set / object.
std::string RenderPassK(const std::vector<PassKTable>& tables, const std::string& format,
                        const PassKAverage& avg = {});

// One metric of a paired comparison.
struct CompareRow {
  std::string metric;  // "pass@1", "pass@4", ...
  PairedResult r;
};
struct Comparison {
  std::string benchmark;
  long long problems = 0;       // matched problems
  long long only_a = 0, only_b = 0;
  std::vector<CompareRow> rows;
  std::vector<std::string> notes;  // e.g. why maj@n is missing
};

// Matches problems by id; metrics pass@1 and pass@k for powers of two up to the
// smallest n, then maj@n (majority vote over each problem's n samples, from
// problems.csv maj_correct) when both runs record it for every matched problem.
Comparison CompareRuns(const ScoredRun& a, const ScoredRun& b, const BootstrapOptions& opts);
std::string RenderComparison(const Comparison& c, const std::string& a_name, const std::string& b_name,
                             const std::string& format);

}  // namespace upt::eval
