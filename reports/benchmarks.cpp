#include "reports/benchmarks.h"

#include <algorithm>

namespace upt::reports {

std::string CanonicalBenchmark(const std::string& name) { return datasets::CanonicalBenchmarkName(name); }

BenchInfo LookupBenchmark(const std::string& key, const std::vector<std::string>& extra_ood) {
  BenchInfo info;
  info.key = key;
  info.header = key;
  if (datasets::IsBenchmarkName(key)) {
    const auto& b = datasets::GetBenchmarkInfo(key);
    info.group = b.group;
    if (!b.display.empty()) {
      const auto all = datasets::ListBenchmarks();
      auto at = std::find_if(all.begin(), all.end(), [&](const datasets::BenchmarkInfo& x) { return x.name == key; });
      info.header = b.display;
      info.order = static_cast<int>(at - all.begin());
      info.known = true;
    }
  }
  if (std::find(extra_ood.begin(), extra_ood.end(), key) != extra_ood.end())
    info.group = BenchGroup::kOutOfDistribution;
  return info;
}

std::vector<BenchInfo> OrderBenchmarks(const std::vector<std::string>& keys, const std::vector<std::string>& extra_ood) {
  std::vector<BenchInfo> out;
  for (const auto& k : keys) {
    bool dup = std::any_of(out.begin(), out.end(), [&](const BenchInfo& b) { return b.key == k; });
    if (!dup) out.push_back(LookupBenchmark(k, extra_ood));
  }
  std::stable_sort(out.begin(), out.end(), [](const BenchInfo& a, const BenchInfo& b) {
    if (a.group != b.group) return a.group < b.group;
    if (a.order != b.order) return a.order < b.order;
    return a.key < b.key;
  });
  return out;
}

}  // namespace upt::reports
