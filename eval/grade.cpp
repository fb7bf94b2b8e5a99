#include "eval/grade.h"

namespace upt::eval {

Grader MakeVerifierGrader(datasets::Kind kind, const verifiers::GradeOptions& opts) {
  if (kind == datasets::Kind::kMultipleChoice) {
    return [opts](const datasets::Problem& p, std::string_view completion) {
      return verifiers::GradeChoice(p.answer, completion, p.choices, opts);
    };
  }
  return [opts](const datasets::Problem& p, std::string_view completion) {
    return verifiers::Grade(p.answer, completion, opts);
  };
}

}  // namespace upt::eval
