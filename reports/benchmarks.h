// The benchmarks a report knows by name: display header, group (in-distribution
// math vs out-of-distribution) and the paper's column order (hpt_spec.md §9).
// Unknown benchmarks are kept, shown under their own name, after the known ones,
// in the in-distribution group unless listed as OOD by the caller.
#pragma once

#include <string>
#include <vector>

namespace upt::reports {

enum class BenchGroup { kInDistribution, kOutOfDistribution };

struct BenchInfo {
  std::string key;      // canonical key, e.g. "aime24" (the datasets/ registry name)
  std::string header;   // table header, e.g. "AIME 24"
  BenchGroup group = BenchGroup::kInDistribution;
  int order = 1000;     // column order; unknown benchmarks sort by name after known ones
  bool known = false;
};

// Maps aliases ("math-500", "OlympiadBench", "gpqa", "arc-challenge") to the
// canonical key; unknown names are returned lower-cased.
std::string CanonicalBenchmark(const std::string& name);

// Catalog entry for a (canonical) key. `extra_ood` lists further keys to treat as OOD.
BenchInfo LookupBenchmark(const std::string& key, const std::vector<std::string>& extra_ood = {});

// Sorts keys in table order (known first, paper order; then by name).
std::vector<BenchInfo> OrderBenchmarks(const std::vector<std::string>& keys,
                                       const std::vector<std::string>& extra_ood = {});

}  // namespace upt::reports
