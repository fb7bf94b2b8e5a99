// `upt launch` and sharded generation end to end through the `upt` binary (UPT_BIN).
// Slow suite: every `upt` start loads libtorch (seconds on a busy 2-core machine).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "train/dist/dist.h"

namespace upt::train::dist {
namespace {

std::string RunShell(const std::string& cmd, int* status) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  char buf[512];
  while (f && fgets(buf, sizeof buf, f)) out += buf;
  *status = f ? pclose(f) : -1;
  return out;
}

TEST(UptLaunchCliTest, PropagatesTheFailingRanksExitCodeWithAPrefixedLog) {
  const char* bin = std::getenv("UPT_BIN");
  ASSERT_NE(bin, nullptr);
  int status = 0;
  // Rank 1 fails only once rank 0 has printed (a marker file, waited for at most
  // 30 s), so the launcher's fail-fast SIGTERM cannot race rank 0's first line.
  const std::string marker =
      (std::filesystem::temp_directory_path() / ("upt_launch_" + std::to_string(getpid()))).string();
  std::filesystem::remove(marker);
  const std::string out = RunShell(
      std::string(bin) + " launch --nproc 2 --kill-grace 1 -- /bin/sh -c "
                         "'echo hello from $RANK; if [ $RANK = 0 ]; then touch " + marker +
          "; sleep 30; else i=0; while [ ! -e " + marker +
          " ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; exit 5; fi' 2>&1",
      &status);
  std::filesystem::remove(marker);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 5) << out;
  EXPECT_NE(out.find("[rank 0] hello from 0"), std::string::npos) << out;
  EXPECT_NE(out.find("[rank 1] hello from 1"), std::string::npos) << out;
  EXPECT_NE(out.find("upt launch: error: rank 1 exited with status 5"), std::string::npos) << out;
}

TEST(UptLaunchCliTest, SucceedsWhenEveryRankSucceeds) {
  const char* bin = std::getenv("UPT_BIN");
  ASSERT_NE(bin, nullptr);
  int status = 0;
  const std::string out = RunShell(std::string(bin) + " launch --nproc 2 -- /bin/sh -c 'echo ws=$WORLD_SIZE' 2>&1",
                                   &status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("[rank 1] ws=2"), std::string::npos) << out;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> SortedLines(const std::vector<std::filesystem::path>& files) {
  std::vector<std::string> lines;
  for (const auto& f : files) {
    std::ifstream in(f);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Generation shards run as `upt launch` ranks, merged by `upt score`, equal the unsharded run.
TEST(ShardedGenerationTest, ShardsLaunchedAsRanksScoreLikeTheUnshardedRun) {
  const char* bin = std::getenv("UPT_BIN");
  ASSERT_NE(bin, nullptr);
  const auto dir = std::filesystem::temp_directory_path() / ("upt_dist_shard_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string U = bin, D = dir.string();
  int st = 0;
  RunShell(U + " -q model init --config toy --out " + D + "/ck --seed 1 2>&1", &st);
  ASSERT_EQ(st, 0);
  const std::string gen = U + " -q generate --model " + D + "/ck --dataset toy_t1 --n 3 --temperature 1.0 --top-p 1 "
                          "--max-new-tokens 16 --template toy --seed 0 --threads 1 --limit 9";
  std::string out = RunShell(gen + " --out " + D + "/full.jsonl 2>&1", &st);
  ASSERT_EQ(st, 0) << out;
  out = RunShell(U + " launch --nproc 3 -- /bin/sh -c '" + gen + " --shard $RANK/$WORLD_SIZE --out " + D +
                     "/s$RANK.jsonl' 2>&1",
                 &st);
  ASSERT_EQ(st, 0) << out;
  const std::vector<std::filesystem::path> shards = {dir / "s2.jsonl", dir / "s0.jsonl", dir / "s1.jsonl"};
  const auto full_lines = SortedLines({dir / "full.jsonl"});
  EXPECT_EQ(full_lines.size(), 27u);
  EXPECT_EQ(SortedLines(shards), full_lines);
  for (const auto& s : shards) EXPECT_EQ(SortedLines({s}).size(), 9u) << s;  // 3 problems x 3 samples each

  // Exit 1 = ingestion issues: the 55 problems beyond --limit have no samples (the same for both).
  out = RunShell(U + " -q score --dataset toy_t1 --threads 1 --samples " + D + "/full.jsonl --out " + D + "/sc_full 2>&1", &st);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) <= 1) << out;
  const int full_status = st;
  out = RunShell(U + " -q score --dataset toy_t1 --threads 1 --samples " + D + "/s2.jsonl " + D + "/s0.jsonl " + D +
                     "/s1.jsonl --out " + D + "/sc_shard 2>&1",
                 &st);
  ASSERT_EQ(st, full_status) << out;
  EXPECT_EQ(ReadFile(dir / "sc_full/verdicts.jsonl"), ReadFile(dir / "sc_shard/verdicts.jsonl"));
  EXPECT_EQ(ReadFile(dir / "sc_full/problems.csv"), ReadFile(dir / "sc_shard/problems.csv"));
  EXPECT_FALSE(ReadFile(dir / "sc_full/verdicts.jsonl").empty());
  const auto a = nlohmann::json::parse(ReadFile(dir / "sc_full/results.json"));
  const auto b = nlohmann::json::parse(ReadFile(dir / "sc_shard/results.json"));
  for (const char* key : {"benchmark", "metrics", "ci", "truncation", "length"}) {
    ASSERT_TRUE(a.contains(key)) << key;
    EXPECT_EQ(a[key], b[key]) << key;
  }
  EXPECT_EQ(a["benchmark"]["samples"], 27);
  std::filesystem::remove_all(dir);
}

// Ranks as real processes: this test re-runs itself under `upt launch` (like a gtest
// death test). Under the launcher (WORLD_SIZE set) it is one rank: join through the
// TCPStore that `upt launch` set up, all-reduce, and, with UPT_TEST_RANK1_EXITS, rank 1
// exits right after joining so rank 0's collective must fail instead of hanging.
std::string SelfPath() {
  return std::filesystem::read_symlink("/proc/self/exe").string();
}

int AsLaunchedRank() {
  DistContext ctx = DistContext::FromEnvironment({20});
  ctx.Barrier();
  if (std::getenv("UPT_TEST_RANK1_EXITS")) {
    if (ctx.rank() == 1) std::_Exit(7);
    std::signal(SIGTERM, SIG_IGN);  // the launcher's SIGTERM must not end rank 0 before it notices
  }
  try {
    const double sum = ctx.AllReduceSum(std::vector<double>{ctx.rank() + 1.0})[0];
    std::printf("rank %d sum %g\n", ctx.rank(), sum);
    return sum == 3.0 ? 0 : 1;
  } catch (const Error& e) {
    std::printf("rank %d error: %s\n", ctx.rank(), e.what());
    return 2;
  }
}

TEST(LaunchedRanksTest, ProcessesJoinThroughTheLauncherAndADyingRankFailsThePeer) {
  if (std::getenv("WORLD_SIZE")) {  // child mode: one rank
    std::fflush(stdout);
    const int code = AsLaunchedRank();
    std::fflush(stdout);
    std::_Exit(code);
  }
  const char* bin = std::getenv("UPT_BIN");
  ASSERT_NE(bin, nullptr);
  const std::string self = SelfPath() + " --gtest_filter=LaunchedRanksTest.*";
  int st = 0;
  std::string out = RunShell(std::string(bin) + " launch --nproc 2 -- " + self + " 2>&1", &st);
  EXPECT_EQ(WEXITSTATUS(st), 0) << out;
  EXPECT_NE(out.find("[rank 0] rank 0 sum 3"), std::string::npos) << out;
  EXPECT_NE(out.find("[rank 1] rank 1 sum 3"), std::string::npos) << out;

  const auto t0 = std::chrono::steady_clock::now();
  out = RunShell("UPT_TEST_RANK1_EXITS=1 " + std::string(bin) + " launch --nproc 2 --kill-grace 10 -- " + self + " 2>&1",
                 &st);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(WEXITSTATUS(st), 7) << out;
  EXPECT_NE(out.find("rank 1 exited with status 7"), std::string::npos) << out;
  // Rank 0 ignores SIGTERM, so only its own failure detection ends it before the
  // launcher's SIGKILL at 10 s (and far before the 20 s collective timeout).
  EXPECT_NE(out.find("[rank 0] rank 0 error: "), std::string::npos) << out;
  EXPECT_NE(out.find("rank 0/2: all-reduce of metrics failed"), std::string::npos) << out;
  EXPECT_LT(secs, 9.0) << out;
}

}  // namespace
}  // namespace upt::train::dist
