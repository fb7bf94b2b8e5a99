// `upt reproduce`: the paper's study as one resumable pipeline.
//
// Stage table for the toy presets (pipeline/stages.h; OUT = --out):
//   world            OUT/world/            the toy world's files (benchmarks, train.jsonl, pretrain.txt)
//   base             OUT/runs/base/model/  toy base pre-trained from scratch (HF dir)
//   train_<m>        OUT/runs/<m>/train/   upt train from the base, one per method (checkpoints, logs)
//   generate_<r>     OUT/runs/<r>/samples/ <bench>.jsonl (+ .meta.json), r = base and every method
//   score_<r>        OUT/runs/<r>/scores/  <bench>/{verdicts.jsonl,problems.csv,results.json}
//   report           OUT/report/           index.{md,html}, tables/, figures/ (reports/report.h)
// With K = --seeds > 1 replicates, every stage but world and report exists once
// per replicate r, named <stage>_s<r> (train_hpt_s2, generate_s2/hpt) and
// writing under OUT/runs/s<r>/; replicate r uses seed + r. The report pools
// them (labels METHOD/s<r>): Pass@1 over seeds, paired comparisons, claims.
// Paper presets build the same table over the paper's configs and checkpoints
// and can only be planned here.
#pragma once

#include <string>
#include <vector>

#include "core/options.h"
#include "pipeline/presets.h"
#include "pipeline/stages.h"

namespace upt::pipeline {

struct ReproduceOptions {
  std::string preset = "toy";
  std::string out;            // default: runs/reproduce/<preset>
  bool resume = false;        // continue an existing OUT (skip up-to-date stages)
  bool dry_run = false;       // print the plan only
  int threads = 0;            // 0 = all cores
  std::string device = "cpu";
  long long seed = -1;        // training, sampling and bootstrap seed; -1 = the preset's (0)
  int seeds = 0;              // replicates K; 0 = the preset's (toy 1, toy-full 5)
  template <class V>
  void ForEach(V&& v) {
    v("preset", preset, "study preset (upt reproduce --list-presets)");
    v("out", out, "output folder (default runs/reproduce/<preset>)", kOptNoDefault);
    v("resume", resume, "continue an existing output folder; up-to-date stages are skipped");
    v("dry_run", dry_run, "print the plan (stages, sizes, estimated cost) and check configs");
    v("threads", threads, "threads: stages run side by side, one thread each; 0 = all cores");
    v("device", device, "cpu | cuda (paper presets)");
    v("seed", seed, "seed for base init, training, sampling, bootstrap (-1 = preset's); "
      "compare seeds before reading an ordering into the table");
    v("seeds", seeds, "replicates K (replicate r uses seed + r; report pooled over seeds); "
      "0 = the preset's (toy 1, toy-full 5)");
  }
};

// The embedded trainer config `toy/<m>.yaml` or `paper/<prefix>_<m>.yaml` (configs/).
std::string EmbeddedConfig(const std::string& name);

// The stage table of a preset writing under `out`.
std::vector<Stage> BuildStages(const ReproducePreset& p, const std::string& out, const std::string& device);

// Human-readable plan: preset sizes, then one line per stage with its cost.
std::string FormatPlan(const ReproducePreset& p, const std::vector<Stage>& stages, const std::string& out,
                       int threads);

struct ReproduceResult {
  std::vector<StageResult> stages;
  std::string report_md, report_html;
  double seconds = 0;
};

// Prints the plan, runs (or, with dry_run, validates) the study; returns the
// exit code. Throws upt::Error for a paper preset without --dry-run.
int RunReproduce(const ReproduceOptions& opts, ReproduceResult* result = nullptr);

}  // namespace upt::pipeline
