// The report's view of the benchmark table (datasets/registry.h, BenchmarkInfo):
// display header, group (in-distribution math vs out-of-distribution) and column
// order (the table's order, hpt_spec.md §9). Benchmarks the table does not name
// for display (unregistered files, the toy world) are shown under their own name,
// after the named ones, by name, in their registered group (in-distribution when
// unregistered) unless the caller lists them as OOD.
#pragma once

#include <string>
#include <vector>

#include "datasets/registry.h"

namespace upt::reports {

using BenchGroup = datasets::BenchmarkGroup;

struct BenchInfo {
  std::string key;      // canonical key, e.g. "aime24" (the datasets/ registry name)
  std::string header;   // table header, e.g. "AIME 24"
  BenchGroup group = BenchGroup::kInDistribution;
  int order = 1000;     // column order; benchmarks without a display name sort by name after the others
  bool known = false;   // has a display name in the benchmark table
};

// Maps aliases ("math-500", "OlympiadBench", "gpqa", "arc-challenge") to the
// canonical key; unknown names are returned lower-cased (datasets::CanonicalBenchmarkName).
std::string CanonicalBenchmark(const std::string& name);

// Catalog entry for a (canonical) key. `extra_ood` lists further keys to treat as OOD.
BenchInfo LookupBenchmark(const std::string& key, const std::vector<std::string>& extra_ood = {});

// Sorts keys in table order (known first, paper order; then by name).
std::vector<BenchInfo> OrderBenchmarks(const std::vector<std::string>& keys,
                                       const std::vector<std::string>& extra_ood = {});

}  // namespace upt::reports
