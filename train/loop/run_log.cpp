#include "train/loop/run_log.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

#include "core/log.h"
#include "core/strings.h"

namespace upt::train {

const std::vector<std::string>& MetricColumns() {
  static const std::vector<std::string> cols = {
      "step", "epoch", "phase_sft", "reward_mean", "solve_none", "solve_all", "offline_ratio", "pg_loss",
      "sft_loss", "off_pg_loss", "entropy", "response_length_mean", "response_clip_ratio", "grad_norm",
      "skipped_updates", "pg_clipfrac", "lr", "rows", "tokens", "tokens_per_s", "rollout_s", "update_s",
      "step_s", "step_cpu_s"};
  return cols;
}

namespace {

// Rewrites `path` keeping lines whose step (JSON "step" or the first CSV cell)
// is <= keep; the CSV header is kept.
void TruncateAfterStep(const std::string& path, int keep, bool csv) {
  if (!FileExists(path)) return;
  std::string out;
  bool first = true;
  for (const auto& line : Split(ReadFile(path), '\n')) {
    if (Trim(line).empty()) continue;
    long long step = 0;
    bool keep_line = false;
    if (csv) {
      keep_line = first || (ParseInt64(Split(line, ',')[0], &step) && step <= keep);
    } else {
      try {
        Json j = Json::parse(line);
        keep_line = j.contains("step") && j["step"].get<long long>() <= keep;
      } catch (...) {
        keep_line = false;  // a partial line from a kill
      }
    }
    first = false;
    if (keep_line) out += line + "\n";
  }
  WriteFileAtomic(path, out);
}

std::string CsvNumber(double v) {
  if (std::isnan(v)) return "";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{:.6g}", v);
}

Json JsonNumber(double v) {
  if (!std::isfinite(v)) return Json(nullptr);
  if (v == std::floor(v) && std::fabs(v) < 1e15) return Json(static_cast<long long>(v));
  return Json(v);
}

const char* const kLogFiles[] = {"metrics.jsonl", "metrics.csv", "rollout_accuracy.jsonl", "validation.jsonl"};

}  // namespace

bool HasRunLogs(const std::string& dir) {
  for (const char* f : kLogFiles)
    if (FileExists(dir + "/" + f)) return true;
  return false;
}

RunLog::RunLog(const std::string& dir, int keep_through_step) : dir_(dir) {
  MakeDirs(dir);
  const std::string csv_path = dir + "/metrics.csv";
  if (keep_through_step < 0 && HasRunLogs(dir)) {
    LogWarn("{}: logs without a checkpoint (a run stopped before its first checkpoint); starting over from step 0",
            dir);
    for (const char* f : kLogFiles) std::remove((dir + "/" + f).c_str());
  }
  if (keep_through_step >= 0) {
    TruncateAfterStep(dir + "/metrics.jsonl", keep_through_step, false);
    TruncateAfterStep(csv_path, keep_through_step, true);
    TruncateAfterStep(dir + "/rollout_accuracy.jsonl", keep_through_step, false);
    TruncateAfterStep(dir + "/validation.jsonl", keep_through_step, false);
  }
  bool new_csv = !FileExists(csv_path) || ReadFile(csv_path).empty();
  jsonl_ = std::make_unique<AppendWriter>(dir + "/metrics.jsonl");
  csv_ = std::make_unique<AppendWriter>(csv_path);
  acc_ = std::make_unique<AppendWriter>(dir + "/rollout_accuracy.jsonl");
  val_ = std::make_unique<AppendWriter>(dir + "/validation.jsonl");
  if (new_csv) csv_->WriteLine(Join(MetricColumns(), ","));
}

void RunLog::Step(const std::map<std::string, double>& metrics) {
  OrderedJson j = OrderedJson::object();
  std::vector<std::string> cells;
  for (const auto& col : MetricColumns()) {
    auto it = metrics.find(col);
    double v = it == metrics.end() ? NAN : it->second;
    j[col] = JsonNumber(v);
    cells.push_back(CsvNumber(v));
  }
  for (const auto& [k, v] : metrics)
    if (!j.contains(k)) j[k] = JsonNumber(v);  // extra estimator metrics (actor/..., hpt/...)
  jsonl_->WriteLine(DumpLine(j));
  csv_->WriteLine(Join(cells, ","));
  Flush();
}

void RunLog::RolloutAccuracy(int step, int epoch, const std::string& question, int c, int n) {
  OrderedJson j;
  j["step"] = step;
  j["epoch"] = epoch;
  j["question"] = question;
  j["c"] = c;
  j["n"] = n;
  acc_->WriteLine(DumpLine(j));
}

void RunLog::Validation(int step, const std::string& benchmark, double avg, int n, int problems) {
  OrderedJson j;
  j["step"] = step;
  j["benchmark"] = benchmark;
  j["avg_at_n"] = avg;
  j["n"] = n;
  j["problems"] = problems;
  val_->WriteLine(DumpLine(j));
  val_->Flush();
}

void RunLog::Flush() {
  jsonl_->Flush();
  csv_->Flush();
  acc_->Flush();
}

}  // namespace upt::train
