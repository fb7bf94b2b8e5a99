// libFuzzer entry: the input is split at the first NUL (or newline) into a
// gold and a completion; both go through Grade (policies default, strict,
// hpt_code, and its own sympy-text / Math-Verify steps directly), GradeChoice,
// CanonicalKey and the cases-line reader. Any crash, leak, sanitizer report or slow unit fails.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "verifiers/case_line.h"
#include "verifiers/hpt_math.h"
#include "verifiers/verify.h"

namespace uv = upt::verifiers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t cut = in.find('\0');
  if (cut == std::string_view::npos) cut = in.find('\n');
  std::string_view gold = cut == std::string_view::npos ? in : in.substr(0, cut);
  std::string_view pred = cut == std::string_view::npos ? in : in.substr(cut + 1);
  uv::GradeOptions opts;
  uv::Verdict v = uv::Grade(gold, pred, opts);
  if (v.correct && v.reason.empty()) __builtin_trap();  // every verdict names its rule
  opts.extract.policy = "strict";
  (void)uv::Grade(pred, gold, opts);
  (void)uv::GradeChoice(gold.substr(0, 2), pred, {std::string(gold), "x"}, opts);
  (void)uv::CompareAnswers(gold, pred, opts.verify);
  opts.extract.policy = "hpt_code";  // the HPT fork's reward (regexes, suffix sort)
  (void)uv::Grade(gold, pred, opts);
  uv::Budget budget;
  (void)uv::hpt::MathVerifyEqual(gold, pred, &budget);
  (void)uv::hpt::SympyDiffIsZero(gold, pred, &budget);
  (void)uv::CanonicalKey(pred);
  uv::GradeItem item;
  std::string error;
  (void)uv::ParseCaseLine(in, &item, &error);
  // Reflexivity of the comparison on parseable answers is a cheap oracle.
  if (gold.size() < 200 && uv::CompareAnswers(gold, gold, opts.verify).reason == "not_equal")
    __builtin_trap();
  return 0;
}
