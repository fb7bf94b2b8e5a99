// Kills at random points (issue 14, item 4, 5 and Evidence): score, generate and
// train are SIGKILLed at pseudo-random times (RngStream, fixed seed) and resumed;
// the outputs equal an uninterrupted run's, byte for byte (train logs: every
// column but the wall-clock timings). Also: a train run that diverges or runs
// out of disk stops with exit 2 and keeps its last good checkpoint.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/fs.h"
#include "core/json.h"
#include "core/rng.h"
#include "core/strings.h"
#include "tests/core/test_util.h"
#include "tests/reliability/rel_util.h"

namespace upt::reliability {
namespace {

// Milliseconds in [lo, hi) for kill number `i` of test `name` (fixed seed).
int KillDelay(const char* name, int i, int lo, int hi) {
  RngStream r(14, {StreamId(name), static_cast<uint64_t>(i)});
  return lo + static_cast<int>(r.Below(static_cast<uint64_t>(hi - lo)));
}

// Runs the uninterrupted reference `run` and returns kill delays [lo, hi) in ms
// within its duration, so kills land inside a run on a fast machine as on a slow one.
template <class Run>
std::pair<int, int> KillWindow(Run&& run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  const int ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  const int lo = std::max(1, ms / 20);
  return {lo, std::max(lo + 1, ms * 9 / 10)};
}

// aime24's 480 samples repeated `times` times with new sample indices.
std::string BigSamples(const std::string& dir, int times) {
  std::string out;
  std::vector<std::string> lines = Split(ReadFile(Src("examples/aime24_samples.jsonl")), '\n');
  for (int t = 0; t < times; ++t)
    for (const auto& l : lines) {
      if (Trim(l).empty()) continue;
      Json j = Json::parse(l);
      j["sample_index"] = j["sample_index"].get<long long>() + 16 * t;
      out += j.dump() + "\n";
    }
  WriteFileAtomic(dir + "/big.jsonl", out);
  return dir + "/big.jsonl";
}

TEST(KillResumeTest, ScoreKilledAtRandomPointsResumesToIdenticalBytes) {
  testing::TempDir tmp;
  const std::string args = "score --dataset aime24 --threads 1 --batch 64 --samples " + BigSamples(tmp.path(), 24);
  int ref_code = -1;
  const auto [lo, hi] = KillWindow([&] { ref_code = Upt(args + " --out " + tmp.file("ref") + " > /dev/null", tmp.path()).code; });
  ASSERT_EQ(ref_code, 0);
  int killed = 0;
  for (int trial = 0; trial < 4; ++trial) {
    const std::string out = tmp.file("k" + std::to_string(trial));
    for (int i = 0; i < 3; ++i) {  // up to three kills, then run to the end
      pid_t pid = Spawn(args + " --out " + out, tmp.file("log"));
      killed += KillAfter(pid, KillDelay("score", trial * 3 + i, lo, hi));
    }
    Result r = Upt(args + " --out " + out + " > /dev/null", tmp.path());
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* f : {"verdicts.jsonl", "problems.csv"})
      EXPECT_EQ(ReadFile(out + "/" + f), ReadFile(tmp.file("ref/") + f)) << "trial " << trial << " " << f;
  }
  EXPECT_GT(killed, 0) << "no run was interrupted: the kill times are too late for this machine";
  RecordProperty("score_runs_killed", killed);
}

TEST(KillResumeTest, GenerateKilledAtRandomPointsResumesToIdenticalBytes) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  const std::string args = "generate --model " + model +
                           " --dataset toy_t1 --n 8 --limit 12 --max-new-tokens 24 --template toy --batch-size 8 "
                           "--threads 1 --out ";
  int ref_code = -1;
  const auto [lo, hi] = KillWindow([&] { ref_code = Upt(args + tmp.file("ref.jsonl"), tmp.path()).code; });
  ASSERT_EQ(ref_code, 0);
  int killed = 0;
  for (int trial = 0; trial < 3; ++trial) {
    const std::string out = tmp.file("k" + std::to_string(trial) + ".jsonl");
    for (int i = 0; i < 3; ++i) {
      pid_t pid = Spawn(args + out, tmp.file("log"));
      killed += KillAfter(pid, KillDelay("generate", trial * 3 + i, lo, hi));
    }
    Result r = Upt(args + out, tmp.path());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(ReadFile(out), ReadFile(tmp.file("ref.jsonl"))) << "trial " << trial;
  }
  EXPECT_GT(killed, 0);
  RecordProperty("generate_runs_killed", killed);
}

// metrics.jsonl without the wall-clock columns.
std::string StableMetrics(const std::string& run) {
  std::string out;
  for (const auto& l : Split(ReadFile(run + "/metrics.jsonl"), '\n')) {
    if (Trim(l).empty()) continue;
    Json j = Json::parse(l);
    for (const char* k : {"tokens_per_s", "rollout_s", "update_s", "step_s", "step_cpu_s"}) j.erase(k);
    out += j.dump() + "\n";
  }
  return out;
}

std::vector<long long> Steps(const std::string& run) {
  std::vector<long long> steps;
  for (const auto& l : Split(ReadFile(run + "/metrics.jsonl"), '\n'))
    if (!Trim(l).empty()) steps.push_back(Json::parse(l)["step"].get<long long>());
  return steps;
}

// Resumes a killed run the way a user would: --resume, or a plain rerun when
// the run was killed before anything was written.
Result ResumeTrain(const std::string& cfg, const std::string& run, const std::string& scratch) {
  Result r = Upt("train --config " + cfg + " --out " + run + " --resume", scratch);
  if (r.code == 2 && Contains(r.err, "nothing to resume")) r = Upt("train --config " + cfg + " --out " + run, scratch);
  return r;
}

TEST(KillResumeTest, TrainKilledAtRandomPointsResumesToTheSameLogsAndWeights) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  WriteFileAtomic(tmp.file("t.yaml"), TinyTrainYaml(model, 6, 2));
  const std::string cfg = tmp.file("t.yaml");
  Result ref;
  const auto [lo, hi] = KillWindow([&] { ref = Upt("train --config " + cfg + " --out " + tmp.file("ref"), tmp.path()); });
  ASSERT_EQ(ref.code, 0) << ref.err;
  int killed = 0;
  for (int trial = 0; trial < 3; ++trial) {
    const std::string run = tmp.file("k" + std::to_string(trial));
    pid_t pid = Spawn("train --config " + cfg + " --out " + run, tmp.file("log"));
    killed += KillAfter(pid, KillDelay("train", trial, lo, hi));
    for (int i = 0; i < 2; ++i) {
      pid = Spawn("train --config " + cfg + " --out " + run + " --resume", tmp.file("log"));
      killed += KillAfter(pid, KillDelay("train", 10 + trial * 2 + i, lo, hi));
    }
    Result r = ResumeTrain(cfg, run, tmp.path());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(Steps(run), (std::vector<long long>{1, 2, 3, 4, 5, 6})) << "trial " << trial;
    EXPECT_EQ(StableMetrics(run), StableMetrics(tmp.file("ref"))) << "trial " << trial;
    EXPECT_EQ(ReadFile(run + "/checkpoint-6/model.safetensors"), ReadFile(tmp.file("ref/checkpoint-6/model.safetensors")))
        << "trial " << trial;
  }
  EXPECT_GT(killed, 0);
  RecordProperty("train_runs_killed", killed);
}

TEST(KillResumeTest, RunKilledBeforeItsFirstCheckpointRestartsFromStepZeroWithoutDuplicates) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  WriteFileAtomic(tmp.file("t.yaml"), TinyTrainYaml(model, 3, 3));
  const std::string cfg = tmp.file("t.yaml"), run = tmp.file("run");
  ASSERT_EQ(Upt("train --config " + cfg + " --out " + tmp.file("ref"), tmp.path()).code, 0);
  // What a kill before the first checkpoint leaves: logs of steps 1-2, a torn line, no checkpoint.
  ASSERT_EQ(Upt("train --config " + cfg + " --out " + tmp.file("x"), tmp.path()).code, 0);
  MakeDirs(run);
  std::string partial;
  for (const auto& l : Split(ReadFile(tmp.file("x/metrics.jsonl")), '\n'))
    if (!Trim(l).empty() && Json::parse(l)["step"].get<long long>() <= 2) partial += l + "\n";
  WriteFileAtomic(run + "/metrics.jsonl", partial + "{\"step\": 3, \"epo");
  std::filesystem::copy_file(tmp.file("x/metrics.csv"), run + "/metrics.csv");
  // --resume: restarts from step 0 (no checkpoint), logs replaced.
  Result r = Upt("train --config " + cfg + " --out " + run + " --resume", tmp.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "starting over from step 0")) << r.err;
  EXPECT_EQ(Steps(run), (std::vector<long long>{1, 2, 3}));
  EXPECT_EQ(StableMetrics(run), StableMetrics(tmp.file("ref")));
  EXPECT_EQ(CountLines(run + "/metrics.csv"), 4);  // header + 3 steps
  // A plain rerun into the same folder (now with a checkpoint) is refused, never appended.
  r = Upt("train --config " + cfg + " --out " + run, tmp.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "already holds checkpoints")) << r.err;
  EXPECT_EQ(Steps(run), (std::vector<long long>{1, 2, 3}));
}

TEST(KillResumeTest, DivergingRunStopsWithAClearErrorAndKeepsTheLastGoodCheckpoint) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  WriteFileAtomic(tmp.file("t.yaml"), TinyTrainYaml(model, 8, 1));
  const std::string run = tmp.file("run");
  Result r = Upt("train --config " + tmp.file("t.yaml") + " --out " + run +
                     " --set actor.optim.lr=1e30 --set actor.optim.warmup_steps=0",
                 tmp.path());
  EXPECT_EQ(r.code, 2) << r.err;
  // Caught at the step's loss, at a checkpoint's weights, or at the next rollout's logits.
  EXPECT_TRUE(Contains(r.err, "diverged")) << r.err;
  EXPECT_FALSE(Contains(r.err, "internal check")) << r.err;
  EXPECT_FALSE(FileExists(run + "/checkpoint-8"));
  EXPECT_EQ(TempFilesUnder(run), 0);
}

TEST(KillResumeTest, CheckpointOnAFullDiskFailsCleanlyAndKeepsThePreviousOne) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  const std::string disk = tmp.file("disk");
  MakeDirs(disk);
  const long long ckpt_bytes = static_cast<long long>(std::filesystem::file_size(model + "/model.safetensors"));
  // Room for one checkpoint (weights + optimizer moments ~ 3x weights) and logs, not two.
  const std::string opts = "size=" + std::to_string((ckpt_bytes * 5) / 1024 + 64) + "k";
  if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, opts.c_str()) != 0)
    GTEST_SKIP() << "SKIPPED (not a pass): cannot mount a tmpfs here (" << std::strerror(errno) << ")";
  WriteFileAtomic(tmp.file("t.yaml"), TinyTrainYaml(model, 4, 1));
  Result r = Upt("train --config " + tmp.file("t.yaml") + " --out " + disk + "/run", tmp.path());
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "cannot write checkpoint checkpoint-2")) << r.err;
  EXPECT_TRUE(Contains(r.err, "No space left on device")) << r.err;
  EXPECT_TRUE(Contains(r.err, "the previous checkpoint " + disk + "/run/checkpoint-1 is intact")) << r.err;
  EXPECT_EQ(std::string(Trim(ReadFile(disk + "/run/latest"))), "checkpoint-1");
  EXPECT_FALSE(FileExists(disk + "/run/checkpoint-2.tmp"));
  ::umount2(disk.c_str(), MNT_DETACH);
}

// Every scores file and the results table of a toy-smoke study.
std::vector<std::string> StudyOutputs(const std::string& out) {
  std::vector<std::string> files = {"report/tables/results.md"};
  for (const auto& e : std::filesystem::recursive_directory_iterator(out + "/runs")) {
    const std::string name = e.path().filename().string();
    if (name == "problems.csv" || name == "verdicts.jsonl")
      files.push_back(std::filesystem::relative(e.path(), out).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(KillResumeTest, ReproduceKilledAtRandomPointsResumesToTheSameScores) {
  testing::TempDir tmp;
  const std::string args = "reproduce --preset toy-smoke --threads 2 --resume --out ";
  Result ref;
  const auto [lo, hi] = KillWindow([&] { ref = Upt(args + tmp.file("ref") + " > /dev/null", tmp.path()); });
  ASSERT_EQ(ref.code, 0) << ref.err;
  const std::string out = tmp.file("k");
  int killed = 0;
  for (int i = 0; i < 2; ++i) {
    pid_t pid = Spawn(args + out, tmp.file("log"));
    killed += KillAfter(pid, KillDelay("reproduce", i, lo, hi));
  }
  Result r = Upt(args + out + " > /dev/null", tmp.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GT(killed, 0);
  const auto files = StudyOutputs(tmp.file("ref"));
  ASSERT_GT(files.size(), 10u);
  EXPECT_EQ(StudyOutputs(out), files);
  for (const auto& f : files) EXPECT_EQ(ReadFile(out + "/" + f), ReadFile(tmp.file("ref/") + f)) << f;
  RecordProperty("reproduce_runs_killed", killed);
}

}  // namespace
}  // namespace upt::reliability
