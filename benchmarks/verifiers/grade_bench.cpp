// Throughput of Grade on a realistic mix of ~2 KB completions, and the cost
// of the adversarial inputs (each must stay far below 50 ms).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/rng.h"
#include "verifiers/verify.h"

namespace uv = upt::verifiers;

namespace {

struct Item {
  std::string gold, completion;
  bool mc = false;
};

// Same mix as gen_cases.py: 55% boxed, 15% answer phrase, 10% think+boxed,
// 10% no answer (last number), 10% multiple choice; ~40% wrong answers.
std::vector<Item> RealisticMix(size_t n) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"204", "204"}, {"\\frac{14}{3}", "4\\frac{2}{3}"}, {"3\\sqrt{13}", "\\sqrt{117}"},
      {"(3, \\frac{\\pi}{2})", "\\left(3,\\frac{\\pi}{2}\\right)"}, {"1,-2", "-2, 1"},
      {"x^3+3x-6", "3x+x^3-6"}, {"\\frac{1}{2}", "0.5"}, {"(3,4]", "(3,4]"}, {"90^\\circ", "90"},
      {"\\text{Evelyn}", "Evelyn"}, {"4.5e33", "4.5\\times 10^{33}"}, {"y=2x+1", "2x+1"},
      {"\\binom{2n}{n}", "\\frac{(2n)!}{(n!)^2}"}, {"1000", "1,000"}, {"-7", "-7"}};
  const std::vector<std::string> wrong = {"205", "\\frac{13}{3}", "(4,3]", "x^3-3x+6", "0.51"};
  const char* words[] = {"we", "consider", "the", "equation", "and", "substitute", "value", "so",
                         "that", "both", "sides", "agree", "then", "simplify", "$3 + 4 = 7$", "\\frac{1}{2}"};
  upt::RngStream rng(7, {1});
  std::vector<Item> out;
  for (size_t i = 0; i < n; ++i) {
    std::string body;
    while (body.size() < 1900) {
      body += words[rng.Below(16)];
      body += rng.Below(30) == 0 ? "\n\n" : " ";
    }
    double r = rng.Uniform();
    if (r < 0.10) {
      char g = static_cast<char>('A' + rng.Below(4));
      char p = rng.Uniform() < 0.6 ? g : static_cast<char>('A' + rng.Below(4));
      out.push_back({std::string(1, g), body + "\n\nANSWER: " + std::string(1, p), true});
      continue;
    }
    const auto& [gold, right] = pairs[rng.Below(pairs.size())];
    std::string ans = rng.Uniform() < 0.6 ? right : wrong[rng.Below(wrong.size())];
    std::string c;
    if (r < 0.65) c = body + "\n\nTherefore, the final answer is $\\boxed{" + ans + "}$.";
    else if (r < 0.80) c = body + "\n\nThe final answer is $" + ans + "$. I hope it is correct.";
    else if (r < 0.90) c = "<think>\n" + body + "\n</think>\n\nSo the answer is $\\boxed{" + ans + "}$.";
    else c = body + " so we get " + std::to_string(rng.Below(999));
    out.push_back({gold, c, false});
  }
  return out;
}

void BM_GradeRealisticMix(benchmark::State& state) {
  std::vector<Item> items = RealisticMix(4096);
  uv::GradeOptions opts;
  size_t i = 0, correct = 0;
  for (auto _ : state) {
    const Item& it = items[i++ % items.size()];
    uv::Verdict v = it.mc ? uv::GradeChoice(it.gold, it.completion, {}, opts)
                          : uv::Grade(it.gold, it.completion, opts);
    correct += v.correct;
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["correct_frac"] = static_cast<double>(correct) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_GradeRealisticMix);

// The reward policy hpt_code (the HPT fork's reward, its own frozen steps) on
// the math items of the same mix.
void BM_GradeRealisticMixHptCode(benchmark::State& state) {
  std::vector<Item> items;
  for (auto& it : RealisticMix(4096))
    if (!it.mc) items.push_back(std::move(it));
  uv::GradeOptions opts;
  opts.extract.policy = "hpt_code";
  size_t i = 0;
  for (auto _ : state) {
    const Item& it = items[i++ % items.size()];
    benchmark::DoNotOptimize(uv::Grade(it.gold, it.completion, opts));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_GradeRealisticMixHptCode);

void BM_GradeBatchRealisticMix(benchmark::State& state) {
  std::vector<Item> items = RealisticMix(16384);
  std::vector<uv::GradeItem> batch;
  for (const auto& it : items) batch.push_back({it.gold, it.completion, it.mc, {}});
  for (auto _ : state) benchmark::DoNotOptimize(uv::GradeBatch(batch, {}));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
}
BENCHMARK(BM_GradeBatchRealisticMix)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CompareAnswers(benchmark::State& state, std::string gold, std::string pred) {
  for (auto _ : state) benchmark::DoNotOptimize(uv::CompareAnswers(gold, pred, {}));
}
BENCHMARK_CAPTURE(BM_CompareAnswers, string_equal, "204", "204");
BENCHMARK_CAPTURE(BM_CompareAnswers, rational, "\\frac{14}{3}", "4\\frac{2}{3}");
BENCHMARK_CAPTURE(BM_CompareAnswers, irrational, "3\\sqrt{13}", "\\sqrt{117}");
BENCHMARK_CAPTURE(BM_CompareAnswers, symbolic, "x^5 - x^4 + x^3 - x^2 + x - 1", "(x-1)(x^4+x^2+1)");
BENCHMARK_CAPTURE(BM_CompareAnswers, tuple_set, "$(1,8,19), (2,7,13), (4,5,7)$", "(4,5,7),(2,7,13),(1,8,19)");
BENCHMARK_CAPTURE(BM_CompareAnswers, matrix, "\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}",
                  "\\begin{pmatrix} -\\frac13 \\\\ \\frac23 \\\\ \\frac53 \\end{pmatrix}");

// ---- adversarial inputs (timing; the verdicts are asserted in tests) ----
std::string Nested(size_t depth) {
  return "\\boxed{" + std::string(depth, '{') + "1" + std::string(depth, '}') + "}";
}
std::string Tower(int n) {
  std::string t = "x";
  for (int i = 0; i < n; ++i) t = "x^{" + t + "}";
  return "\\boxed{" + t + "}";
}
std::string MegabyteLatex() {
  std::string s;
  while (s.size() < (1u << 20)) s += "\\frac{x+1}{\\sqrt{y}} + ";
  return "\\boxed{" + s + "1}";
}

void BM_Adversarial(benchmark::State& state, std::string gold, std::string completion) {
  for (auto _ : state) benchmark::DoNotOptimize(uv::Grade(gold, completion, {}));
}
BENCHMARK_CAPTURE(BM_Adversarial, braces_100k_deep, "1", Nested(100000))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, million_digits_equal, std::string(1000000, '7'),
                  "\\boxed{" + std::string(1000000, '7') + "}")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, million_digits_differ, std::string(1000000, '7'),
                  "\\boxed{" + std::string(999999, '7') + "8}")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, power_tower_100, "2", Tower(100))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, huge_power, "10", "\\boxed{10^{10^{10^{10}}}}")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, latex_1MB, "1", MegabyteLatex())->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, list_5000, "1,2", "\\boxed{" + [] {
  std::string l;
  for (int i = 0; i < 5000; ++i) l += std::to_string(i) + ",";
  return l + "0";
}() + "}")->Unit(benchmark::kMillisecond);

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}
BENCHMARK_CAPTURE(BM_Adversarial, unclosed_boxed_100k, "1", Repeat("\\boxed{", 100000))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, math_spans_joined_100k, "9", Repeat("$7$ and ", 100000) + "$9$.")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, escaped_dollars_1MB, "1", Repeat("\\$", 500000))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, unclosed_text_8k, "1", "\\boxed{" + Repeat("1\\text{", 8000) + "}")->Unit(benchmark::kMillisecond);
// Matrix arithmetic left in the answer (rules v5): 60 products of 20 x 20 matrices.
BENCHMARK_CAPTURE(BM_Adversarial, matrix_products_60x20x20, "\\begin{pmatrix}1\\end{pmatrix}",
                  "$" + Repeat("\\begin{pmatrix}" + [] {
                    std::string m;
                    for (int r = 0; r < 20; ++r) m += Repeat("1&", 19) + "1" + (r < 19 ? "\\\\" : "");
                    return m;
                  }() + "\\end{pmatrix}", 60) + "$")->Unit(benchmark::kMillisecond);
// Degrees inside trig arguments (rules v6): 100k unclosed "\\sin(" with degree marks.
BENCHMARK_CAPTURE(BM_Adversarial, trig_degrees_unclosed_100k, "1", "$" + Repeat("\\sin(30^\\circ", 100000) + "$")->Unit(benchmark::kMillisecond);
// Determinants (rules v9): vmatrix bars nested 20 deep in one entry; each level
// copies the entry into a second Leibniz term, so the budget ends it.
BENCHMARK_CAPTURE(BM_Adversarial, nested_vmatrix_20, "7", "$\\boxed{" + [] {
                    std::string d = "2";
                    for (int i = 0; i < 20; ++i)
                      d = "\\begin{vmatrix} " + d + " & 1 & 0 \\\\ 1 & 1 & 0 \\\\ 0 & 0 & 1 \\end{vmatrix}";
                    return d;
                  }() + "}$")->Unit(benchmark::kMillisecond);
// Budget audit (issue 17): walks that charged nothing. A relation chain of
// 8,000 links (its left side once walked per link), 250 tuples holding \infty
// in reverse order (uncharged structural keys per pair), sums of fractions of
// 40,000-bit numbers (GMP gcd superlinear in the charged limbs).
BENCHMARK_CAPTURE(BM_Adversarial, relation_chain_8000, "1 < " + Repeat("x < ", 8000) + "x",
                  "\\boxed{1 < " + Repeat("x < ", 8000) + "y}")->Unit(benchmark::kMillisecond);
std::string InfTuples(bool reversed) {
  std::string deep = "\\infty+y", s;
  for (int i = 0; i < 10; ++i) deep = "-(" + deep + ")";
  for (int j = 0; j < 250; ++j) s += (j ? ", (" : "(") + deep + ", " + std::to_string(reversed ? 249 - j : j) + ")";
  return s;
}
BENCHMARK_CAPTURE(BM_Adversarial, infinite_tuples_250, InfTuples(false), "\\boxed{" + InfTuples(true) + "}")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, huge_fractions_sum, "1",
                  "\\boxed{" + Repeat("\\frac{2^{40000}+1}{3^{25000}}+", 100) + "1}")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, binomials_100k, "1", "\\boxed{" + Repeat("\\binom{100000}{50000}+", 200) + "1}")
    ->Unit(benchmark::kMillisecond);
// hpt_code's own reader (rules v7): a 4 KB box of distinct fractions (no
// repetition, so the Math-Verify step runs), 3,900 open parentheses.
void BM_AdversarialHpt(benchmark::State& state, std::string gold, std::string completion) {
  uv::GradeOptions opts;
  opts.extract.policy = "hpt_code";
  for (auto _ : state) benchmark::DoNotOptimize(uv::Grade(gold, completion, opts));
}
BENCHMARK_CAPTURE(BM_AdversarialHpt, hpt_fractions_4k, "1", "\\boxed{" + [] {
  std::string s;
  for (int k = 1; s.size() < 3900; ++k) s += "\\frac{" + std::to_string(k) + "}{" + std::to_string(k + 7) + "}+";
  return s + "1}";
}())->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_AdversarialHpt, hpt_parens_3900, "1", "\\boxed{" + std::string(3900, '(') + "1}")->Unit(benchmark::kMillisecond);
// Labelled boxes (rules v7): 100k "$x_1 = \\boxed{1}$ and ".
BENCHMARK_CAPTURE(BM_Adversarial, labelled_boxes_100k, "1", Repeat("$x_1 = \\boxed{1}$ and ", 100000))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Adversarial, text_groups_8k, "1", "\\boxed{" + Repeat("1\\text{a}+", 6000) + "1}")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
