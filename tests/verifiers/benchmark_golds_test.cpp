// Every gold answer of the bundled benchmarks verifies against itself wrapped
// in \boxed{}, against common rewritings (1/2 <-> 0.5 <-> \frac{1}{2},
// 025 <-> 25), and deliberate wrong answers (gold + 1, swapped tuples,
// off-by-one fractions) verify false. GPQA is skipped (encrypted; letters).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/jsonl.h"
#include "tests/verifiers/case_table.h"
#include "verifiers/evaluate.h"
#include "verifiers/expr.h"
#include "verifiers/verify.h"

namespace upt::verifiers {
namespace {

using testing::Gold;

std::vector<Gold> LoadGolds(bool mc) { return testing::LoadBundledGolds(mc); }

bool Correct(const std::string& gold, const std::string& completion) {
  return Grade(gold, completion, GradeOptions{}).correct;
}

TEST(BenchmarkGoldsTest, EveryMathGoldVerifiesAgainstItselfBoxed) {
  std::vector<Gold> golds = LoadGolds(false);
  ASSERT_GE(golds.size(), 1500u);
  int fails = 0;
  for (const Gold& g : golds) {
    std::string completion = "Reasoning...\nSo the final answer is $\\boxed{" + g.answer + "}$.";
    Verdict v = Grade(g.answer, completion, GradeOptions{});
    if (!v.correct) {
      ++fails;
      ADD_FAILURE() << g.id << " gold=" << g.answer << " reason=" << v.reason;
    }
  }
  EXPECT_EQ(fails, 0);
}

TEST(BenchmarkGoldsTest, EveryChoiceGoldVerifiesAgainstItsLetterAndOptionText) {
  std::vector<Gold> golds = LoadGolds(true);
  ASSERT_GE(golds.size(), 1000u);
  for (const Gold& g : golds) {
    int idx = g.answer[0] - 'A';
    ASSERT_GE(idx, 0);
    ASSERT_LT(idx, static_cast<int>(g.choices.size())) << g.id;
    EXPECT_TRUE(GradeChoice(g.answer, "\\boxed{" + g.answer + "}", g.choices, {}).correct) << g.id;
    EXPECT_TRUE(GradeChoice(g.answer, "ANSWER: " + g.answer, g.choices, {}).correct) << g.id;
    char wrong = static_cast<char>('A' + (idx + 1) % static_cast<int>(g.choices.size()));
    EXPECT_FALSE(GradeChoice(g.answer, std::string("ANSWER: ") + wrong, g.choices, {}).correct) << g.id;
  }
}

// Exact rational value of a gold, when it has one.
bool ExactValue(const std::string& answer, mpq_class* q) {
  Budget b;
  Tree t;
  return Parse(Normalize(GoldAnswer(answer)), &t, &b) && EvalExact(t, t.root, q, &b);
}

TEST(BenchmarkGoldsTest, RationalGoldsVerifyAgainstRewritingsAndRejectNeighbours) {
  int rewritings = 0, wrong = 0;
  for (const Gold& g : LoadGolds(false)) {
    mpq_class q;
    // Huge values (scientific notation) compare with a relative tolerance by design.
    if (!ExactValue(g.answer, &q) || q.get_num().get_str().size() > 15 ||
        q.get_den().get_str().size() > 15)
      continue;
    std::string num = q.get_num().get_str(), den = q.get_den().get_str();
    auto box = [](const std::string& s) { return "The answer is \\boxed{" + s + "}"; };
    bool scientific = Normalize(GoldAnswer(g.answer)).find_first_of("eE^") != std::string::npos;
    if (q.get_den() == 1 && !scientific) {
      EXPECT_TRUE(Correct(g.answer, box(num))) << g.id;
      EXPECT_TRUE(Correct(g.answer, box(num + ".0"))) << g.id;
      if (q > 0) {
        EXPECT_TRUE(Correct(g.answer, box("0" + num))) << g.id;
      }
      mpq_class plus = q + 1;
      EXPECT_FALSE(Correct(g.answer, box(plus.get_str()))) << g.id;
      EXPECT_FALSE(Correct(g.answer, box(num + ".01"))) << g.id;
      rewritings += 3;
      wrong += 2;
    } else if (q.get_den() != 1) {
      std::string sign = q < 0 ? "-" : "";
      mpq_class a = abs(q);
      std::string an = a.get_num().get_str(), ad = a.get_den().get_str();
      EXPECT_TRUE(Correct(g.answer, box(sign + "\\frac{" + an + "}{" + ad + "}"))) << g.id;
      EXPECT_TRUE(Correct(g.answer, box(sign + an + "/" + ad))) << g.id;
      char dec[64];
      std::snprintf(dec, sizeof(dec), "%.10g", q.get_d());
      EXPECT_TRUE(Correct(g.answer, box(dec))) << g.id;
      EXPECT_FALSE(Correct(g.answer, box(sign + "\\frac{" + an + "}{" + ad + "1}"))) << g.id;
      EXPECT_FALSE(Correct(g.answer, box(sign + "\\frac{" + ad + "}{" + an + "}"))) << g.id;
      rewritings += 3;
      wrong += 2;
    }
  }
  EXPECT_GE(rewritings, 1000);
  EXPECT_GE(wrong, 600);
}

TEST(BenchmarkGoldsTest, ScalarGoldsPlusOneAndSwappedTuplesVerifyFalse) {
  int checked = 0;
  for (const Gold& g : LoadGolds(false)) {
    std::string ans = GoldAnswer(g.answer);
    Budget b;
    Tree t;
    if (!Parse(Normalize(ans), &t, &b)) continue;
    const Node& root = t.at(t.root);
    if (root.kind == Kind::kTuple && root.kids.size() == 2) {
      // "(a, b)" -> "(b, a)" when the entries differ.
      Tree other = t;
      std::swap(other.nodes[static_cast<size_t>(other.root)].kids[0],
                other.nodes[static_cast<size_t>(other.root)].kids[1]);
      std::string rule;
      Budget b2;
      bool same_entries = Equivalent(t, other, 1e-4, &b2, &rule);
      if (same_entries) continue;
      EXPECT_FALSE(Equivalent(t, other, 1e-4, &b2, &rule)) << g.id;
      ++checked;
    } else if (root.kind != Kind::kRel && root.kind != Kind::kList && root.kind != Kind::kText &&
               root.kind != Kind::kTuple && root.kind != Kind::kInterval &&
               root.kind != Kind::kUnion && root.kind != Kind::kMatrix && root.kind != Kind::kPm) {
      // Scientific-notation golds compare with a relative tolerance, so +1 is
      // invisible there; tripling is not.
      std::string n = Normalize(ans);
      bool scientific = n.find_first_of("eE") != std::string::npos && n.find_first_of("0123456789") == 0;
      std::string wrong = scientific ? "3(" + n + ")" : "(" + n + ") + 1";
      EXPECT_FALSE(Correct(g.answer, "\\boxed{" + wrong + "}")) << g.id << " " << ans;
      ++checked;
    }
  }
  EXPECT_GE(checked, 300);
}

}  // namespace
}  // namespace upt::verifiers
