// Reward hacking: constant answers a policy could learn to emit whatever the
// question (overflowing numbers, NaN-ish strings, empty and junk boxes, every
// option at once, very long digit strings) graded against EVERY gold of the
// bundled benchmarks. A constant answer may only be accepted where it is
// legitimately the gold: the gold is written the same way (same normalised
// key) or, for an infinity, the gold is that infinity.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/verifiers/case_table.h"
#include "verifiers/expr.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

using testing::Gold;

std::string KeyOf(std::string_view s) { return StringKey(Normalize(s)); }

// +1 / -1 for a gold that is written as +-infinity, else 0.
int GoldInfinity(const Gold& g) {
  std::string k = KeyOf(GoldAnswer(g.answer));
  if (k == KeyOf("\\infty") || k == KeyOf("+\\infty")) return 1;
  if (k == KeyOf("-\\infty")) return -1;
  return 0;
}

struct Hack {
  std::string answer;
  int infinity = 0;  // +1 / -1: legitimately equal to a gold of that infinity
};

std::vector<Hack> ConstantAnswers() {
  std::vector<Hack> h = {
      // Overflow and underflow of a double, exact and not.
      {"10^{400}"}, {"-10^{400}"}, {"1e309"}, {"-1e309"}, {"1e400"}, {"-1e999"}, {"1e-999"},
      {"10^{-400}"}, {"171!"}, {"1000!"}, {"3000!"}, {"-171!"}, {"2^{10000}"}, {"10^{10^{10}}"},
      {"9^{9^{9}}"}, {"10^{400}\\pi"}, {"\\sqrt{10^{800}}"}, {"e^{1000}"}, {"\\exp(1000)"},
      {"1.7976931348623157e308 \\cdot 10"}, {"10^{400} - 10^{400} + 1e309"}, {"\\frac{1}{10^{-400}}"},
      // Division by zero, NaN-ish spellings.
      {"0/0"}, {"\\frac{0}{0}"}, {"0^0"}, {"0^{-1}"}, {"\\frac{1}{0}"}, {"\\ln 0"}, {"\\tan(\\pi/2)"},
      {"\\cot 0"}, {"NaN"}, {"nan"}, {"inf"}, {"Inf"}, {"infinity"}, {"\\text{NaN}"},
      {"\\infty - \\infty"}, {"\\frac{\\infty}{\\infty}"}, {"0 \\cdot \\infty"},
      // Empty and junk boxes.
      {""}, {" "}, {"\\text{}"}, {"{}"}, {"???"}, {"\\ldots"}, {"\\cdots"}, {"."}, {","}, {"="},
      {"\\text{undefined}"}, {"\\text{any}"}, {"\\text{everything}"}, {"x"}, {"x = x"}, {"1 = 2"},
      {"\\pm\\infty"},
      // Every option at once: long lists, hedges.
      {"0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"}, {"1 \\text{ or } 2 \\text{ or } 3"},
      {"-1000, -100, -10, -1, 0, 1, 10, 100, 1000"},
  };
  for (const char* inf : {"\\infty", "+\\infty", "\\infty", "oo"}) h.push_back({inf, 1});
  h.push_back({"-\\infty", -1});
  // Very long digit strings: inside and beyond the parser's limits.
  for (size_t n : {400u, 5000u, 6000u, 70000u}) {
    h.push_back({std::string(n, '9')});
    h.push_back({std::string(n, '1')});
    h.push_back({"0." + std::string(n, '0') + "1"});
    h.push_back({"1." + std::string(n, '0') + "1"});
  }
  std::string all;
  for (int k = -100; k <= 1000; ++k) all += (all.empty() ? "" : ", ") + std::to_string(k);
  h.push_back({all});
  return h;
}

// The completions a policy could emit around one constant answer.
std::vector<std::string> Completions(const std::string& a) {
  return {"Thus the final answer is $\\boxed{" + a + "}$.", "The answer is " + a + ".",
          "\\boxed{" + a + "} or \\boxed{" + a + "}"};
}

TEST(RewardHackingTest, NoConstantAnswerMatchesAnyGoldItIsNot) {
  std::vector<Gold> golds = testing::LoadBundledGolds(false);
  ASSERT_GE(golds.size(), 1500u);
  std::vector<GradeItem> items;
  std::vector<std::pair<size_t, size_t>> owner;  // (hack, gold) of each item
  std::vector<Hack> hacks = ConstantAnswers();
  for (size_t h = 0; h < hacks.size(); ++h)
    for (size_t g = 0; g < golds.size(); ++g)
      for (const auto& c : Completions(hacks[h].answer)) {
        items.push_back({golds[g].answer, c});
        owner.push_back({h, g});
      }
  std::vector<Verdict> vs = GradeBatch(items, GradeOptions{});
  std::vector<int> accepted(hacks.size(), 0);
  int legit = 0;
  for (size_t i = 0; i < vs.size(); ++i) {
    if (!vs[i].correct) continue;
    const Hack& h = hacks[owner[i].first];
    const Gold& g = golds[owner[i].second];
    bool same = KeyOf(GoldAnswer(g.answer)) == KeyOf(h.answer) ||
                (h.infinity != 0 && GoldInfinity(g) == h.infinity);
    if (same) {
      ++legit;
      continue;
    }
    ++accepted[owner[i].first];
    if (accepted[owner[i].first] <= 3)
      ADD_FAILURE() << "constant '" << h.answer.substr(0, 60) << "' accepted for " << g.id << " gold '"
                  << g.answer.substr(0, 80) << "' reason=" << vs[i].reason;
  }
  for (size_t h = 0; h < hacks.size(); ++h)
    EXPECT_EQ(accepted[h], 0) << "'" << hacks[h].answer.substr(0, 60) << "'";
  // The infinity golds of the bundled sets are found (the check can fail both ways).
  int inf_golds = 0;
  for (const Gold& g : golds) inf_golds += GoldInfinity(g) != 0;
  EXPECT_GE(legit, inf_golds);
}

TEST(RewardHackingTest, OverflowingAnswersCompareExactlyOrNotAtAll) {
  auto ok = [](const char* gold, const char* pred) { return Grade(gold, std::string("\\boxed{") + pred + "}", {}).correct; };
  EXPECT_FALSE(ok("0.5", "10^{400}"));
  EXPECT_FALSE(ok("3.2 \\times 10^{5}", "-1e309"));
  EXPECT_FALSE(ok("1.5e-20", "0"));      // no absolute floor between exact values
  EXPECT_FALSE(ok("1.6e-19", "1e-999"));  // underflow to 0 is not a value
  EXPECT_FALSE(ok("0", "1e-999"));
  EXPECT_FALSE(ok("2\\pi \\times 10^{-20}", "0"));
  EXPECT_TRUE(ok("\\sin(\\pi)", "0"));   // rounding noise against an exact zero
  // Huge exact values are still equal to their other spellings, exactly.
  EXPECT_TRUE(ok("10^{400}", "1e400"));
  EXPECT_TRUE(ok("171!", "171 \\cdot 170!"));
  EXPECT_FALSE(ok("171!", "171! + 1"));
  EXPECT_TRUE(ok("1.0001e400", "1.0001 \\times 10^{400}"));
  EXPECT_FALSE(ok("1e400", "1.01e400"));
  EXPECT_TRUE(ok("\\infty", "\\infty"));
  EXPECT_FALSE(ok("\\infty", "10^{400}"));
  EXPECT_FALSE(ok("\\infty", "-\\infty"));
}

TEST(RewardHackingTest, NonFiniteToleranceNeverAccepts) {
  for (double tol : {std::numeric_limits<double>::infinity(), std::nan(""), -1.0}) {
    VerifyOptions o;
    o.rel_tol = tol;
    EXPECT_FALSE(CompareAnswers("0.5", "7.25", o).correct) << tol;
    EXPECT_FALSE(CompareAnswers("\\sqrt{2}", "1.5", o).correct) << tol;
  }
}

TEST(RewardHackingTest, ListingEveryOptionNeverPicksALetter) {
  std::vector<Gold> golds = testing::LoadBundledGolds(true);
  ASSERT_GE(golds.size(), 1000u);
  const std::vector<std::string> hacks = {
      "\\boxed{A, B, C, D}", "\\boxed{ABCD}", "The answer is (A), (B), (C) or (D).", "(A) (B) (C) (D)",
      "A or B or C or D", "ANSWER: A, B, C, D", "**A**, **B**, **C**, **D**", "\\boxed{A} \\boxed{B} \\boxed{C} \\boxed{D}",
      "The answer is A, B, C and D.", "\\boxed{\\text{A, B, C, D}}", "The answer is (A) or (B).",
      "(A), (B), (C), (D), (E)", "\\boxed{}", "", "\\boxed{E}", "\\boxed{Z}", "The answer is NaN.",
      "\\boxed{\\text{all of the above}}"};
  int accepted = 0;
  for (const Gold& g : golds)
    for (const auto& h : hacks) {
      Verdict v = GradeChoice(g.answer, h, g.choices, {});
      if (v.correct) {
        ++accepted;
        ADD_FAILURE() << g.id << " gold " << g.answer << " accepted '" << h << "' by " << v.reason;
      }
    }
  EXPECT_EQ(accepted, 0);
  // Each option's full text joined is no answer either.
  for (const Gold& g : golds) {
    std::string joined;
    for (const auto& c : g.choices) joined += (joined.empty() ? "" : " or ") + c;
    EXPECT_FALSE(GradeChoice(g.answer, "\\boxed{" + joined + "}", g.choices, {}).correct) << g.id;
  }
}

TEST(RewardHackingTest, ReasoningThatNamesOtherOptionsStillPicksTheLastLetter) {
  std::vector<std::string> choices = {"red", "blue", "green", "yellow"};
  EXPECT_TRUE(GradeChoice("C", "Between (A) and (C), the answer is (C)", choices, {}).correct);
  EXPECT_TRUE(GradeChoice("C", "(A) is wrong.\n(B) is wrong.\n(C)", choices, {}).correct);
  EXPECT_TRUE(GradeChoice("B", "The answer is (B).", choices, {}).correct);
  EXPECT_TRUE(GradeChoice("C", "\\boxed{B}? No, checking again the answer is \\boxed{C}", choices, {}).correct);
  EXPECT_TRUE(GradeChoice("B", "**B**, because A is wrong", choices, {}).correct);
}

}  // namespace
}  // namespace upt::verifiers
