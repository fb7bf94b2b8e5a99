#include "pipeline/stages.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/hash.h"
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

std::vector<StageResult> RunStages(const std::vector<Stage>& stages, const RunnerOptions& opts) {
  CheckStageTable(stages);
  const std::vector<std::string> hashes = StageHashes(stages);
  const size_t n = stages.size();
  std::vector<StageResult> results(n);
  std::map<std::string, std::string> hash_of;
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < n; ++i) {
    results[i].name = stages[i].name;
    results[i].hash = hashes[i];
    hash_of[stages[i].name] = hashes[i];
    index_of[stages[i].name] = i;
  }
  std::mutex mu;
  std::condition_variable cv;
  std::vector<bool> started(n, false), finished(n, false);
  int running = 0;
  std::exception_ptr failure;
  std::vector<std::thread> workers;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  size_t done_count = 0;

  auto ready = [&](size_t i) {
    if (started[i]) return false;
    for (const auto& in : stages[i].inputs)
      if (!finished[index_of[in]]) return false;
    return true;
  };
  auto line = [&](size_t i, const std::string& what) {
    std::printf("[%2zu/%zu %7.1fs] %-23s %s\n", done_count, n, elapsed(), stages[i].name.c_str(), what.c_str());
    std::fflush(stdout);
  };

  std::unique_lock<std::mutex> lock(mu);
  while (done_count < n) {
    bool launched = false;
    for (size_t i = 0; i < n && !failure; ++i) {
      if (!ready(i)) continue;
      const Stage& s = stages[i];
      // Up to date, and no input was rebuilt in this invocation (a rebuilt
      // input, e.g. after its folder was deleted, may differ in bytes).
      bool input_rebuilt = false;
      for (const auto& in : s.inputs) input_rebuilt |= results[index_of[in]].status == StageStatus::kDone;
      if (!input_rebuilt && StageUpToDate(opts.out, s, hashes[i])) {
        started[i] = finished[i] = true;
        results[i].status = StageStatus::kSkipped;
        ++done_count;
        line(i, "skipped (up to date)");
        launched = true;
        continue;
      }
      if (running >= opts.jobs) break;
      const int threads = opts.stage_threads;
      started[i] = true;
      ++running;
      launched = true;
      StageContext ctx = PrepareStageDir(opts.out, s, hashes[i]);
      ctx.threads = threads;
      line(i, fmt::format("start{} ({} thread{}){}", ctx.resumed ? " (resuming)" : "", threads,
                          threads == 1 ? "" : "s", s.cost.empty() ? "" : ": " + s.cost));
      workers.emplace_back([&, i, ctx] {
        const auto s0 = std::chrono::steady_clock::now();
        std::exception_ptr err;
        try {
          stages[i].run(ctx);
          double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
          CommitStage(opts.out, stages[i], hashes[i], hash_of, secs);
          results[i].seconds = secs;
        } catch (...) {
          err = std::current_exception();
        }
        std::lock_guard<std::mutex> g(mu);
        --running;
        finished[i] = true;
        ++done_count;
        if (err) {
          results[i].status = StageStatus::kFailed;
          if (!failure) failure = err;
          try {
            std::rethrow_exception(err);
          } catch (const Error& e) {
            results[i].error = e.what();
          } catch (const std::exception& e) {
            results[i].error = e.what();
          }
          line(i, "FAILED: " + results[i].error);
        } else {
          results[i].status = StageStatus::kDone;
          line(i, fmt::format("done in {:.1f} s", results[i].seconds));
        }
        cv.notify_all();
      });
    }
    if (failure && running == 0) break;
    if (!launched) {
      if (running == 0) break;  // nothing can run (only possible after a failure)
      cv.wait(lock);
    }
  }
  lock.unlock();
  for (auto& w : workers) w.join();
  if (failure) std::rethrow_exception(failure);
  return results;
}

}  // namespace upt::pipeline
