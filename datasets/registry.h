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

// Report column group (hpt_spec.md §9: six in-distribution math benchmarks, two OOD).
enum class BenchmarkGroup { kInDistribution, kOutOfDistribution };

// One row of the benchmark table, the single source of truth for a benchmark:
// loading (file, rows, hash), evaluation settings (`defaults`: the paper's n
// samples per problem, hpt_spec.md §8) and reporting (display name, group,
// aliases, column order = table order).
struct BenchmarkInfo {
  std::string name;
  std::string display;  // report column header ("AIME 24"); "" = shown as `name`, after the named ones, by name
  BenchmarkGroup group = BenchmarkGroup::kInDistribution;
  std::vector<std::string> aliases;  // other spellings ("AIME 2024", "GPQA"), matched ignoring case and punctuation
  std::string file;     // embedded file under datasets/data/; "" for generated (toy) benchmarks
  Kind kind = Kind::kMath;
  long rows = 0;        // expected row count (checked at load)
  std::string sha256;   // of the canonical JSONL bytes (decrypted for GPQA; generated for toy)
  std::string source;   // upstream repository / generator
  std::string licence;
  EvalDefaults defaults;  // samples_per_problem = the paper's n
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
// A registered name or alias ("MATH-500", "OlympiadBench", "gpqa", "arc-challenge")
// -> the registered name; anything else lower-cased.
std::string CanonicalBenchmarkName(const std::string& name);

// "math6", "aime24", "math6,arc_c", " aime24 , ood2 " -> benchmark names, in
// order, without duplicates. Unknown entries: error listing benchmarks and suites.
std::vector<std::string> ExpandBenchmarkNames(const std::string& name_or_suite_or_comma_list);

// The paper's training sets, by the file names the upstream scripts write, so a
// missing `data.train_files` can say how to get it (docs/datasets.md "Training data").
struct TrainingSetInfo {
  std::string file_name;   // as upstream writes it, e.g. "openr1.parquet"
  std::string hf_dataset;  // e.g. "Elliott/Openr1-Math-46k-8192"
  std::string made_by;     // upstream script (file:line) that writes file_name
};
const std::vector<TrainingSetInfo>& TrainingSets();
// How to obtain the training file `path` (a known name gets its download command).
std::string MissingTrainFileHint(const std::string& path);

// Loads a registered benchmark from the binary (no data directory needed):
// checks SHA-256, row count and kind; errors say which check failed and why.
Benchmark LoadBenchmark(const std::string& name);

// A registered name loads the registered benchmark; anything else is a file path.
Benchmark LoadBenchmarkOrFile(const std::string& name_or_path, const LoadOptions& opts = {});

}  // namespace upt::datasets
