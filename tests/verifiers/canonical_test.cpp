// CanonicalKey groups answers by meaning: equal keys imply the verifier judges
// the answers equal (checked over every case table, both orders), and the
// keys of answers the verifier judges equal mostly coincide.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/verifiers/case_table.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

TEST(CanonicalKeyTest, HalfSpelledThreeWaysVotesTogetherAndANeighbourDoesNot) {
  std::string k = CanonicalKey("\\frac12");
  EXPECT_EQ(CanonicalKey("0.5"), k);
  EXPECT_EQ(CanonicalKey("1/2"), k);
  EXPECT_EQ(CanonicalKey("$\\dfrac{1}{2}$"), k);
  EXPECT_NE(CanonicalKey("0.50001"), k);
  EXPECT_NE(CanonicalKey("-\\frac12"), k);
}

TEST(CanonicalKeyTest, StructuresKeyByTheirItems) {
  EXPECT_EQ(CanonicalKey("(0.5, 2)"), CanonicalKey("\\left(\\frac12, \\frac{4}{2}\\right)"));
  EXPECT_NE(CanonicalKey("(0.5, 2)"), CanonicalKey("(2, 0.5)"));
  EXPECT_EQ(CanonicalKey("1, 0.5"), CanonicalKey("\\frac12, 1"));  // a list is unordered
  EXPECT_NE(CanonicalKey("1, 2, 2"), CanonicalKey("1, 2"));
  EXPECT_EQ(CanonicalKey("2\\sqrt{2}"), CanonicalKey("\\sqrt{8}"));
  EXPECT_NE(CanonicalKey("\\sqrt{2}"), CanonicalKey("1.414213562"));
  EXPECT_EQ(CanonicalKey("10^{400}"), CanonicalKey("1e400"));
  EXPECT_NE(CanonicalKey("10^{400}"), CanonicalKey("10^{401}"));
  EXPECT_NE(CanonicalKey("1e999"), CanonicalKey("1e998"));  // beyond doubles: by text
  EXPECT_NE(CanonicalKey("0/0"), CanonicalKey("1/0"));
}

// Pred answers of the case tables (and golds, as answers) keyed; every pair of
// answers of one case with equal keys must be judged equal both ways.
TEST(CanonicalKeyTest, EqualKeysAreEqualVerdictsOverTheCaseTables) {
  std::vector<testing::Case> cases = testing::LoadCases(false);
  std::vector<testing::Case> held = testing::LoadCases(true);
  cases.insert(cases.end(), held.begin(), held.end());
  ASSERT_GE(cases.size(), 1000u);
  long long same_key = 0, equal_verdicts = 0, equal_and_same_key = 0;
  for (const auto& c : cases) {
    if (c.mc || !c.choices.empty()) continue;
    std::vector<Candidate> cands = Extract(c.pred, ExtractOptions{});
    if (cands.empty()) continue;
    std::string g = GoldAnswer(c.gold), p = cands.front().text;
    bool eq = CompareAnswers(g, p, VerifyOptions{}).correct;
    bool keys = CanonicalKey(g) == CanonicalKey(p);
    equal_verdicts += eq;
    same_key += keys;
    equal_and_same_key += eq && keys;
    if (keys) {
      EXPECT_TRUE(eq) << c.file << ":" << c.line << " gold '" << g << "' pred '" << p << "' key "
                      << CanonicalKey(g);
      EXPECT_TRUE(CompareAnswers(p, g, VerifyOptions{}).correct)
          << c.file << ":" << c.line << " reversed: gold '" << p << "' pred '" << g << "'";
    }
  }
  // Keys are not trivially distinct: most equal verdicts share a key.
  EXPECT_GE(equal_and_same_key * 10, equal_verdicts * 6);
  std::printf("canonical keys: %lld equal verdicts, %lld of them share a key; %lld same-key pairs\n",
              equal_verdicts, equal_and_same_key, same_key);
}

}  // namespace
}  // namespace upt::verifiers
