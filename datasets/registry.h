// The benchmark registry: name -> embedded canonical file (or toy generator),
// kind, expected rows, SHA-256 of the canonical JSONL bytes (checked at every
// load), source and default evaluation settings (hpt_spec.md §8). Suites name
// groups: math6, ood2, toy6, toy_ood2.
#pragma once

#include <string>
#include <vector>

#include "datasets/load.h"
#include "datasets/problem.h"

namespace upt::datasets {

struct BenchmarkInfo {
  std::string name;
  std::string file;     // embedded file under datasets/data/; "" for generated (toy) benchmarks
  Kind kind = Kind::kMath;
  long rows = 0;        // expected row count (checked at load)
  std::string sha256;   // of the canonical JSONL bytes (decrypted for GPQA; generated for toy)
  std::string source;   // upstream repository / generator
  std::string licence;
  EvalDefaults defaults;
  bool generated = false;  // toy world, built in memory from a fixed seed
  bool encrypted = false;  // stored as a password-protected zip
};

struct SuiteInfo {
  std::string name;
  std::vector<std::string> members;
  std::string description;
};

// Every registered benchmark / suite, in table order.
std::vector<BenchmarkInfo> ListBenchmarks();
std::vector<SuiteInfo> ListSuites();
// Throws listing the known names when `name` is not a benchmark.
const BenchmarkInfo& GetBenchmarkInfo(const std::string& name);
bool IsBenchmarkName(const std::string& name);

// "math6", "aime24", "math6,arc_c", " aime24 , ood2 " -> benchmark names, in
// order, without duplicates. Unknown entries: error listing benchmarks and suites.
std::vector<std::string> ExpandBenchmarkNames(const std::string& name_or_suite_or_comma_list);

// Loads a registered benchmark from the binary (no data directory needed):
// checks SHA-256, row count and kind; errors say which check failed and why.
Benchmark LoadBenchmark(const std::string& name);

// A registered name loads the registered benchmark; anything else is a file path.
Benchmark LoadBenchmarkOrFile(const std::string& name_or_path, const LoadOptions& opts = {});

}  // namespace upt::datasets
