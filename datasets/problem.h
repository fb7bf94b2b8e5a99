// The benchmark data model shared by every stage: a Problem and a Benchmark.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"

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

// Evaluation settings a benchmark uses unless told otherwise (hpt_spec.md §8).
struct EvalDefaults {
  int samples_per_problem = 1;  // 32 for AIME24/AIME25/AMC, 1 otherwise
  double temperature = 0.6;
  double top_p = 0.95;
  int max_new_tokens = 8192;
  template <class V>
  void ForEach(V&& v) {
    v("samples_per_problem", samples_per_problem, "samples per problem (avg@n)");
    v("temperature", temperature, "sampling temperature");
    v("top_p", top_p, "nucleus sampling p");
    v("max_new_tokens", max_new_tokens, "max new tokens per sample");
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
