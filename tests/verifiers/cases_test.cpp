// Table-driven: every row of tests/verifiers/cases/*.jsonl must get its
// expected verdict; a failure summary by kind is printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
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

// The held-out files (heldout_*.jsonl) were labelled by people who did not see
// the rules; they are reported, not fitted (first-run numbers of each file are
// in benchmarks/results/verifiers.md). The bar is the target: >= 97%
// agreement and <= 1% false positives. Per-file numbers are printed.
TEST(CaseTableTest, HeldOutAgreementMeetsTarget) {
  std::vector<Case> cases = testing::LoadCases(/*heldout=*/true);
  ASSERT_GE(cases.size(), 600u);
  std::map<std::string, std::array<int, 3>> by_file;  // file -> (cases, agree, false positives)
  int agree = 0, false_pos = 0;
  for (const Case& c : cases) {
    Verdict v = testing::GradeCase(c);
    auto& f = by_file[std::filesystem::path(c.file).filename().string()];
    ++f[0];
    if (v.correct == c.expected) ++agree, ++f[1];
    if (v.correct && !c.expected) ++false_pos, ++f[2];
  }
  for (const auto& [name, f] : by_file)
    std::printf("  %-32s %d/%d agree, %d false positives\n", name.c_str(), f[1], f[0], f[2]);
  double rate = static_cast<double>(agree) / static_cast<double>(cases.size());
  double fp = static_cast<double>(false_pos) / static_cast<double>(cases.size());
  std::printf("  held-out agreement %d/%zu = %.4f, false positives %d (%.4f)\n", agree,
              cases.size(), rate, false_pos, fp);
  EXPECT_GE(rate, 0.97);
  EXPECT_LE(fp, 0.01);
  // Per-file floors (agreements, most false positives) as measured when a set was last
  // re-run (benchmarks/results/verifiers.md); a rule change may raise them, never lower them.
  const std::map<std::string, std::array<int, 2>> floors = {
      {"heldout_anchor_suites.jsonl", {107, 2}},    // rules upt-verify-7..9
      {"heldout_anchor_suites_2.jsonl", {111, 0}},  // first run 108/114 (upt-verify-8); rules 9
  };
  for (const auto& [name, floor] : floors) {
    auto it = by_file.find(name);
    ASSERT_NE(it, by_file.end()) << name;
    EXPECT_GE(it->second[1], floor[0]) << name;
    EXPECT_LE(it->second[2], floor[1]) << name;
  }
}

}  // namespace
}  // namespace upt::verifiers
