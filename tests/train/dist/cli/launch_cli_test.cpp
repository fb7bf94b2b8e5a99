// `upt launch` and sharded generation end to end through the `upt` binary (UPT_BIN).
// Slow suite: every `upt` start loads libtorch (seconds on a busy 2-core machine).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  const std::string out = RunShell(std::string(bin) +
                                       " launch --nproc 2 --kill-grace 1 -- /bin/sh -c "
                                       "'echo hello from $RANK; [ $RANK = 0 ] || exit 5; sleep 30' 2>&1",
                                   &status);
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

}  // namespace
}  // namespace upt::train::dist
