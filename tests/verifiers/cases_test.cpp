// Table-driven: every row of tests/verifiers/cases/*.jsonl must get its
// expected verdict; a failure summary by kind is printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "tests/verifiers/case_table.h"

namespace upt::verifiers {
namespace {

using testing::Case;

TEST(CaseTableTest, EveryPublicCaseGetsItsExpectedVerdict) {
  std::vector<Case> cases = testing::LoadCases(/*heldout=*/false);
  ASSERT_GE(cases.size(), 600u);
  std::map<std::string, std::pair<int, int>> by_kind;  // kind -> (failures, total)
  int failures = 0;
  for (const Case& c : cases) {
    Verdict v = testing::GradeCase(c);
    auto& k = by_kind[c.kind];
    ++k.second;
    if (v.correct != c.expected) {
      ++k.first;
      ++failures;
      ADD_FAILURE() << c.file << ":" << c.line << " kind=" << c.kind << " gold=" << c.gold
                    << " pred=" << c.pred << " expected=" << c.expected << " reason=" << v.reason
                    << " extracted=" << v.extracted.value_or("<none>");
    }
  }
  for (const auto& [kind, fk] : by_kind)
    std::printf("  %-16s %3d / %3d failed\n", kind.c_str(), fk.first, fk.second);
  EXPECT_EQ(failures, 0);
}

TEST(CaseTableTest, AtLeastAThirdOfPublicCasesAreExpectedFalse) {
  std::vector<Case> cases = testing::LoadCases(false);
  long negatives = std::count_if(cases.begin(), cases.end(), [](const Case& c) { return !c.expected; });
  EXPECT_GE(negatives * 3, static_cast<long>(cases.size()));
}

// The held-out file was written before tuning on it; it is reported, not fitted:
// the bar is the target (>= 97% agreement, <= 1.7% false positives as
// measured on first run; see benchmarks/results/verifiers.md).
TEST(CaseTableTest, HeldOutAgreementMeetsTarget) {
  std::vector<Case> cases = testing::LoadCases(/*heldout=*/true);
  ASSERT_GE(cases.size(), 100u);
  int agree = 0, false_pos = 0;
  for (const Case& c : cases) {
    Verdict v = testing::GradeCase(c);
    agree += v.correct == c.expected;
    false_pos += v.correct && !c.expected;
  }
  double rate = static_cast<double>(agree) / static_cast<double>(cases.size());
  double fp = static_cast<double>(false_pos) / static_cast<double>(cases.size());
  std::printf("  held-out agreement %d/%zu = %.4f, false positives %d (%.4f)\n", agree,
              cases.size(), rate, false_pos, fp);
  EXPECT_GE(rate, 0.97);
  EXPECT_LE(fp, 0.017);
}

}  // namespace
}  // namespace upt::verifiers
