// Side by side with Math-Verify's own unit-test expectations
// (tests/verifiers/cases/external/math_verify.jsonl, transcribed from its test
// suite; see external/SOURCES.md). Every disagreement must be listed with a
// policy reason in external/math_verify_disagreements.jsonl (keyed by line: the
// same pair can appear twice under different Math-Verify options), and every
// listed one must still disagree, so the list stays true.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>

#include "tests/verifiers/case_table.h"

namespace upt::verifiers {
namespace {

using testing::Case;

std::string ExternalDir() { return testing::SourceDir() + "/tests/verifiers/cases/external/"; }

struct Known {
  std::string gold, pred, reason;
};

// Line of math_verify.jsonl -> the documented disagreement.
std::map<long, Known> KnownDisagreements() {
  std::map<long, Known> out;
  const std::string f = ExternalDir() + "math_verify_disagreements.jsonl";
  JsonlReader r(f);
  JsonlRecord rec;
  while (r.Next(&rec)) {
    if (!rec.error.empty()) throw std::runtime_error(f + ": " + rec.error);
    const Json& j = rec.value;
    std::string reason = j.at("reason").get<std::string>();
    if (reason.empty()) throw std::runtime_error(f + ":" + std::to_string(rec.line) + ": empty reason");
    out[j.at("line").get<long>()] = {j.at("gold").get<std::string>(), j.at("pred").get<std::string>(),
                                     reason};
  }
  return out;
}

TEST(MathVerifySideBySideTest, EveryDisagreementIsDocumentedAndStillHolds) {
  std::vector<Case> cases = testing::LoadCaseFile(ExternalDir() + "math_verify.jsonl");
  ASSERT_GE(cases.size(), 200u);
  std::map<long, Known> known = KnownDisagreements();
  std::set<long> seen;
  int agree = 0, we_accept = 0, we_reject = 0;
  for (const Case& c : cases) {
    Verdict v = testing::GradeCase(c);
    const long k = c.line;
    if (v.correct == c.expected) {
      ++agree;
      EXPECT_EQ(known.count(k), 0u) << "listed as a disagreement but now agrees: " << c.file << ":"
                                    << c.line << " gold=" << c.gold << " pred=" << c.pred;
      continue;
    }
    (v.correct ? we_accept : we_reject) += 1;
    seen.insert(k);
    if (known.count(k))
      EXPECT_TRUE(known[k].gold == c.gold && known[k].pred == c.pred)
          << "line " << k << " of math_verify.jsonl changed; update the disagreement list";
    EXPECT_EQ(known.count(k), 1u) << "undocumented disagreement with Math-Verify: " << c.file << ":"
                                  << c.line << " gold=" << c.gold << " pred=" << c.pred
                                  << " mv_expected=" << c.expected << " upt=" << v.correct
                                  << " reason=" << v.reason;
  }
  for (const auto& [line, k] : known)
    EXPECT_EQ(seen.count(line), 1u) << "listed disagreement not among the cases: line " << line
                                    << " gold=" << k.gold << " pred=" << k.pred;
  std::printf("  Math-Verify expectations: agree %d/%zu = %.4f; upt accepts where MV rejects %d, "
              "upt rejects where MV accepts %d\n",
              agree, cases.size(), static_cast<double>(agree) / static_cast<double>(cases.size()),
              we_accept, we_reject);
}

}  // namespace
}  // namespace upt::verifiers
