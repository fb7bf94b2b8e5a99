// The benchmark data model shared by every stage: a Problem and a Benchmark.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/options.h"
#include "core/sampling.h"

namespace upt::datasets {

enum class Kind { kMath, kMultipleChoice };
const char* KindName(Kind k);  // "math" | "multiple_choice"

// One canonical JSONL row: {"id", "problem", "answer", "choices"?, "target"?, "meta"?}.
// `answer` is verbatim from the source (e.g. "025", "142.0", "\\frac{1}{2}");
// normalisation is the verifier's job. For multiple choice it is a letter.
struct Problem {
  std::string id;
  std::string problem;
  std::string answer;
  std::vector<std::string> choices;  // multiple choice only, in letter order A, B, ...
  Json meta = Json::object();
  std::string target;  // training sets only: the demonstration (verl `target`); "" when absent
};

// The sampling settings of a benchmark unless told otherwise (hpt_spec.md §8):
// T 0.6, top-p 0.95, 8192 new tokens; the rest the sampler's defaults.
inline SamplingParams BenchmarkSamplingDefaults() {
  SamplingParams p;
  p.temperature = 0.6;
  p.top_p = 0.95;
  p.max_new_tokens = 8192;
  return p;
}

// Evaluation settings a benchmark uses unless told otherwise (hpt_spec.md §8):
// avg@n and the sampling group's keys a benchmark sets.
struct EvalDefaults {
  int samples_per_problem = 1;  // 32 for AIME24/AIME25/AMC, 1 otherwise
  SamplingParams sampling = BenchmarkSamplingDefaults();
  template <class V>
  void ForEach(V&& v) {
    v("samples_per_problem", samples_per_problem, "samples per problem (avg@n)");
    auto keys = ViewOptions(sampling, {"temperature", "top_p", "max_new_tokens"});
    v("", keys, "");
  }
};

struct Benchmark {
  std::string name;    // registry name, or the file stem for a user file
  Kind kind = Kind::kMath;
  std::string source;  // where it came from (registry entry or file path)
  std::string sha256;  // of the canonical bytes as loaded
  EvalDefaults defaults;
  std::vector<Problem> problems;
};

}  // namespace upt::datasets
