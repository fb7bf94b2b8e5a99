// problems.csv and results.json from complete verdicts (schema: docs/eval.md).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/fs.h"
#include "eval/binomial.h"
#include "eval/ingest.h"
#include "eval/passk.h"
#include "verifiers/verify.h"
#include "eval/score.h"

namespace upt::eval {

namespace {

// Answer class of each sample (-1 = nothing extracted) and, per class, its
// verdict. Samples judged correct are one class (each is equivalent to the
// gold); the others are grouped by verifiers::CanonicalKey, so "0.5" and
// "\frac12" vote together.
struct Votes {
  std::vector<int> id;
  std::vector<char> correct;
};

Votes CollectVotes(const ProblemVerdicts& vs) {
  Votes v;
  std::unordered_map<std::string, int> ids;
  v.id.reserve(vs.size());
  for (const auto& s : vs) {
    if (!s.has_extracted) {
      v.id.push_back(-1);
      continue;
    }
    std::string key = s.correct ? std::string("\x01correct") : verifiers::CanonicalKey(s.extracted);
    auto [it, inserted] = ids.emplace(std::move(key), static_cast<int>(v.correct.size()));
    if (inserted) v.correct.push_back(s.correct);
    v.id.push_back(it->second);
  }
  return v;
}

// Majority vote over samples [b, e): true when the winning answer is correct.
// Ties go to the answer seen first in the range; no answer at all is wrong.
bool MajorityInRange(const Votes& v, size_t b, size_t e) {
  std::unordered_map<int, std::pair<long long, size_t>> tally;  // id -> (votes, first position)
  for (size_t i = b; i < e; ++i)
    if (v.id[i] >= 0) ++tally.emplace(v.id[i], std::make_pair(0LL, i)).first->second.first;
  long long best = 0;
  size_t best_pos = 0;
  for (const auto& [id, cp] : tally)
    if (cp.first > best || (cp.first == best && cp.second < best_pos)) best = cp.first, best_pos = cp.second;
  return best > 0 && v.correct[v.id[best_pos]];
}

// maj@k: mean over the floor(n/k) disjoint blocks of k consecutive samples (by sample_index).
double MajAtK(const Votes& v, long long k) {
  const size_t blocks = v.id.size() / static_cast<size_t>(k);
  long long hits = 0;
  for (size_t j = 0; j < blocks; ++j) hits += MajorityInRange(v, j * k, (j + 1) * k);
  return static_cast<double>(hits) / static_cast<double>(blocks);
}

OrderedJson Stats(std::vector<double> v) {
  OrderedJson j = OrderedJson::object();
  j["known"] = static_cast<long long>(v.size());
  if (v.empty()) {
    j["mean"] = nullptr;
    j["median"] = nullptr;
    j["p90"] = nullptr;
    j["max"] = nullptr;
    return j;
  }
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  j["mean"] = sum / static_cast<double>(v.size());
  j["median"] = Percentile(v, 0.5);
  j["p90"] = Percentile(v, 0.9);
  j["max"] = v.back();
  return j;
}

OrderedJson IntervalJson(const Interval& iv) {
  return OrderedJson{{"value", iv.mean}, {"ci_low", iv.low}, {"ci_high", iv.high}};
}

std::string Num(double x) { return fmt::format("{:.6g}", x); }

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Per-problem tallies of a benchmark's verdicts, and the problems.csv they give.
struct ScoredProblems {
  std::vector<Counts> counts;  // problems with samples only
  std::vector<double> pass1, maj;
  std::vector<Votes> votes;
  std::vector<double> tokens, chars;
  double trunc_correct[2] = {0, 0}, trunc_total[2] = {0, 0};  // [truncated?]
  long long samples = 0, correct = 0, truncated = 0, finish_known = 0, n_min = 0, n_max = 0;
  std::string csv = "id,n,correct,pass_at_1,ci_low,ci_high,truncated,mean_tokens,mean_chars,maj_correct\n";
};

// Adds problem `id`'s verdicts to `s`: its problems.csv line, counts, votes and lengths.
void ScoreProblem(const std::string& id, const ProblemVerdicts& vs, double level, ScoredProblems* s) {
  const long long n = static_cast<long long>(vs.size());
  long long c = 0, tr = 0, tok_known = 0;
  double tok_sum = 0, char_sum = 0;
  for (const auto& v : vs) {
    c += v.correct;
    bool is_trunc = v.finish_reason == "length";
    tr += is_trunc;
    if (!v.finish_reason.empty()) {
      ++s->finish_known;
      s->trunc_correct[is_trunc] += v.correct;
      s->trunc_total[is_trunc] += 1;
    }
    if (v.num_tokens >= 0) {
      ++tok_known;
      tok_sum += static_cast<double>(v.num_tokens);
      s->tokens.push_back(static_cast<double>(v.num_tokens));
    }
    char_sum += static_cast<double>(v.chars);
    s->chars.push_back(static_cast<double>(v.chars));
  }
  s->csv += CsvField(id) + "," + std::to_string(n) + "," + std::to_string(c) + ",";
  if (n == 0) {
    s->csv += ",,,0,,,\n";
    return;
  }
  Proportion w = WilsonInterval(c, n, level);
  Votes votes = CollectVotes(vs);
  const bool m = MajorityInRange(votes, 0, vs.size());
  s->csv += Num(w.estimate) + "," + Num(w.low) + "," + Num(w.high) + "," + std::to_string(tr) + "," +
            (tok_known == n ? Num(tok_sum / static_cast<double>(n)) : std::string()) + "," +
            Num(char_sum / static_cast<double>(n)) + "," + std::to_string(m ? 1 : 0) + "\n";
  s->counts.push_back({id, n, c});
  s->pass1.push_back(w.estimate);
  s->maj.push_back(m ? 1.0 : 0.0);
  s->votes.push_back(std::move(votes));
  s->samples += n;
  s->correct += c;
  s->truncated += tr;
  s->n_min = s->counts.size() == 1 ? n : std::min(s->n_min, n);
  s->n_max = std::max(s->n_max, n);
}

// {"k": ks, "value": [...], "ci_low": [...], "ci_high": [...]} from cis[first .. first + |ks|).
OrderedJson PerKJson(const std::vector<long long>& ks, const std::vector<Interval>& cis, size_t first) {
  OrderedJson j = OrderedJson::object();
  j["k"] = ks;
  for (const char* f : {"value", "ci_low", "ci_high"}) j[f] = OrderedJson::array();
  for (size_t i = 0; i < ks.size(); ++i) {
    const Interval& iv = cis[first + i];
    j["value"].push_back(iv.mean);
    j["ci_low"].push_back(iv.low);
    j["ci_high"].push_back(iv.high);
  }
  return j;
}

OrderedJson BootstrapPassAtKJson(const ScoredProblems& s, const std::vector<long long>& ks, const BootstrapOptions& bo) {
  auto boot = BootstrapPassAtK(s.counts, ks, bo);
  OrderedJson bj = OrderedJson::object();
  bj["B"] = bo.replicates;
  bj["seed"] = bo.seed;
  bj["k"] = ks;
  for (const char* f : {"mean", "ci_low", "ci_high"}) bj[f] = OrderedJson::array();
  for (const auto& iv : boot) {
    bj["mean"].push_back(iv.mean);
    bj["ci_low"].push_back(iv.low);
    bj["ci_high"].push_back(iv.high);
  }
  return bj;
}

// results.json "metrics": Pass@1, maj@n, Pass@k and maj@k at powers of two up to
// the smallest n, with percentile-bootstrap intervals over problems; {} when nothing was scored.
OrderedJson MetricsJson(const ScoredProblems& s, const ScoreOptions& opts) {
  OrderedJson metrics = OrderedJson::object();
  if (s.counts.empty()) return metrics;
  const BootstrapOptions& bo = opts.boot;
  std::vector<long long> ks = PowersOfTwoUpTo(s.n_min);
  std::vector<std::vector<double>> per_metric{s.pass1, s.maj};
  for (long long k : ks) {
    std::vector<double> v;
    for (const auto& cn : s.counts) v.push_back(PassAtK(cn.n, cn.c, k));
    per_metric.push_back(std::move(v));
  }
  for (long long k : ks) {
    std::vector<double> v;
    for (const auto& votes : s.votes) v.push_back(MajAtK(votes, k));
    per_metric.push_back(std::move(v));
  }
  auto cis = BootstrapMeanCIs(per_metric, bo);
  metrics["pass_at_1"] = IntervalJson(cis[0]);
  metrics["sample_accuracy"] = static_cast<double>(s.correct) / static_cast<double>(s.samples);
  metrics["maj_at_n"] = IntervalJson(cis[1]);
  metrics["pass_at_k"] = PerKJson(ks, cis, 2);
  metrics["maj_at_k"] = PerKJson(ks, cis, 2 + ks.size());
  metrics["bootstrap_pass_at_k"] = BootstrapPassAtKJson(s, ks, bo);
  return metrics;
}

OrderedJson TruncationJson(const ScoredProblems& s) {
  OrderedJson t = OrderedJson::object();
  t["finish_reason_known"] = s.finish_known;
  t["truncated"] = s.truncated;
  t["fraction"] = s.finish_known ? OrderedJson(static_cast<double>(s.truncated) / static_cast<double>(s.finish_known))
                                 : OrderedJson(nullptr);
  auto acc = [&](int i) {
    return s.trunc_total[i] > 0 ? OrderedJson(s.trunc_correct[i] / s.trunc_total[i]) : OrderedJson(nullptr);
  };
  t["accuracy_truncated"] = acc(1);
  t["accuracy_not_truncated"] = acc(0);
  return t;
}

OrderedJson BenchmarkJson(const datasets::Benchmark& bench, const ScoredProblems& s, const OrderedJson& provenance) {
  OrderedJson b = OrderedJson::object();
  b["name"] = bench.name;
  b["kind"] = datasets::KindName(bench.kind);
  b["problems"] = static_cast<long long>(bench.problems.size());
  b["problems_scored"] = static_cast<long long>(s.counts.size());
  if (provenance.contains("subset")) b["subset"] = provenance["subset"];  // n of N problems, and the rule
  b["samples"] = s.samples;
  b["n_min"] = s.n_min;
  b["n_max"] = s.n_max;
  return b;
}

}  // namespace

void WriteScoreOutputs(const datasets::Benchmark& bench, const std::vector<ProblemVerdicts>& verdicts,
                       const OrderedJson& ingestion, const OrderedJson& provenance, const ScoreOptions& opts,
                       const std::string& out_dir) {
  ScoredProblems s;
  for (size_t p = 0; p < bench.problems.size(); ++p) ScoreProblem(bench.problems[p].id, verdicts[p], opts.boot.level, &s);
  WriteFileAtomic((std::filesystem::path(out_dir) / "problems.csv").string(), s.csv);

  OrderedJson r = OrderedJson::object();
  r["schema"] = "upt.score.results/1";
  r["benchmark"] = BenchmarkJson(bench, s, provenance);
  r["metrics"] = MetricsJson(s, opts);
  r["ci"] = OrderedJson{{"method", "percentile bootstrap over problems"},
                        {"B", opts.boot.replicates},
                        {"seed", opts.boot.seed},
                        {"level", opts.boot.level},
                        {"per_problem", "wilson"}};
  r["truncation"] = TruncationJson(s);
  r["length"] = OrderedJson{{"tokens", Stats(std::move(s.tokens))}, {"chars", Stats(std::move(s.chars))}};
  r["ingestion"] = ingestion;
  r["provenance"] = provenance;
  WriteFileAtomic((std::filesystem::path(out_dir) / "results.json").string(), DumpPretty(r));
}

}  // namespace upt::eval
