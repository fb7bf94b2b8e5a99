// The multi-seed part of a report: runs labelled METHOD/SEED (as `upt
// reproduce --seeds K` writes them) are replicates of one method. Per method
// and benchmark, Pass@1 (mean of c/n over seeds x problems) with a
// hierarchical bootstrap interval (eval/seeds.h); per benchmark and pair of
// methods, the paired difference on the seeds and problems both have, its
// interval, p-value and Holm-adjusted p-value over the table's comparisons.
#pragma once

#include <string>
#include <vector>

#include "reports/benchmarks.h"
#include "reports/inputs.h"
#include "reports/page.h"
#include "reports/table.h"
#include "reports/tables.h"

namespace upt::reports {

struct SeedGroup {
  std::string method;
  std::vector<std::string> seeds;      // seed part of the labels, run order
  std::vector<const RunData*> runs;    // same order
};

// The run's per-problem counts on `bench`, or null when it has none.
const std::vector<eval::Counts>* CountsOf(const RunData& run, const std::string& bench);

// Methods in first-appearance order; empty when no run label has a seed part.
std::vector<SeedGroup> GroupBySeed(const std::vector<RunData>& runs);

// values[s][p] = c/n of seed s on the problems every listed seed scored on
// `bench` (ids in the first seed's order, restricted to `ids` when non-empty).
// Every listed seed must have the benchmark's counts and every id.
std::vector<std::vector<double>> SeedMatrix(const SeedGroup& g, const std::string& bench,
                                            const std::vector<std::string>& seeds, const std::vector<std::string>& ids);

// Problem ids every run of `g` (restricted to `seeds`) scored on `bench`.
std::vector<std::string> CommonIds(const SeedGroup& g, const std::string& bench, const std::vector<std::string>& seeds);

// Rows = methods ("<method> (K seeds)"), columns = benchmarks; percent.
Table BuildSeedMeanTable(const std::vector<SeedGroup>& groups, const std::vector<BenchInfo>& benches,
                         const StatsOptions& stats);

// Rows = "<A> − <B>" per benchmark (section = benchmark); columns diff (points,
// with interval), p, p_holm (Holm over every row of the table); the label names the seeds and problems.
Table BuildSeedPairsTable(const std::vector<SeedGroup>& groups, const std::vector<BenchInfo>& benches,
                          const StatsOptions& stats);

// The "Over seeds" section (both tables); no tables when no label has a seed part.
Section SeedsSection(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches, const StatsOptions& stats,
                     CiStyle ci, int decimals);

}  // namespace upt::reports
