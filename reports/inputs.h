// What `upt report` reads from a run directory, and the readers.
//
// Run directory layout (every part optional; see docs/reports.md):
//   RUN/run.json                      {"label": "HPT"}  (display name; else the folder name)
//   RUN/scores/<benchmark>/           one `upt score` output directory per benchmark:
//        results.json  problems.csv  verdicts.jsonl
//   RUN/metrics.jsonl | RUN/metrics.csv             per-step trainer logs
//   RUN/validation.jsonl                           in-training validation (upt train)
//   RUN/rollout_accuracy.jsonl                     per-step, per-question rollout counts
// Score directories may also sit directly under RUN (RUN/<benchmark>/results.json),
// and RUN may itself be a single score directory. Training logs are also looked for
// under RUN/train/ and RUN/logs/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "eval/passk.h"

namespace upt::reports {

// Provenance of one benchmark's numbers, as far as results.json records it.
struct ScoreProvenance {
  std::string dataset_name, dataset_sha256, verifier, git_revision, sampling, seed, model;
  long long n_min = 0, n_max = 0;  // samples per problem (from the counts)
};

struct BenchmarkScore {
  std::string benchmark;               // canonical key (reports/benchmarks.h)
  std::string dir;                     // the score directory
  std::vector<eval::Counts> problems;  // from problems.csv; empty when absent
  Json results;                        // results.json, or null
  ScoreProvenance provenance;
  // pass@1 (fraction) from results.json, used only when problems.csv is absent; NaN if none.
  double declared_pass1 = 0;
  bool has_declared_pass1 = false;
  // Coverage: problems with samples, of the benchmark's problems (-1 = unknown);
  // a declared subset (`upt score --limit/--problems`) names its rule.
  long long problems_scored = -1, problems_total = -1;
  std::string subset_rule;
  bool Partial() const { return problems_scored >= 0 && problems_total > 0 && problems_scored < problems_total; }
};

// A training-log series: (step, value) in file order.
struct Series {
  std::vector<double> step, value;
};

struct TrainLog {
  std::string path;                       // "" when no log was found
  std::map<std::string, Series> metrics;  // key -> series (numeric values only)
};

struct RolloutRecord {
  long long step = 0, epoch = 0;
  std::string question;
  long long c = 0, n = 0;
};

struct RunData {
  std::string label;
  std::string dir;
  std::vector<BenchmarkScore> scores;
  TrainLog train;
  std::string rollout_path;  // "" when absent
  std::vector<RolloutRecord> rollouts;
};

// Reads one score directory (results.json and/or problems.csv, the latter via
// eval::ReadCountsCsv; rows with n = 0 are skipped). `benchmark_hint`
// is used when results.json names no dataset. Throws when neither file exists.
BenchmarkScore ReadScoreDir(const std::string& dir, const std::string& benchmark_hint);

// Reads metrics.jsonl (one object per step; "step" or "global_step" key) or
// metrics.csv (header with a step column). Non-numeric values are skipped.
TrainLog ReadTrainLog(const std::string& path);

// Adds validation.jsonl lines ({"step", "benchmark", "avg_at_n", "n"}, as `upt
// train` writes them) to `log` as series "val-core/<benchmark>/acc/mean@<n>".
void ReadValidationLog(const std::string& path, TrainLog* log);

// Reads rollout_accuracy.jsonl: {"step", "epoch", "id"|"question"|"question_id"|"uid", "c", "n"}.
std::vector<RolloutRecord> ReadRolloutAccuracy(const std::string& path);

// Discovers and reads everything in a run directory. Throws when `dir` does not exist.
RunData LoadRun(const std::string& dir, const std::string& label);

// "label=DIR" -> (label, DIR); plain "DIR" -> ("", DIR).
std::pair<std::string, std::string> SplitRunArg(const std::string& arg);

}  // namespace upt::reports
