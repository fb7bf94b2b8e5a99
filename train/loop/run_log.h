// Per-step training logs, written incrementally (flushed every step):
//   metrics.jsonl          one object per step (keys: MetricColumns())
//   metrics.csv            the same columns, header first
//   rollout_accuracy.jsonl {step, epoch, question, c, n} per question and step
//                          (training-dynamics heatmaps, hpt_spec §10 Fig 3)
//   validation.jsonl       {step, benchmark, avg_at_n, n, problems} per validation
// On resume, rows with step > the checkpoint's step are dropped first, so the
// logs of an interrupted-and-resumed run equal those of an uninterrupted one.
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

class RunLog {
 public:
  // Opens (creating) the logs in `dir`; keeps rows with step <= keep_through_step
  // (all rows when -1 and the files are new; pass the resumed step otherwise).
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
