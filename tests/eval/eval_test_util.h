// Shared fixtures for the eval tests: a three-problem benchmark and a grader
// that needs no verifier (correct when the last \boxed{...} equals the answer).
#pragma once

#include <string>
#include <string_view>

#include "datasets/problem.h"
#include "eval/score.h"

namespace upt::eval::testing {

inline datasets::Benchmark TinyBenchmark() {
  datasets::Benchmark b;
  b.name = "tiny";
  b.source = "test";
  b.sha256 = "0123abcd";
  b.problems = {{"p1", "What is 1+1?", "2", {}, Json::object()},
                {"p2", "Compute 3*3.", "9", {}, Json::object()},
                {"p3", "Find x if x+1=5.", "4", {}, Json::object()}};
  return b;
}

inline verifiers::Verdict BoxedGrade(const datasets::Problem& p, std::string_view text) {
  verifiers::Verdict v;
  auto pos = text.rfind("\\boxed{");
  if (pos == std::string_view::npos) {
    v.reason = "no_answer";
    return v;
  }
  auto start = pos + 7, end = text.find('}', start);
  v.extracted = std::string(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  v.correct = *v.extracted == p.answer;
  v.reason = v.correct ? "equal" : "not_equal";
  return v;
}

inline std::string DataDir() { return std::string(UPT_SOURCE_DIR) + "/tests/eval/data/"; }

}  // namespace upt::eval::testing
