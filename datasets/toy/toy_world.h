// The toy world: a deterministic generator of verifiable arithmetic problems that
// a ~0.2 M-parameter character-level Qwen2 model can learn on 2 CPU cores, so the
// whole post-training study (pre-train, SFT, GRPO, LUFFY, HPT, pass@k) runs
// end to end in minutes (design: docs/design/toy_world.md).
//
// Texts (character level; `\boxed{` is one symbol):
//   arith    `Q: 75+2-3*4= A:`        -> `3*4=12 75+2=77 77-12=65 \boxed{65}`
//            tier t = t operations; first number 0..max_first, other operands
//            0..max_operand; tier 1 has no `*`; multiplications first, then left
//            to right; every intermediate value in [0, max_value].
//   equation `Q: 3*x+4=19 x= A:`      -> `19-4=15 15/3=5 \boxed{5}`   (tier = steps, 1..2)
//   paren    `Q: 40-(3+5)*2= A:`      -> `3+5=8 8*2=16 40-16=24 \boxed{24}` (OOD: grouping)
//   mc       `Q: 75+2-3*4= A) 63 B) 65 C) 70 D) 61 A:` -> `3*4=12 75+2=77 77-12=65 \boxed{B}` (OOD)
// A full training sequence is problem + " " + demonstration.
#pragma once

#include <string>
#include <vector>

#include "datasets/problem.h"

namespace upt::datasets::toy {

struct ToyWorldOptions {
  long long seed = 0;
  int benchmark_size = 64;     // problems per toy benchmark
  int train_size = 4096;       // prompts with clean teacher demonstrations
  int pretrain_size = 20000;   // pre-training corpus lines
  double slip_rate = 0.10;     // pre-training corpus: probability that a teacher step carries a slip
  int max_first = 99;          // first number of an expression: 0..max_first
  int max_operand = 9;         // other operands: 0..max_operand
  int max_value = 99;          // every intermediate value stays in [0, max_value]
  // Mixtures over the six in-distribution families toy_t1..toy_t6 (weights, normalised).
  std::vector<double> pretrain_mix = {0.45, 0.10, 0.30, 0.15, 0.0, 0.0};  // t5, t6 never seen
  std::vector<double> train_mix = {1, 1, 1, 1, 1, 1};
  template <class V>
  void ForEach(V&& v) {
    v("seed", seed, "world seed (benchmarks, training set and corpus all derive from it)");
    v("benchmark_size", benchmark_size, "problems per toy benchmark");
    v("train_size", train_size, "training prompts with teacher demonstrations");
    v("pretrain_size", pretrain_size, "pre-training corpus lines");
    v("slip_rate", slip_rate, "probability that a pre-training teacher step carries an arithmetic slip");
    v("max_first", max_first, "first number of an expression is 0..max_first");
    v("max_operand", max_operand, "other operands are 0..max_operand");
    v("max_value", max_value, "every intermediate value stays in [0, max_value]");
    v("pretrain_mix", pretrain_mix, "pre-training weights over toy_t1..toy_t6");
    v("train_mix", train_mix, "training-set weights over toy_t1..toy_t6");
  }
};

// One toy benchmark: which family and tiers it draws from.
struct ToyBenchmarkSpec {
  std::string name;         // toy_t1 .. toy_t6, toy_ood_paren, toy_ood_mc
  std::string family;       // arith | equation | paren | mc
  std::vector<int> tiers;   // drawn uniformly
  Kind kind = Kind::kMath;
  std::string description;
};
const std::vector<ToyBenchmarkSpec>& ToyBenchmarkSpecs();  // in-distribution six first, then the two OOD
const ToyBenchmarkSpec& ToyBenchmarkSpecByName(const std::string& name);  // throws listing names

// One teacher step `a op b=result`.
struct ToyStep {
  long long a = 0, b = 0, result = 0;
  char op = '+';
  bool slip = false;  // result deliberately wrong (noisy teacher)
  std::string Text() const;
};

// The teacher's worked solution of a toy problem text.
struct ToySolution {
  bool ok = false;     // false: the text is not a toy problem (error says why)
  std::string error;
  std::vector<ToyStep> steps;
  long long value = 0;        // final value of the expression / x
  std::string answer;         // gold answer: the value, or the letter for mc
  std::string demonstration;  // steps joined by ' ' then ` \boxed{answer}`
};

// Parses and solves any toy problem text (also texts read back from JSONL).
ToySolution TeacherSolution(const std::string& problem_text);
ToySolution TeacherSolution(const Problem& p);
std::string ToyAnswer(const std::string& problem_text);  // "" when not a toy problem

// Character-level symbols used by every toy text, `\boxed{` as one symbol; no
// special tokens (<pad>, <bos>, <eos> are the tokenizer's).
std::vector<std::string> ToyVocabularySymbols();
// Splits a toy text into symbols; throws upt::Error on a character outside the vocabulary.
std::vector<std::string> ToySymbolize(const std::string& text);

// The registered benchmark `name` for these options (meta: tier, family).
Benchmark MakeToyBenchmark(const std::string& name, const ToyWorldOptions& opts = {});

struct ToyTrainExample {
  Problem problem;            // meta: tier, family
  std::string demonstration;  // clean teacher solution
};
// Training prompts with clean demonstrations, disjoint (by expression) from every toy benchmark.
std::vector<ToyTrainExample> MakeToyTrainSet(const ToyWorldOptions& opts = {});

struct ToyCorpusLine {
  std::string text;  // problem + " " + demonstration (possibly with slips)
  int tier = 0;
  std::string family;
  int steps = 0, slips = 0;
};
// Pre-training corpus from pretrain_mix with the slip rate; disjoint from every toy benchmark.
std::vector<ToyCorpusLine> MakeToyPretrainCorpus(const ToyWorldOptions& opts = {});

// Writes DIR/{<benchmark>.jsonl..., train.jsonl, pretrain.txt, world.json}, each atomically.
void WriteToyWorld(const std::string& dir, const ToyWorldOptions& opts = {});

}  // namespace upt::datasets::toy

namespace upt::datasets {
// Also reachable as datasets::ToyVocabularySymbols (the tokenizer code uses this spelling).
using toy::ToyVocabularySymbols;
}  // namespace upt::datasets
