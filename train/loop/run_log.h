// Per-step training logs, written incrementally (flushed every step):
//   metrics.jsonl          one object per step (keys: MetricColumns())
//   metrics.csv            the same columns, header first
//   rollout_accuracy.jsonl {step, epoch, question, c, n} per question and step
//                          (training-dynamics heatmaps, hpt_spec §10 Fig 3)
//   validation.jsonl       {step, benchmark, avg_at_n, n, problems} per validation
// On resume, rows with step > the checkpoint's step are dropped first, so the
// logs of an interrupted-and-resumed run equal those of an uninterrupted one.
// A start from step 0 (no checkpoint: a new run, or a run killed before its
// first checkpoint) replaces any old logs, so a rerun never appends duplicate
// steps.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/json.h"

namespace upt::train {

// The fixed per-step columns, in CSV order.
const std::vector<std::string>& MetricColumns();

// True when `dir` holds per-step logs (a run was started there).
bool HasRunLogs(const std::string& dir);

class RunLog {
 public:
  // Opens (creating) the logs in `dir`; keeps rows with step <= keep_through_step
  // (pass the resumed checkpoint's step); -1 = start from step 0: old logs are
  // removed (they belong to a run that never reached a checkpoint).
  RunLog(const std::string& dir, int keep_through_step);
  void Step(const std::map<std::string, double>& metrics);  // must contain "step"
  void RolloutAccuracy(int step, int epoch, const std::string& question, int c, int n);
  void Validation(int step, const std::string& benchmark, double avg, int n, int problems);
  void Flush();

 private:
  std::string dir_;
  std::unique_ptr<AppendWriter> jsonl_, csv_, acc_, val_;
};

}  // namespace upt::train
