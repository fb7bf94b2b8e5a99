#include "pipeline/stages.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/threads.h"
#include "core/version.h"

namespace upt::pipeline {
namespace fs = std::filesystem;

void CheckStageTable(const std::vector<Stage>& stages) {
  std::set<std::string> seen, outputs;
  for (const auto& s : stages) {
    if (!seen.insert(s.name).second) throw Error("stage '" + s.name + "' appears twice", "stage table");
    if (!outputs.insert(s.output).second)
      throw Error("stage '" + s.name + "' writes '" + s.output + "', as an earlier stage does", "stage table");
    for (const auto& in : s.inputs)
      if (!seen.count(in) || in == s.name)
        throw Error("stage '" + s.name + "' reads '" + in + "', which is not an earlier stage", "stage table");
  }
}

std::vector<std::string> StageHashes(const std::vector<Stage>& stages) {
  std::map<std::string, std::string> by_name;
  std::vector<std::string> out;
  for (const auto& s : stages) {
    std::string text = s.name + "\n" + DumpLine(s.options) + "\n";
    for (const auto& in : s.inputs) text += in + "=" + by_name.at(in) + "\n";
    std::string h = Sha256Hex(text);
    by_name[s.name] = h;
    out.push_back(h);
  }
  return out;
}

namespace {

std::string StageJsonPath(const std::string& dir) { return dir + "/stage.json"; }

std::string ReadHash(const std::string& path) {
  if (!FileExists(path)) return "";
  try {
    return Json::parse(ReadFile(path)).value("hash", "");
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

bool StageUpToDate(const std::string& out, const Stage& s, const std::string& hash) {
  return ReadHash(StageJsonPath(out + "/" + s.output)) == hash;
}

namespace {

// Prepares OUT/<output>.partial: reuses it when its pending hash matches.
StageContext PrepareStageDir(const std::string& out, const Stage& s, const std::string& hash) {
  StageContext ctx;
  ctx.out_root = out;
  ctx.dir = out + "/" + s.output + ".partial";
  const std::string pending = ctx.dir + "/stage.pending.json";
  if (fs::exists(ctx.dir) && ReadHash(pending) == hash) {
    ctx.resumed = true;
  } else {
    fs::remove_all(ctx.dir);
    MakeDirs(ctx.dir);
    OrderedJson p = OrderedJson::object();
    p["stage"] = s.name;
    p["hash"] = hash;
    WriteFileAtomic(pending, DumpPretty(p));
  }
  return ctx;
}

// Writes stage.json and renames .partial into place (replacing a stale output).
void CommitStage(const std::string& out, const Stage& s, const std::string& hash,
                 const std::map<std::string, std::string>& input_hashes, double seconds) {
  const std::string dir = out + "/" + s.output;
  const std::string partial = dir + ".partial";
  OrderedJson j = OrderedJson::object();
  j["stage"] = s.name;
  j["hash"] = hash;
  j["options"] = s.options;
  OrderedJson ins = OrderedJson::object();
  for (const auto& in : s.inputs) ins[in] = input_hashes.at(in);
  j["inputs"] = ins;
  j["seconds"] = seconds;
  j["provenance"] = BaseProvenance();
  fs::remove(partial + "/stage.pending.json");
  WriteFileAtomic(StageJsonPath(partial), DumpPretty(j));
  fs::remove_all(dir);
  fs::rename(partial, dir);
}

}  // namespace

namespace {

// The scheduler behind RunStages, on TBB. Stages are tasks of one task_group in
// a dedicated `stages` arena of max_concurrency = jobs (the calling thread takes
// one slot and runs stages while it waits, TBB workers the others). A stage
// blocks its thread for minutes (training, generation, subprocesses), so:
//  - its body runs in a fresh default arena of its own (Execute): the TBB loops
//    it calls get a full arena as on a plain thread, not the stage arena whose
//    threads are busy with other stages, and a thread waiting inside a stage's
//    loop never picks up another stage (arenas isolate their tasks);
//  - TBB's worker pool (hardware threads - 1 by default, shared by all arenas)
//    is enlarged by `jobs` for the run, so the threads parked in stages do not
//    come out of the workers that in-process parallel work needs;
//  - a stage limits its own parallel work with an arena (core/threads.h
//    RunWithThreads, e.g. scoring), never with the process-wide limit.
// Scheduling decisions (which ready stage starts, log lines) are taken under
// one mutex walking the table in order, at the start and whenever a stage ends.
class StageRunner {
 public:
  StageRunner(const std::vector<Stage>& stages, const RunnerOptions& opts)
      : stages_(stages), opts_(opts), hashes_(StageHashes(stages)), n_(stages.size()), results_(n_),
        started_(n_, false), finished_(n_, false), t0_(std::chrono::steady_clock::now()) {
    for (size_t i = 0; i < n_; ++i) {
      results_[i].name = stages[i].name;
      results_[i].hash = hashes_[i];
      hash_of_[stages[i].name] = hashes_[i];
      index_of_[stages[i].name] = i;
    }
  }

  // Runs until every stage ended or a failure left nothing running; rethrows the first failure.
  std::vector<StageResult> Run() {
    const int jobs = std::max(1, opts_.jobs);
    tbb::global_control pool(tbb::global_control::max_allowed_parallelism, size_t(HardwareThreads() + jobs));
    tbb::task_arena arena(jobs, 1);
    arena.execute([&] {
      {
        std::lock_guard<std::mutex> g(mu_);
        LaunchReady();
      }
      group_.wait();
    });
    if (failure_) std::rethrow_exception(failure_);
    return results_;
  }

 private:
  // Walks the table in order: skips up-to-date stages, starts ready ones up to `jobs`. Holds mu_.
  bool LaunchReady() {
    bool launched = false;
    for (size_t i = 0; i < n_ && !failure_; ++i) {
      if (!Ready(i)) continue;
      if (Skippable(i)) {
        started_[i] = finished_[i] = true;
        results_[i].status = StageStatus::kSkipped;
        ++done_count_;
        Line(i, "skipped (up to date)");
        launched = true;
        continue;
      }
      if (running_ >= opts_.jobs) break;
      Start(i);
      launched = true;
    }
    return launched;
  }

  bool Ready(size_t i) const {
    if (started_[i]) return false;
    for (const auto& in : stages_[i].inputs)
      if (!finished_[index_of_.at(in)]) return false;
    return true;
  }

  // Up to date, and no input was rebuilt in this invocation (a rebuilt input,
  // e.g. after its folder was deleted, may differ in bytes).
  bool Skippable(size_t i) const {
    for (const auto& in : stages_[i].inputs)
      if (results_[index_of_.at(in)].status == StageStatus::kDone) return false;
    return StageUpToDate(opts_.out, stages_[i], hashes_[i]);
  }

  void Start(size_t i) {
    const Stage& s = stages_[i];
    const int threads = opts_.stage_threads;
    started_[i] = true;
    ++running_;
    StageContext ctx = PrepareStageDir(opts_.out, s, hashes_[i]);
    ctx.threads = threads;
    Line(i, fmt::format("start{} ({} thread{}){}", ctx.resumed ? " (resuming)" : "", threads, threads == 1 ? "" : "s",
                        s.cost.empty() ? "" : ": " + s.cost));
    group_.run([this, i, ctx] { Finish(i, Execute(i, ctx)); });
  }

  // Runs stage i and commits its folder; returns the exception it threw, if any. No lock held.
  std::exception_ptr Execute(size_t i, const StageContext& ctx) {
    const auto s0 = std::chrono::steady_clock::now();
    try {
      tbb::task_arena work;  // the stage's own parallel work, isolated from the stage arena
      work.execute([&] { stages_[i].run(ctx); });
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
      CommitStage(opts_.out, stages_[i], hashes_[i], hash_of_, secs);
      results_[i].seconds = secs;
    } catch (...) {
      return std::current_exception();
    }
    return nullptr;
  }

  // Records stage i's end (on the thread that ran it) and starts what became ready.
  void Finish(size_t i, std::exception_ptr err) {
    std::lock_guard<std::mutex> g(mu_);
    --running_;
    finished_[i] = true;
    ++done_count_;
    if (err) {
      results_[i].status = StageStatus::kFailed;
      if (!failure_) failure_ = err;
      results_[i].error = ErrorText(err);
      Line(i, "FAILED: " + results_[i].error);
    } else {
      results_[i].status = StageStatus::kDone;
      Line(i, fmt::format("done in {:.1f} s", results_[i].seconds));
    }
    LaunchReady();
  }

  static std::string ErrorText(std::exception_ptr err) {
    try {
      std::rethrow_exception(err);
    } catch (const std::exception& e) {
      return e.what();
    } catch (...) {
      return "unknown error";
    }
  }

  void Line(size_t i, const std::string& what) const {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    std::printf("[%2zu/%zu %7.1fs] %-23s %s\n", done_count_, n_, elapsed, stages_[i].name.c_str(), what.c_str());
    std::fflush(stdout);
  }

  const std::vector<Stage>& stages_;
  const RunnerOptions& opts_;
  const std::vector<std::string> hashes_;
  const size_t n_;
  std::vector<StageResult> results_;
  std::map<std::string, std::string> hash_of_;
  std::map<std::string, size_t> index_of_;
  std::mutex mu_;
  std::vector<bool> started_, finished_;
  int running_ = 0;
  size_t done_count_ = 0;
  std::exception_ptr failure_;
  tbb::task_group group_;
  const std::chrono::steady_clock::time_point t0_;
};

}  // namespace

std::vector<StageResult> RunStages(const std::vector<Stage>& stages, const RunnerOptions& opts) {
  CheckStageTable(stages);
  return StageRunner(stages, opts).Run();
}

}  // namespace upt::pipeline
