// Generating the toy world: benchmarks (fixed order, shared de-duplication),
// the training set and the noisy pre-training corpus, all from RngStream(seed, {name}).
#include "datasets/toy/toy_world.h"

#include <cstdio>
#include <unordered_set>

#include "core/error.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/options.h"
#include "core/rng.h"
#include "core/strings.h"
#include "core/version.h"
#include "datasets/load.h"
#include "datasets/toy/toy_solver.h"

namespace upt::datasets::toy {

const std::vector<ToyBenchmarkSpec>& ToyBenchmarkSpecs() {
  static const std::vector<ToyBenchmarkSpec> specs = {
      {"toy_t1", "arith", {1}, Kind::kMath, "one operation (+ or -)"},
      {"toy_t2", "equation", {1, 2}, Kind::kMath, "solve for x: x+a=b, a*x=b, a*x+b=c (one or two steps)"},
      {"toy_t3", "arith", {2}, Kind::kMath, "two operations (+, -, *)"},
      {"toy_t4", "arith", {3}, Kind::kMath, "three operations"},
      {"toy_t5", "arith", {4}, Kind::kMath, "four operations (never in the pre-training corpus)"},
      {"toy_t6", "arith", {5}, Kind::kMath, "five operations (never in the pre-training corpus)"},
      {"toy_ood_paren", "paren", {2, 3}, Kind::kMath, "OOD: expressions with a parenthesised group"},
      {"toy_ood_mc", "mc", {2, 3}, Kind::kMultipleChoice, "OOD: multiple choice A-D, answered with the letter"},
  };
  return specs;
}

const ToyBenchmarkSpec& ToyBenchmarkSpecByName(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& s : ToyBenchmarkSpecs()) {
    if (s.name == name) return s;
    names.push_back(s.name);
  }
  throw Error(UnknownNameMessage("toy benchmark", name, names), {}, "run `upt data list` for the names");
}

namespace {

using detail::ArithPrompt;
using detail::StepsInRange;

// A drawn problem: its prompt, and the expression key used for disjointness
// (an mc item's key is its arithmetic prompt without the choices).
struct Draw {
  std::string text, key;
  ToySolution solution;
};

std::string Expr(RngStream& rng, int ops, bool allow_mul, const ToyWorldOptions& o) {
  std::string e = std::to_string(rng.Below(o.max_first + 1));
  const char* opset = allow_mul ? "+-*" : "+-";
  for (int i = 0; i < ops; ++i) {
    e += opset[rng.Below(allow_mul ? 3 : 2)];
    e += std::to_string(rng.Below(o.max_operand + 1));
  }
  return e;
}

bool Valid(const ToySolution& s, const ToyWorldOptions& o) { return s.ok && StepsInRange(s, o.max_value); }

// One attempt; false when the draw breaks a constraint (the caller redraws).
bool TryArith(RngStream& rng, int tier, const ToyWorldOptions& o, Draw* d) {
  d->text = d->key = ArithPrompt(Expr(rng, tier, tier > 1, o));
  d->solution = TeacherSolution(d->text);
  return Valid(d->solution, o);
}

bool TryEquation(RngStream& rng, int tier, const ToyWorldOptions& o, Draw* d) {
  long long x = rng.Below(o.max_value + 1);
  long long a = rng.Below(o.max_operand + 1);
  std::string lhs;
  long long rhs = 0;
  if (tier == 1) {
    switch (rng.Below(4)) {
      case 0: lhs = "x+" + std::to_string(a), rhs = x + a; break;
      case 1: lhs = "x-" + std::to_string(a), rhs = x - a; break;
      case 2: lhs = std::to_string(a) + "+x", rhs = a + x; break;
      default: lhs = std::to_string(a) + "*x", rhs = a * x; break;
    }
  } else {
    long long b = rng.Below(o.max_operand + 1);
    bool plus = rng.Below(2) == 0;
    lhs = std::to_string(a) + "*x" + (plus ? "+" : "-") + std::to_string(b);
    rhs = a * x + (plus ? b : -b);
  }
  if (a < 2 && lhs.find('*') != std::string::npos) return false;  // 0*x, 1*x: degenerate
  d->text = d->key = "Q: " + lhs + "=" + std::to_string(rhs) + " x= A:";
  d->solution = TeacherSolution(d->text);
  return rhs >= 0 && rhs <= o.max_value && a * x <= o.max_value && Valid(d->solution, o);
}

bool TryParen(RngStream& rng, int tier, const ToyWorldOptions& o, Draw* d) {
  std::string e = Expr(rng, tier, true, o);
  // Operand boundaries: numbers are maximal digit runs.
  std::vector<size_t> starts, ends;
  for (size_t i = 0; i < e.size(); ++i) {
    bool digit = e[i] >= '0' && e[i] <= '9';
    if (digit && (i == 0 || !(e[i - 1] >= '0' && e[i - 1] <= '9'))) starts.push_back(i);
    if (digit && (i + 1 == e.size() || !(e[i + 1] >= '0' && e[i + 1] <= '9'))) ends.push_back(i + 1);
  }
  size_t n = starts.size();
  size_t i = rng.Below(n - 1), j = i + 1 + rng.Below(n - 1 - i);
  if (i == 0 && j == n - 1) return false;  // the whole expression
  std::string with = e.substr(0, starts[i]) + "(" + e.substr(starts[i], ends[j] - starts[i]) + ")" + e.substr(ends[j]);
  d->text = d->key = ArithPrompt(with);
  d->solution = TeacherSolution(d->text);
  ToySolution plain = TeacherSolution(ArithPrompt(e));
  return Valid(d->solution, o) && plain.ok && plain.value != d->solution.value;  // the group must matter
}

bool TryMc(RngStream& rng, int tier, const ToyWorldOptions& o, Draw* d) {
  Draw base;
  if (!TryArith(rng, tier, o, &base)) return false;
  long long v = base.solution.value;
  std::vector<long long> values = {v};
  while (values.size() < 4) {
    long long delta = 1 + rng.Below(10);
    long long c = rng.Below(2) ? v + delta : v - delta;
    if (c < 0 || c > o.max_value) continue;
    bool dup = false;
    for (long long u : values) dup |= u == c;
    if (!dup) values.push_back(c);
  }
  std::swap(values[0], values[rng.Below(4)]);
  std::string text = base.text.substr(0, base.text.size() - 2);  // drop "A:"
  for (size_t k = 0; k < values.size(); ++k) text += ChoiceLetter(k) + ") " + std::to_string(values[k]) + " ";
  d->text = text + "A:";
  d->key = base.key;
  d->solution = TeacherSolution(d->text);
  return d->solution.ok;
}

Draw DrawProblem(RngStream& rng, const std::string& family, int tier, const ToyWorldOptions& o) {
  Draw d;
  for (int attempt = 0; attempt < 100000; ++attempt) {
    bool ok = family == "arith"      ? TryArith(rng, tier, o, &d)
              : family == "equation" ? TryEquation(rng, tier, o, &d)
              : family == "paren"    ? TryParen(rng, tier, o, &d)
                                     : TryMc(rng, tier, o, &d);
    if (ok) return d;
  }
  throw Error("cannot draw a valid " + family + " problem of tier " + std::to_string(tier), "toy world",
              "the value limits are too tight; raise max_value or lower max_operand");
}

void CheckOptions(const ToyWorldOptions& o) {
  if (o.max_first < 1 || o.max_operand < 2 || o.max_value < 10 || o.max_value < o.max_first || o.benchmark_size < 1 ||
      o.train_size < 0 || o.pretrain_size < 0 || o.slip_rate < 0 || o.slip_rate > 1)
    throw Error("invalid toy world limits", "toy world options",
                "need max_first >= 1, max_operand >= 2, max_value >= max(10, max_first), benchmark_size >= 1, "
                "train_size, pretrain_size >= 0, slip_rate in [0, 1]");
  auto check_mix = [](const std::vector<double>& m, const char* name) {
    double sum = 0;
    for (double w : m) sum += w < 0 ? -1e9 : w;
    if (m.size() != 6 || !(sum > 0))
      throw Error(std::string(name) + " needs 6 non-negative weights with a positive sum", "toy world options",
                  "one weight per toy_t1..toy_t6");
  };
  check_mix(o.pretrain_mix, "pretrain_mix");
  check_mix(o.train_mix, "train_mix");
}

Problem ToProblem(const std::string& id, const Draw& d, int tier, const std::string& family) {
  Problem p;
  p.id = id;
  p.problem = d.text;
  p.answer = d.solution.answer;
  if (family == "mc") {
    auto open = d.text.find("A) ");
    auto parts = Split(d.text.substr(open, d.text.size() - open - 3), ' ');
    for (size_t k = 1; k < parts.size(); k += 2) p.choices.push_back(parts[k]);
  }
  p.meta = Json{{"tier", tier}, {"family", family}};
  return p;
}

std::string Padded(long long i, int width) {
  std::string s = std::to_string(i);
  return std::string(s.size() < static_cast<size_t>(width) ? width - s.size() : 0, '0') + s;
}

// All benchmarks in spec order; `keys` collects every expression key.
std::vector<Benchmark> MakeAllBenchmarks(const ToyWorldOptions& o, std::unordered_set<std::string>* keys) {
  CheckOptions(o);
  std::vector<Benchmark> out;
  for (const auto& spec : ToyBenchmarkSpecs()) {
    RngStream rng(o.seed, {StreamId(spec.name)});
    Benchmark b;
    b.name = spec.name;
    b.kind = spec.kind;
    b.source = "toy world (seed " + std::to_string(o.seed) + ")";
    for (int i = 0; i < o.benchmark_size; ++i) {
      int tier = spec.tiers[i % spec.tiers.size()];
      Draw d = DrawProblem(rng, spec.family, tier, o);
      for (int retry = 0; !keys->insert(d.key).second; ++retry) {
        if (retry > 10000)
          throw Error("cannot draw " + std::to_string(o.benchmark_size) + " distinct problems for " + spec.name,
                      "toy world options", "lower benchmark_size or widen max_first / max_operand");
        d = DrawProblem(rng, spec.family, tier, o);
      }
      b.problems.push_back(ToProblem(spec.name + "-" + Padded(i, 3), d, tier, spec.family));
    }
    b.defaults.samples_per_problem = 256;
    b.defaults.sampling.max_new_tokens = 64;
    b.sha256 = Sha256Hex(BenchmarkToJsonl(b));
    out.push_back(std::move(b));
  }
  return out;
}

size_t PickWeighted(RngStream& rng, const std::vector<double>& w) {
  double total = 0;
  for (double x : w) total += x;
  double u = rng.Uniform() * total;
  for (size_t i = 0; i < w.size(); ++i) {
    if (u < w[i]) return i;
    u -= w[i];
  }
  for (size_t i = w.size(); i-- > 0;)
    if (w[i] > 0) return i;
  return 0;
}

// A problem of one of the six in-distribution families, not in `exclude`.
Draw DrawInDistribution(RngStream& rng, const std::vector<double>& mix, const ToyWorldOptions& o,
                        const std::unordered_set<std::string>& exclude, int* tier, std::string* family) {
  const auto& spec = ToyBenchmarkSpecs()[PickWeighted(rng, mix)];
  *tier = spec.tiers[rng.Below(spec.tiers.size())];
  *family = spec.family;
  Draw d = DrawProblem(rng, spec.family, *tier, o);
  for (int retry = 0; exclude.count(d.key); ++retry) {
    if (retry > 10000)
      throw Error("every " + spec.family + " problem drawn is a benchmark problem", "toy world options",
                  "lower benchmark_size or widen max_first / max_operand");
    d = DrawProblem(rng, spec.family, *tier, o);
  }
  return d;
}

// Redraws the slipped steps' deltas until the chain stays valid; clean when it never does.
ToySolution WithSlips(RngStream& rng, const std::string& text, const ToySolution& clean, const ToyWorldOptions& o) {
  std::vector<bool> mask(clean.steps.size());
  bool any = false;
  for (size_t k = 0; k < mask.size(); ++k) any |= (mask[k] = rng.Uniform() < o.slip_rate);
  if (!any) return clean;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::vector<long long> delta(mask.size());
    for (auto& dlt : delta) dlt = (1 + static_cast<long long>(rng.Below(3))) * (rng.Below(2) ? 1 : -1);
    detail::SlipFn fn = [&](const ToyStep& s, size_t k) { return k < mask.size() && mask[k] ? s.result + delta[k] : s.result; };
    ToySolution noisy = detail::Solve(text, &fn);
    if (Valid(noisy, o)) return noisy;
  }
  return clean;
}

}  // namespace

Benchmark MakeToyBenchmark(const std::string& name, const ToyWorldOptions& opts) {
  ToyBenchmarkSpecByName(name);
  std::unordered_set<std::string> keys;
  for (auto& b : MakeAllBenchmarks(opts, &keys))
    if (b.name == name) return std::move(b);
  UPT_CHECK(false, "toy spec without a benchmark");
}

std::vector<ToyTrainExample> MakeToyTrainSet(const ToyWorldOptions& opts) {
  std::unordered_set<std::string> keys;
  MakeAllBenchmarks(opts, &keys);
  RngStream rng(opts.seed, {StreamId("train")});
  std::unordered_set<std::string> seen;
  std::vector<ToyTrainExample> out;
  for (int i = 0; i < opts.train_size; ++i) {
    int tier = 0;
    std::string family;
    Draw d = DrawInDistribution(rng, opts.train_mix, opts, keys, &tier, &family);
    // Prefer unseen prompts; small families may run out, then repeats are allowed.
    for (int retry = 0; retry < 50 && seen.count(d.key); ++retry)
      d = DrawInDistribution(rng, opts.train_mix, opts, keys, &tier, &family);
    seen.insert(d.key);
    out.push_back({ToProblem("toy_train-" + Padded(i, 5), d, tier, family), d.solution.demonstration});
  }
  return out;
}

std::vector<ToyCorpusLine> MakeToyPretrainCorpus(const ToyWorldOptions& opts) {
  std::unordered_set<std::string> keys;
  MakeAllBenchmarks(opts, &keys);
  RngStream rng(opts.seed, {StreamId("pretrain")});
  std::vector<ToyCorpusLine> out;
  out.reserve(opts.pretrain_size);
  for (int i = 0; i < opts.pretrain_size; ++i) {
    ToyCorpusLine line;
    Draw d = DrawInDistribution(rng, opts.pretrain_mix, opts, keys, &line.tier, &line.family);
    ToySolution s = WithSlips(rng, d.text, d.solution, opts);
    line.text = d.text + " " + s.demonstration;
    line.steps = static_cast<int>(s.steps.size());
    for (const auto& st : s.steps) line.slips += st.slip;
    out.push_back(std::move(line));
  }
  return out;
}

void WriteToyWorld(const std::string& dir, const ToyWorldOptions& opts) {
  MakeDirs(dir);
  std::unordered_set<std::string> keys;
  OrderedJson files = OrderedJson::object();
  for (const auto& b : MakeAllBenchmarks(opts, &keys)) {
    std::string bytes = BenchmarkToJsonl(b);
    WriteFileAtomic(dir + "/" + b.name + ".jsonl", bytes);
    files[b.name + ".jsonl"] = {{"rows", b.problems.size()}, {"kind", KindName(b.kind)}, {"sha256", b.sha256}};
  }
  std::string train;
  for (const auto& ex : MakeToyTrainSet(opts)) {
    OrderedJson j = OrderedJson::parse(ProblemToJsonLine(ex.problem));
    j["demonstration"] = ex.demonstration;
    train += DumpLine(j) + "\n";
  }
  WriteFileAtomic(dir + "/train.jsonl", train);
  files["train.jsonl"] = {{"rows", opts.train_size}, {"sha256", Sha256Hex(train)}};
  std::string corpus;
  long long steps = 0, slips = 0;
  for (const auto& line : MakeToyPretrainCorpus(opts)) {
    corpus += line.text + "\n";
    steps += line.steps;
    slips += line.slips;
  }
  WriteFileAtomic(dir + "/pretrain.txt", corpus);
  files["pretrain.txt"] = {{"lines", opts.pretrain_size}, {"steps", steps}, {"slipped_steps", slips},
                           {"sha256", Sha256Hex(corpus)}};
  OrderedJson world = OrderedJson::object();
  world["generator"] = std::string("upt ") + VersionString();
  world["options"] = OptionsToJson(opts);
  world["vocabulary"] = ToyVocabularySymbols();
  world["files"] = files;
  WriteFileAtomic(dir + "/world.json", DumpPretty(world));
}

}  // namespace upt::datasets::toy
