// Internal to datasets/toy: the solver with a hook that lets the generator write
// a wrong result for chosen steps (the noisy teacher); later steps use it.
#pragma once

#include <functional>
#include <string>

#include "datasets/toy/toy_world.h"

namespace upt::datasets::toy::detail {

// Returns the result the teacher writes for `clean` (its correct result in clean.result),
// given the step's 0-based index.
using SlipFn = std::function<long long(const ToyStep& clean, size_t index)>;

// TeacherSolution with optional slips; value ranges are the caller's to check (StepsInRange).
ToySolution Solve(const std::string& problem_text, const SlipFn* slip);

// Every operand and result of every step within [0, max_value].
bool StepsInRange(const ToySolution& s, long long max_value);

// `Q: <expr>= A:` for an expression text like "75+2-3*4".
std::string ArithPrompt(const std::string& expr);

}  // namespace upt::datasets::toy::detail
