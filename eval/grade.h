// The default Grader: the verifiers' Grade (math; each problem's gold prepared once
// and reused for all its samples) or GradeChoice (multiple choice).
#pragma once

#include <string>

#include <vector>

#include "eval/passk.h"
#include "eval/score.h"
#include "verifiers/verify.h"

namespace upt::eval {

Grader MakeVerifierGrader(datasets::Kind kind, const verifiers::GradeOptions& opts);

// avg@n of one benchmark as `upt score` reports it (results.json "pass_at_1"):
// the mean over problems of each problem's fraction correct, with the same
// percentile bootstrap interval over problems (BootstrapMeanCI).
struct AvgAtN {
  Interval pass_at_1;          // mean = avg@n; low/high = the bootstrap interval
  long long correct = 0, samples = 0;
  int problems = 0, n = 0;
};

// Grades completions[p * n + j] (sample j of problem p) with `grader` in
// parallel; result identical for any thread count.
AvgAtN GradeAvgAtN(const datasets::Benchmark& bench, const std::vector<std::string>& completions, int n,
                   const Grader& grader, const BootstrapOptions& opts);

}  // namespace upt::eval
