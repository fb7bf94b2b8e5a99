// `upt score`: verify completions of one benchmark and write verdicts.jsonl,
// problems.csv and results.json (schema in docs/eval.md). Exit 0 when every
// sample was usable, 1 when some were not (counted in results.json), 2 on error.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/lock.h"
#include "core/strings.h"
#include "datasets/registry.h"
#include "eval/grade.h"
#include "eval/samples.h"
#include "eval/score.h"
#include "verifiers/verify.h"

namespace upt::cli {
namespace {

struct ScoreCli {
  std::string dataset, dataset_file, out;
  std::vector<std::string> samples;
  verifiers::GradeOptions grading;  // the grading group shared with verify and train
  eval::ScoreOptions opts;
  template <class V>
  void ForEach(V&& v) {
    v("dataset", dataset, "registered benchmark name (see `upt data list`)");
    v("dataset_file", dataset_file, "your own benchmark file (canonical JSONL, CSV or Parquet)");
    v("samples", samples, "sample files (any supported format)", kOptRequired);
    v("out", out, "output directory (resumable)", kOptRequired);
    v("", grading.extract, "");
    v("", grading.verify, "");
    v("", opts, "");
  }
};

datasets::Benchmark LoadDataset(const ScoreCli& c) {
  if (c.dataset.empty() == c.dataset_file.empty())
    throw Error("pass exactly one of --dataset NAME and --dataset-file FILE", "upt score",
                "e.g. --dataset aime24, or --dataset-file my_problems.jsonl");
  if (!c.dataset_file.empty()) return datasets::LoadBenchmarkFile(c.dataset_file);
  auto names = datasets::ExpandBenchmarkNames(c.dataset);
  if (names.size() != 1)
    throw Error("--dataset names " + std::to_string(names.size()) + " benchmarks; a score directory holds one",
                "--dataset", "score each benchmark into its own --out directory");
  return datasets::LoadBenchmark(names[0]);
}

std::string Pct(double x) { return fmt::format("{:.1f}", 100 * x); }

void PrintSummary(const std::string& results_path) {
  Json r = Json::parse(ReadFile(results_path));
  const auto& b = r["benchmark"];
  std::printf("%s: %lld/%lld problems scored, %lld samples (n = %lld..%lld)\n", b["name"].get<std::string>().c_str(),
              b["problems_scored"].get<long long>(), b["problems"].get<long long>(), b["samples"].get<long long>(),
              b["n_min"].get<long long>(), b["n_max"].get<long long>());
  if (b.contains("subset"))
    std::printf("  subset          %lld of %lld problems (%s); %lld samples of other problems not scored\n",
                b["subset"]["problems"].get<long long>(), b["subset"]["of"].get<long long>(),
                b["subset"]["rule"].get<std::string>().c_str(), b["subset"]["samples_outside"].get<long long>());
  const auto& m = r["metrics"];
  if (!m.contains("pass_at_1")) return;
  auto iv = [&](const Json& j) {
    return Pct(j["value"].get<double>()) + " [" + Pct(j["ci_low"].get<double>()) + ", " +
           Pct(j["ci_high"].get<double>()) + "]";
  };
  std::printf("  pass@1 (avg@n)  %s\n", iv(m["pass_at_1"]).c_str());
  std::printf("  maj@n           %s\n", iv(m["maj_at_n"]).c_str());
  const auto& pk = m["pass_at_k"];
  const auto& bs = m["bootstrap_pass_at_k"];
  for (size_t i = 1; i < pk["k"].size(); ++i)
    std::printf("  pass@%-10lld %s [%s, %s]  bootstrap %s\n", pk["k"][i].get<long long>(),
                Pct(pk["value"][i].get<double>()).c_str(), Pct(pk["ci_low"][i].get<double>()).c_str(),
                Pct(pk["ci_high"][i].get<double>()).c_str(), Pct(bs["mean"][i].get<double>()).c_str());
  const auto& t = r["truncation"];
  if (t["finish_reason_known"].get<long long>() > 0)
    std::printf("  truncated       %lld of %lld (finish_reason = length)\n", t["truncated"].get<long long>(),
                t["finish_reason_known"].get<long long>());
  const auto& issues = r["ingestion"]["issues"];
  for (auto it = issues.begin(); it != issues.end(); ++it)
    std::printf("  issue %-16s %lld (first: %s)\n", it.key().c_str(), (*it)["count"].get<long long>(),
                (*it)["first"][0].get<std::string>().c_str());
}

// Checked before any grading, so a bad flag never costs a scoring run.
void ValidateScore(const ScoreCli& c) {
  const auto& o = c.opts;
  CheckBootstrapFlags(o.boot);
  if (o.batch < 1) throw Error("must be >= 1, got " + std::to_string(o.batch), "--batch", "e.g. 4096");
  if (o.threads < 0) throw Error("must be >= 0 (0 = all cores)", "--threads");
}

int RunScore(const ScoreCli& c) {
  ValidateScore(c);
  verifiers::CheckGradeOptions(c.grading);
  datasets::Benchmark bench = LoadDataset(c);
  OutputLock lock = OutputLock::ForDir(c.out);  // one writer per score folder
  const verifiers::GradeOptions& g = c.grading;
  auto grader = eval::MakeVerifierGrader(bench.kind, g);
  eval::ScoreReport rep = eval::Score(bench, c.samples, c.out, verifiers::PolicyName(g), grader, c.opts);
  PrintSummary(rep.results_path);
  std::printf("wrote %s/{verdicts.jsonl,problems.csv,results.json} (%lld verdicts, %lld graded now)\n", c.out.c_str(),
              rep.samples_total, rep.samples_graded);
  return rep.issues > 0 ? 1 : 0;
}

RunFn SetupScore(CLI::App& app) {
  auto c = std::make_shared<ScoreCli>();
  AddOptions(app, *c);
  app.get_option("--format")->description("sample format: auto | " + Join(eval::SampleFormats().Names(), " | "));
  return [c] { return RunScore(*c); };
}

}  // namespace

UPT_COMMAND(score, "Verify sample files against a benchmark: verdicts, per-problem counts, metrics with CIs",
            SetupScore);

}  // namespace upt::cli
