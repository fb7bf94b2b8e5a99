// A pipeline is a table of stages (name, inputs, output folder, options, run).
// Each stage writes into OUT/<output>.partial/ and, when done, writes
// stage.json there and renames the folder to OUT/<output>: a folder without
// `.partial` is complete. stage.json = {"stage", "hash", "options", "inputs":
// {name: hash}, "seconds", "date"}; hash = SHA-256 of the stage's options JSON
// and its inputs' hashes, so a stage is skipped exactly when its output exists
// with the hash it would have now, and anything upstream that changed makes
// every stage after it run again. A killed stage leaves its .partial folder;
// stages whose work is itself resumable (generation, scoring, training) reuse
// it when its pending hash matches.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/json.h"

namespace upt::pipeline {

struct StageContext {
  std::string dir;           // the stage's working folder (OUT/<output>.partial)
  std::string out_root;      // OUT
  int threads = 1;           // torch/worker threads this stage may use
  bool resumed = false;      // dir held a killed attempt with the same hash
};

struct Stage {
  std::string name;                 // e.g. train_hpt
  std::vector<std::string> inputs;  // names of stages this one reads
  std::string output;               // folder relative to OUT
  OrderedJson options;              // everything that determines the output
  std::string cost;                 // one-line size/cost estimate for the plan
  double est_seconds = 0;           // estimated wall time on one core
  std::function<void(const StageContext&)> run;
};

enum class StageStatus { kPending, kSkipped, kDone, kFailed };

struct StageResult {
  std::string name;
  StageStatus status = StageStatus::kPending;
  double seconds = 0;
  std::string hash;
  std::string error;
};

struct RunnerOptions {
  std::string out;     // OUT
  int jobs = 2;           // stages run at once
  // Torch/worker threads per stage. 1: on 2 cores the toy model's small
  // matrices gain nothing from intra-op threads, and under load 2 threads per
  // process ran 4x slower than 1 (benchmarks/results/reproduce.md).
  int stage_threads = 1;
  bool dry_run = false;
};

// Checks names are unique and inputs precede their users; throws upt::Error.
void CheckStageTable(const std::vector<Stage>& stages);

// Stage hashes in table order (options + input hashes).
std::vector<std::string> StageHashes(const std::vector<Stage>& stages);

// True when OUT/<output>/stage.json exists with `hash`.
bool StageUpToDate(const std::string& out, const Stage& s, const std::string& hash);

// Runs the table: skips up-to-date stages whose inputs were not rebuilt in
// this invocation, runs the rest as their inputs
// finish (up to `jobs` at once), prints one line per stage start/end. Stops
// scheduling after the first failure and rethrows it once running stages end.
std::vector<StageResult> RunStages(const std::vector<Stage>& stages, const RunnerOptions& opts);

}  // namespace upt::pipeline
