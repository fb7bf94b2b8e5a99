// The default Grader: the verifiers' Grade (math; each problem's gold prepared once
// and reused for all its samples) or GradeChoice (multiple choice).
#pragma once

#include <string>

#include "eval/score.h"
#include "verifiers/verify.h"

namespace upt::eval {

Grader MakeVerifierGrader(datasets::Kind kind, const verifiers::GradeOptions& opts);

}  // namespace upt::eval
