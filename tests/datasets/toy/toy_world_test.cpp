// The toy world generator, checked against an independent evaluator written
// here (precedence by splitting, brute-force search for x), not the generator's
// own solver.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "core/error.h"
#include "core/strings.h"
#include "datasets/load.h"
#include "datasets/registry.h"
#include "datasets/toy/toy_world.h"

namespace upt::datasets::toy {
namespace {

// Independent evaluation of "a+b*c-(d+e)" with * before +/-; parentheses innermost first.
long long EvalIndependent(std::string e) {
  for (auto close = e.find(')'); close != std::string::npos; close = e.find(')')) {
    auto open = e.rfind('(', close);
    e = e.substr(0, open) + std::to_string(EvalIndependent(e.substr(open + 1, close - open - 1))) + e.substr(close + 1);
  }
  long long total = 0, term = 1;
  int sign = 1;
  std::string num;
  auto flush_factor = [&] { term *= std::stoll(num); num.clear(); };
  for (char c : e + "+") {
    if (std::isdigit(static_cast<unsigned char>(c))) { num += c; continue; }
    flush_factor();
    if (c == '*') continue;
    total += sign * term;
    term = 1;
    sign = c == '-' ? -1 : 1;
  }
  return total;
}

std::string ExprOf(const std::string& text) {  // "Q: <expr>= ..." -> expr
  return text.substr(3, text.find('=') - 3);
}

// All `a op b=c` steps of a demonstration, and the last boxed value.
struct Parsed {
  std::vector<std::array<long long, 3>> steps;
  std::vector<char> ops;
  std::string boxed;
};
Parsed ParseDemo(const std::string& demo) {
  Parsed p;
  static const std::regex step(R"((\d+)([-+*/])(\d+)=(-?\d+))");
  for (auto it = std::sregex_iterator(demo.begin(), demo.end(), step); it != std::sregex_iterator(); ++it) {
    p.steps.push_back({std::stoll((*it)[1]), std::stoll((*it)[3]), std::stoll((*it)[4])});
    p.ops.push_back((*it)[2].str()[0]);
  }
  auto b = demo.rfind("\\boxed{");
  if (b != std::string::npos) p.boxed = demo.substr(b + 7, demo.find('}', b) - b - 7);
  return p;
}
long long Apply(long long a, char op, long long b) {
  return op == '+' ? a + b : op == '-' ? a - b : op == '*' ? a * b : (b ? a / b : -999);
}

ToyWorldOptions SmallWorld() {
  ToyWorldOptions o;
  o.train_size = 600;
  o.pretrain_size = 4000;
  return o;
}

TEST(ToyWorldTest, SameSeedSameWorldOtherSeedOtherWorld) {
  ToyWorldOptions a = SmallWorld(), b = SmallWorld();
  b.seed = 7;
  EXPECT_EQ(BenchmarkToJsonl(MakeToyBenchmark("toy_t4", a)), BenchmarkToJsonl(MakeToyBenchmark("toy_t4", a)));
  EXPECT_NE(BenchmarkToJsonl(MakeToyBenchmark("toy_t4", a)), BenchmarkToJsonl(MakeToyBenchmark("toy_t4", b)));
  auto t1 = MakeToyTrainSet(a), t2 = MakeToyTrainSet(a);
  ASSERT_EQ(t1.size(), t2.size());
  for (size_t i = 0; i < t1.size(); ++i) EXPECT_EQ(t1[i].demonstration, t2[i].demonstration);
  auto c1 = MakeToyPretrainCorpus(a), c2 = MakeToyPretrainCorpus(a);
  for (size_t i = 0; i < c1.size(); ++i) EXPECT_EQ(c1[i].text, c2[i].text);
}

TEST(ToyWorldTest, ArithmeticTiersHaveTheirOperationCountsAndValuesInRange) {
  ToyWorldOptions o;
  std::map<std::string, int> tier = {{"toy_t1", 1}, {"toy_t3", 2}, {"toy_t4", 3}, {"toy_t5", 4}, {"toy_t6", 5}};
  for (const auto& [name, t] : tier) {
    Benchmark b = MakeToyBenchmark(name, o);
    ASSERT_EQ(b.problems.size(), static_cast<size_t>(o.benchmark_size));
    for (const auto& p : b.problems) {
      SCOPED_TRACE(p.problem);
      std::string e = ExprOf(p.problem);
      int ops = 0;
      for (char c : e) ops += c == '+' || c == '-' || c == '*';
      EXPECT_EQ(ops, t);
      EXPECT_EQ(p.meta["tier"], t);
      if (t == 1) {
        EXPECT_EQ(e.find('*'), std::string::npos);
      }
      // operands: first 0..99, others one digit
      auto nums = std::regex(R"(\d+)");
      int k = 0;
      for (auto it = std::sregex_iterator(e.begin(), e.end(), nums); it != std::sregex_iterator(); ++it, ++k)
        EXPECT_LE(std::stoll(it->str()), k == 0 ? o.max_first : o.max_operand);
      EXPECT_EQ(p.answer, std::to_string(EvalIndependent(e)));
      Parsed d = ParseDemo(TeacherSolution(p).demonstration);
      EXPECT_EQ(static_cast<int>(d.steps.size()), t);
      for (size_t i = 0; i < d.steps.size(); ++i) {
        for (long long v : d.steps[i]) EXPECT_TRUE(v >= 0 && v <= o.max_value) << v;
        EXPECT_EQ(Apply(d.steps[i][0], d.ops[i], d.steps[i][1]), d.steps[i][2]);
      }
      // multiplications first
      bool seen_add = false;
      for (char op : d.ops) {
        if (op != '*') {
          seen_add = true;
        } else {
          EXPECT_FALSE(seen_add);
        }
      }
      EXPECT_EQ(d.boxed, p.answer);
    }
  }
}

TEST(ToyWorldTest, TeacherDemonstrationMatchesThePrototypeFormat) {
  ToySolution s = TeacherSolution("Q: 75+20-2*5-82= A:");
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(s.demonstration, "2*5=10 75+20=95 95-10=85 85-82=3 \\boxed{3}");
  EXPECT_EQ(ToyAnswer("Q: 40-(3+5)*2= A:"), "24");
  EXPECT_EQ(TeacherSolution("Q: 40-(3+5)*2= A:").demonstration, "3+5=8 8*2=16 40-16=24 \\boxed{24}");
  EXPECT_EQ(TeacherSolution("Q: 3*x+4=19 x= A:").demonstration, "19-4=15 15/3=5 \\boxed{5}");
  EXPECT_EQ(TeacherSolution("Q: 7+5= A) 11 B) 12 C) 13 D) 2 A:").demonstration, "7+5=12 \\boxed{B}");
  EXPECT_FALSE(TeacherSolution("What is 2+2?").ok);
  EXPECT_FALSE(TeacherSolution("Q: 7+5= A) 11 B) 13 A:").ok);  // no choice is right
  EXPECT_FALSE(TeacherSolution("Q: 2*x=7 x= A:").ok);           // inexact division
  EXPECT_EQ(ToyAnswer("Q: 2+ A:"), "");
  for (const char* junk : {"Q: = A:", "Q: (((= A:", "Q: 1+= A:", "Q: (1+2= A:", "Q: 1+2)= A:", "Q: *x=5 x= A:",
                           "Q: 0*x=0 x= A:", "Q: 999999*999999*999999*999999= A:", "Q: 1234567= A:",
                           "Q: 1+1= A) 2 B) A:", "Q: 1+1= A) 2 B) 2 A:", "Q: x+1=y x= A:", "Q: 1++2= A:"}) {
    EXPECT_FALSE(TeacherSolution(junk).ok) << junk;
  }
}

TEST(ToyWorldTest, EquationsHaveTheUniqueSolutionFoundByBruteForce) {
  Benchmark b = MakeToyBenchmark("toy_t2");
  for (const auto& p : b.problems) {
    SCOPED_TRACE(p.problem);
    std::string eq = p.problem.substr(3, p.problem.find(" x=") - 3);
    std::string lhs = eq.substr(0, eq.find('=')), rhs = eq.substr(eq.find('=') + 1);
    std::vector<long long> sols;
    for (long long x = 0; x <= 99; ++x) {
      std::string e = lhs;
      e.replace(e.find('x'), 1, std::to_string(x));
      if (EvalIndependent(e) == std::stoll(rhs)) sols.push_back(x);
    }
    ASSERT_EQ(sols.size(), 1u);
    EXPECT_EQ(p.answer, std::to_string(sols[0]));
    Parsed d = ParseDemo(TeacherSolution(p).demonstration);
    EXPECT_EQ(static_cast<int>(d.steps.size()), p.meta["tier"].get<int>());
    for (size_t i = 0; i < d.steps.size(); ++i) EXPECT_EQ(Apply(d.steps[i][0], d.ops[i], d.steps[i][1]), d.steps[i][2]);
    EXPECT_EQ(d.boxed, p.answer);
  }
}

TEST(ToyWorldTest, OodSetsParenthesesMatterAndMcLettersAreValid) {
  for (const auto& p : MakeToyBenchmark("toy_ood_paren").problems) {
    std::string e = ExprOf(p.problem);
    ASSERT_NE(e.find('('), std::string::npos);
    std::string flat;
    for (char c : e)
      if (c != '(' && c != ')') flat += c;
    EXPECT_EQ(p.answer, std::to_string(EvalIndependent(e)));
    EXPECT_NE(EvalIndependent(e), EvalIndependent(flat)) << p.problem;
  }
  Benchmark mc = MakeToyBenchmark("toy_ood_mc");
  EXPECT_EQ(mc.kind, Kind::kMultipleChoice);
  std::set<std::string> letters;
  for (const auto& p : mc.problems) {
    ASSERT_EQ(p.choices.size(), 4u);
    EXPECT_EQ(std::set<std::string>(p.choices.begin(), p.choices.end()).size(), 4u);
    int idx = LetterIndex(p.answer);
    ASSERT_TRUE(idx >= 0 && idx < 4) << p.answer;
    EXPECT_EQ(p.choices[idx], std::to_string(EvalIndependent(ExprOf(p.problem))));
    EXPECT_NE(p.problem.find("A) " + p.choices[0] + " B) " + p.choices[1]), std::string::npos);
    letters.insert(p.answer);
  }
  EXPECT_EQ(letters.size(), 4u);
}

// The expression key: an mc item's arithmetic prompt without its choices.
std::string Key(const std::string& text) {
  auto c = text.find(" A) ");
  return c == std::string::npos ? text : text.substr(0, c) + " A:";
}

TEST(ToyWorldTest, TrainingSetAndCorpusAreDisjointFromEveryBenchmark) {
  ToyWorldOptions o = SmallWorld();
  std::set<std::string> bench;
  size_t total = 0;
  for (const auto& spec : ToyBenchmarkSpecs()) {
    for (const auto& p : MakeToyBenchmark(spec.name, o).problems) bench.insert(Key(p.problem));
    total += o.benchmark_size;
  }
  EXPECT_EQ(bench.size(), total);  // benchmarks are also disjoint from each other
  for (const auto& ex : MakeToyTrainSet(o)) {
    EXPECT_EQ(bench.count(ex.problem.problem), 0u) << ex.problem.problem;
    Parsed d = ParseDemo(ex.demonstration);
    EXPECT_EQ(d.boxed, ex.problem.answer);
    for (size_t i = 0; i < d.steps.size(); ++i) EXPECT_EQ(Apply(d.steps[i][0], d.ops[i], d.steps[i][1]), d.steps[i][2]);
  }
  for (const auto& line : MakeToyPretrainCorpus(o)) {
    std::string prompt = line.text.substr(0, line.text.find(" A: ") + 3);
    EXPECT_EQ(bench.count(prompt), 0u) << prompt;
  }
}

TEST(ToyWorldTest, CorpusSlipsMatchTheConfiguredRateAndEverythingElseIsRight) {
  ToyWorldOptions o = SmallWorld();
  o.slip_rate = 0.10;
  long long steps = 0, wrong = 0, reported = 0;
  std::map<int, int> tiers;
  for (const auto& line : MakeToyPretrainCorpus(o)) {
    Parsed d = ParseDemo(line.text.substr(line.text.find(" A: ") + 4));
    ASSERT_EQ(static_cast<int>(d.steps.size()), line.steps);
    for (size_t i = 0; i < d.steps.size(); ++i) {
      wrong += Apply(d.steps[i][0], d.ops[i], d.steps[i][1]) != d.steps[i][2];
      for (long long v : d.steps[i]) EXPECT_TRUE(v >= 0 && v <= o.max_value);
    }
    EXPECT_EQ(d.boxed, std::to_string(d.steps.back()[2]));  // the chain ends in its own boxed value
    steps += line.steps;
    reported += line.slips;
    ++tiers[line.family == "arith" ? line.tier : 0];
  }
  EXPECT_EQ(wrong, reported);
  double rate = static_cast<double>(wrong) / steps;
  EXPECT_GT(rate, 0.08);
  EXPECT_LT(rate, 0.11);
  EXPECT_EQ(tiers.count(4) + tiers.count(5), 0u);  // t5/t6 (tiers 4, 5) never in pre-training
  EXPECT_GT(tiers[1], tiers[2]);
  EXPECT_GT(tiers[2], tiers[3]);

  o.slip_rate = 0;
  for (const auto& line : MakeToyPretrainCorpus(o)) {
    EXPECT_EQ(line.slips, 0);
    std::string prompt = line.text.substr(0, line.text.find(" A: ") + 3);
    EXPECT_EQ(ParseDemo(line.text).boxed, ToyAnswer(prompt));
  }
}

TEST(ToyWorldTest, VocabularyCoversEveryTextWithBoxedAsOneSymbol) {
  auto vocab = ToyVocabularySymbols();
  EXPECT_EQ(std::set<std::string>(vocab.begin(), vocab.end()).size(), vocab.size());
  EXPECT_NE(std::find(vocab.begin(), vocab.end(), "\\boxed{"), vocab.end());
  EXPECT_EQ(ToySymbolize("1+2=3 \\boxed{3}"),
            (std::vector<std::string>{"1", "+", "2", "=", "3", " ", "\\boxed{", "3", "}"}));
  EXPECT_THROW(ToySymbolize("1+2=3 \\frac"), Error);
  ToyWorldOptions o = SmallWorld();
  std::set<std::string> used;
  auto use = [&](const std::string& s) {
    for (auto& sym : ToySymbolize(s)) used.insert(sym);
  };
  for (const auto& spec : ToyBenchmarkSpecs())
    for (const auto& p : MakeToyBenchmark(spec.name, o).problems) use(p.problem + " " + TeacherSolution(p).demonstration);
  for (const auto& ex : MakeToyTrainSet(o)) use(ex.problem.problem + " " + ex.demonstration);
  EXPECT_EQ(used.size(), vocab.size());  // every symbol is used somewhere
}

TEST(ToyWorldTest, RegisteredToyBenchmarksLoadWithPinnedHashes) {
  for (const auto& name : ExpandBenchmarkNames("toy6,toy_ood2")) {
    Benchmark b = LoadBenchmark(name);
    EXPECT_EQ(b.problems.size(), 64u);
    EXPECT_EQ(b.defaults.samples_per_problem, 256);
    EXPECT_EQ(b.sha256, MakeToyBenchmark(name).sha256);
  }
}

TEST(ToyWorldTest, BadOptionsAreErrors) {
  ToyWorldOptions o;
  o.max_operand = 1;
  EXPECT_THROW(MakeToyBenchmark("toy_t1", o), Error);
  o = {};
  o.slip_rate = 1.5;
  EXPECT_THROW(MakeToyPretrainCorpus(o), Error);
  o = {};
  o.benchmark_size = 5000;  // more than the ~1,800 distinct tier-1 problems
  EXPECT_THROW(MakeToyBenchmark("toy_t1", o), Error);
  o = {};
  o.pretrain_mix = {1, 2};
  EXPECT_THROW(MakeToyPretrainCorpus(o), Error);
  EXPECT_THROW(MakeToyBenchmark("toy_t9"), Error);
}

}  // namespace
}  // namespace upt::datasets::toy
