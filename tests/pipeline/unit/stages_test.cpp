// The stage runner: hashing, skipping, resuming a killed stage, scheduling order.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/threads.h"
#include "pipeline/stages.h"

namespace upt::pipeline {
namespace {
namespace fs = std::filesystem;

std::string TempDir(const std::string& name) {
  std::string d = (fs::temp_directory_path() / ("upt_pipeline_" + name + "_" + std::to_string(::getpid()))).string();
  fs::remove_all(d);
  return d;
}

// Polls `done` every millisecond for up to `seconds`; returns its last value.
template <class F>
bool WaitFor(F done, int seconds = 10) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return done();
}

Stage Independent(const std::string& name, std::function<void(const StageContext&)> run) {
  Stage s;
  s.name = name;
  s.output = name;
  s.options = OrderedJson::object();
  s.run = std::move(run);
  return s;
}

// a -> b -> d, a -> c -> d; each stage writes out.txt and counts its runs.
std::vector<Stage> Diamond(std::map<std::string, int>* runs, std::mutex* mu, int a_option = 1) {
  auto make = [&](const std::string& name, std::vector<std::string> inputs, int opt) {
    Stage s;
    s.name = name;
    s.inputs = std::move(inputs);
    s.output = "stages/" + name;
    s.options = OrderedJson::object();
    s.options["x"] = opt;
    s.run = [runs, mu, name](const StageContext& ctx) {
      WriteFileAtomic(ctx.dir + "/out.txt", name);
      std::lock_guard<std::mutex> g(*mu);
      ++(*runs)[name];
    };
    return s;
  };
  return {make("a", {}, a_option), make("b", {"a"}, 2), make("c", {"a"}, 3), make("d", {"b", "c"}, 4)};
}

TEST(StageTableTest, RejectsDuplicatesAndForwardInputs) {
  std::map<std::string, int> runs;
  std::mutex mu;
  auto st = Diamond(&runs, &mu);
  EXPECT_NO_THROW(CheckStageTable(st));
  auto dup = st;
  dup[2].name = "b";
  EXPECT_THROW(CheckStageTable(dup), Error);
  auto fwd = st;
  std::swap(fwd[0], fwd[1]);
  EXPECT_THROW(CheckStageTable(fwd), Error);
  auto same_out = st;
  same_out[2].output = same_out[1].output;
  EXPECT_THROW(CheckStageTable(same_out), Error);
}

TEST(StageHashTest, OptionChangePropagatesDownstreamOnly) {
  std::map<std::string, int> runs;
  std::mutex mu;
  auto h1 = StageHashes(Diamond(&runs, &mu, 1));
  auto h2 = StageHashes(Diamond(&runs, &mu, 1));
  EXPECT_EQ(h1, h2);
  auto st = Diamond(&runs, &mu, 1);
  st[1].options["x"] = 99;  // b changes
  auto h3 = StageHashes(st);
  EXPECT_EQ(h1[0], h3[0]);  // a
  EXPECT_NE(h1[1], h3[1]);  // b
  EXPECT_EQ(h1[2], h3[2]);  // c
  EXPECT_NE(h1[3], h3[3]);  // d reads b
}

TEST(RunStagesTest, SecondRunSkipsEverythingAndChangedStagesRerun) {
  const std::string out = TempDir("skip");
  std::map<std::string, int> runs;
  std::mutex mu;
  RunnerOptions ro;
  ro.out = out;
  ro.jobs = 2;
  auto r1 = RunStages(Diamond(&runs, &mu), ro);
  for (const auto& r : r1) EXPECT_EQ(r.status, StageStatus::kDone) << r.name;
  for (const char* n : {"a", "b", "c", "d"}) {
    EXPECT_EQ(runs[n], 1) << n;
    EXPECT_EQ(ReadFile(out + "/stages/" + n + "/out.txt"), n);
    EXPECT_TRUE(FileExists(out + "/stages/" + n + "/stage.json"));
    EXPECT_FALSE(fs::exists(out + "/stages/" + std::string(n) + ".partial"));
  }
  auto r2 = RunStages(Diamond(&runs, &mu), ro);
  for (const auto& r : r2) EXPECT_EQ(r.status, StageStatus::kSkipped) << r.name;
  EXPECT_EQ(runs["a"], 1);
  // A deleted output is rebuilt, and so is everything that reads it.
  fs::remove_all(out + "/stages/b");
  auto rb = RunStages(Diamond(&runs, &mu), ro);
  EXPECT_EQ(rb[0].status, StageStatus::kSkipped);
  EXPECT_EQ(rb[1].status, StageStatus::kDone);
  EXPECT_EQ(rb[2].status, StageStatus::kSkipped);
  EXPECT_EQ(rb[3].status, StageStatus::kDone);
  EXPECT_EQ(runs["b"], 2);
  EXPECT_EQ(runs["c"], 1);
  // Changing a's options reruns everything downstream of it.
  auto r3 = RunStages(Diamond(&runs, &mu, 7), ro);
  for (const auto& r : r3) EXPECT_EQ(r.status, StageStatus::kDone) << r.name;
  EXPECT_EQ(runs["d"], 3);
  Json sj = Json::parse(ReadFile(out + "/stages/d/stage.json"));
  EXPECT_EQ(sj["inputs"].size(), 2u);
  EXPECT_EQ(sj["hash"].get<std::string>(), r3[3].hash);
  fs::remove_all(out);
}

TEST(RunStagesTest, FailedStageKeepsPartialDirAndResumesIt) {
  const std::string out = TempDir("fail");
  std::atomic<int> attempts{0};
  std::atomic<bool> saw_resumed{false};
  Stage s;
  s.name = "flaky";
  s.output = "flaky";
  s.options = OrderedJson::object();
  s.run = [&](const StageContext& ctx) {
    if (ctx.resumed) {
      saw_resumed = true;
      EXPECT_EQ(ReadFile(ctx.dir + "/half.txt"), "half");
    }
    WriteFileAtomic(ctx.dir + "/half.txt", "half");
    if (attempts++ == 0) throw Error("killed", "test");
  };
  Stage after;
  after.name = "after";
  after.inputs = {"flaky"};
  after.output = "after";
  after.options = OrderedJson::object();
  std::atomic<int> after_runs{0};
  after.run = [&](const StageContext&) { ++after_runs; };
  RunnerOptions ro;
  ro.out = out;
  EXPECT_THROW(RunStages({s, after}, ro), Error);
  EXPECT_EQ(after_runs.load(), 0);  // never started after a failed input
  EXPECT_TRUE(fs::exists(out + "/flaky.partial/half.txt"));
  EXPECT_FALSE(fs::exists(out + "/flaky"));
  auto r = RunStages({s, after}, ro);
  EXPECT_TRUE(saw_resumed.load());
  EXPECT_EQ(r[0].status, StageStatus::kDone);
  EXPECT_EQ(after_runs.load(), 1);
  EXPECT_TRUE(fs::exists(out + "/flaky/half.txt"));
  fs::remove_all(out);
}

TEST(RunStagesTest, StagesStartOnlyAfterTheirInputsFinish) {
  const std::string out = TempDir("order");
  std::mutex mu;
  std::vector<std::string> order;
  std::vector<Stage> st;
  for (int i = 0; i < 6; ++i) {
    Stage s;
    s.name = "s" + std::to_string(i);
    if (i > 0) s.inputs = {"s" + std::to_string(i / 2)};  // a binary tree
    if (i == 1) s.inputs = {"s0"};
    s.output = s.name;
    s.options = OrderedJson::object();
    s.run = [&, i](const StageContext&) {
      std::lock_guard<std::mutex> g(mu);
      order.push_back("s" + std::to_string(i));
    };
    st.push_back(s);
  }
  st[1].inputs = {"s0"};
  RunnerOptions ro;
  ro.out = out;
  ro.jobs = 3;
  RunStages(st, ro);
  ASSERT_EQ(order.size(), 6u);
  auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n) - order.begin(); };
  for (size_t i = 1; i < st.size(); ++i)
    for (const auto& in : st[i].inputs) EXPECT_LT(pos(in), pos(st[i].name)) << st[i].name;
  fs::remove_all(out);
}

TEST(RunStagesTest, JobsLimitsStagesRunningAtOnce) {
  const std::string out = TempDir("jobs");
  std::atomic<int> running{0}, most{0};
  std::vector<Stage> st;
  for (int i = 0; i < 5; ++i)
    st.push_back(Independent("s" + std::to_string(i), [&](const StageContext&) {
      int now = ++running;
      for (int m = most; now > m && !most.compare_exchange_weak(m, now);) {
      }
      WaitFor([&] { return most >= 2; });  // the first stage waits for a second one to start
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      --running;
    }));
  RunnerOptions ro;
  ro.out = out;
  ro.jobs = 2;
  auto results = RunStages(st, ro);
  EXPECT_EQ(most, 2);
  for (const auto& r : results) EXPECT_EQ(r.status, StageStatus::kDone) << r.name;
  fs::remove_all(out);
}

// The blocker of putting stages on TBB: one stage limiting its own TBB threads
// (scoring with 1 thread) or blocking for minutes must leave the TBB loops of
// the stage beside it running on several threads.
TEST(RunStagesTest, StageLoopsGetWorkersWhileAnotherStageBlocksWithOneThread) {
  if (HardwareThreads() < 2) GTEST_SKIP() << "needs 2 hardware threads";
  const std::string out = TempDir("arena");
  std::atomic<bool> loop_done{false}, both_in_flight{false};
  std::atomic<int> narrow_concurrency{0};
  std::vector<Stage> st;
  st.push_back(Independent("narrow", [&](const StageContext&) {
    RunWithThreads(1, [&] {
      narrow_concurrency = tbb::this_task_arena::max_concurrency();
      WaitFor([&] { return loop_done.load(); }, 30);  // outlives the loop's own 10 s wait
    });
  }));
  st.push_back(Independent("wide", [&](const StageContext&) {
    std::atomic<int> in_flight{0};
    tbb::parallel_for(
        tbb::blocked_range<int>(0, 2, 1),
        [&](const tbb::blocked_range<int>&) {
          ++in_flight;
          if (WaitFor([&] { return in_flight >= 2; })) both_in_flight = true;
          --in_flight;  // one after the other never counts two
        },
        tbb::simple_partitioner());
    loop_done = true;
  }));
  RunnerOptions ro;
  ro.out = out;
  ro.jobs = 2;
  RunStages(st, ro);
  EXPECT_EQ(narrow_concurrency, 1);
  EXPECT_TRUE(both_in_flight) << "the wide stage's loop ran on one thread";
  EXPECT_TRUE(loop_done);
  fs::remove_all(out);
}

}  // namespace
}  // namespace upt::pipeline
