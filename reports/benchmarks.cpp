#include "reports/benchmarks.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/strings.h"

namespace upt::reports {
namespace {

struct Known {
  const char* key;
  const char* header;
  BenchGroup group;
};

const std::vector<Known>& KnownBenchmarks() {
  static const std::vector<Known> kKnown = {
      {"aime24", "AIME 24", BenchGroup::kInDistribution},
      {"aime25", "AIME 25", BenchGroup::kInDistribution},
      {"amc", "AMC", BenchGroup::kInDistribution},
      {"amc23", "AMC 23", BenchGroup::kInDistribution},
      {"math500", "MATH-500", BenchGroup::kInDistribution},
      {"minerva", "Minerva", BenchGroup::kInDistribution},
      {"olympiad", "Olympiad", BenchGroup::kInDistribution},
      {"arc_c", "ARC-c", BenchGroup::kOutOfDistribution},
      {"gpqa_diamond", "GPQA", BenchGroup::kOutOfDistribution},
  };
  return kKnown;
}

// Lower case with every non-alphanumeric byte removed: "MATH-500" -> "math500".
std::string Squash(const std::string& s) {
  std::string out;
  for (unsigned char ch : s)
    if (std::isalnum(ch)) out += static_cast<char>(std::tolower(ch));
  return out;
}

}  // namespace

std::string CanonicalBenchmark(const std::string& name) {
  static const std::map<std::string, std::string> kAliases = {
      {"aime24", "aime24"},         {"aime2024", "aime24"},       {"aime25", "aime25"},
      {"aime2025", "aime25"},       {"amc", "amc"},               {"amc23", "amc23"},
      {"amc2023", "amc23"},         {"math500", "math500"},       {"minerva", "minerva"},
      {"minervamath", "minerva"},   {"olympiad", "olympiad"},     {"olympiadbench", "olympiad"},
      {"arcc", "arc_c"},            {"arcchallenge", "arc_c"},    {"gpqa", "gpqa_diamond"},
      {"gpqadiamond", "gpqa_diamond"},
  };
  auto it = kAliases.find(Squash(name));
  if (it != kAliases.end()) return it->second;
  return ToLower(name);
}

BenchInfo LookupBenchmark(const std::string& key, const std::vector<std::string>& extra_ood) {
  BenchInfo info;
  info.key = key;
  info.header = key;
  const auto& known = KnownBenchmarks();
  for (size_t i = 0; i < known.size(); ++i) {
    if (key == known[i].key) {
      info.header = known[i].header;
      info.group = known[i].group;
      info.order = static_cast<int>(i);
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
