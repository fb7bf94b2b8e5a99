// `upt score` as a child process: killed mid-run (SIGKILL), rerun, and the
// outputs must be byte-identical to an uninterrupted run. Also `upt passk
// --format json` prints exactly the documented object.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/fs.h"
#include "core/json.h"
#include "../core/test_util.h"

namespace upt::eval {
namespace {

std::string UptBin() {
  const char* b = std::getenv("UPT_BIN");
  if (b && FileExists(b)) return b;
  return std::string(UPT_BINARY_DIR) + "/cli/upt";
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& out_file) {
  pid_t pid = fork();
  if (pid == 0) {
    FILE* f = std::freopen(out_file.c_str(), "w", stdout);
    (void)f;
    std::freopen("/dev/null", "w", stderr);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void WriteFixture(const upt::testing::TempDir& dir, int samples_per_problem) {
  std::string ds, s;
  for (int p = 0; p < 20; ++p) {
    ds += "{\"id\": \"q" + std::to_string(p) + "\", \"problem\": \"What is " + std::to_string(p) + "+1?\", \"answer\": \"" +
          std::to_string(p + 1) + "\"}\n";
    for (int i = 0; i < samples_per_problem; ++i)
      s += "{\"problem_id\": \"q" + std::to_string(p) + "\", \"sample_index\": " + std::to_string(i) +
           ", \"text\": \"so the answer is \\\\boxed{" + std::to_string(p + 1 + (i % 3 == 0)) + "}\"}\n";
  }
  WriteFileAtomic(dir.file("ds.jsonl"), ds);
  WriteFileAtomic(dir.file("s.jsonl"), s);
}

std::vector<std::string> ScoreArgs(const upt::testing::TempDir& dir, const std::string& out, int batch = 4096) {
  return {UptBin(), "-q", "score", "--dataset-file", dir.file("ds.jsonl"), "--samples", dir.file("s.jsonl"),
          "--out", dir.file(out), "--batch", std::to_string(batch), "--bootstrap", "100", "--threads", "1"};
}

TEST(CliScoreTest, KilledRunResumesToIdenticalBytes) {
  upt::testing::TempDir dir;
  WriteFixture(dir, 100);  // 2000 samples
  ASSERT_EQ(Wait(Spawn(ScoreArgs(dir, "full"), dir.file("full.txt"))), 0) << ReadFile(dir.file("full.txt"));
  // Same first-run date as the uninterrupted run (run.json pins it), then a
  // slow run (8 samples per fsynced batch) killed once some verdicts are on disk.
  std::filesystem::create_directories(dir.file("killed"));
  std::filesystem::copy_file(dir.file("full/run.json"), dir.file("killed/run.json"));
  pid_t pid = Spawn(ScoreArgs(dir, "killed", 8), dir.file("killed.txt"));
  std::string partial = dir.file("killed/verdicts.partial.jsonl");
  for (int i = 0; i < 2000; ++i) {
    if (FileExists(partial) && std::filesystem::file_size(partial) > 2000) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  Wait(pid);
  bool was_mid_run = !FileExists(dir.file("killed/results.json"));
  ASSERT_EQ(Wait(Spawn(ScoreArgs(dir, "killed", 8), dir.file("resumed.txt"))), 0);
  for (const char* f : {"verdicts.jsonl", "problems.csv", "results.json"})
    EXPECT_EQ(ReadFile(dir.file(std::string("full/") + f)), ReadFile(dir.file(std::string("killed/") + f))) << f;
  if (was_mid_run) {
    // The rerun graded only what the killed run had not written.
    std::string out = ReadFile(dir.file("resumed.txt"));
    EXPECT_EQ(out.find("2000 graded now"), std::string::npos) << out;
  }
}

TEST(CliPassKTest, JsonIsExactlyTheDocumentedObject) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("c.csv"), "id,n,c\na,4,1\nb,4,4\nc,4,0\n");
  ASSERT_EQ(Wait(Spawn({UptBin(), "passk", "--counts", dir.file("c.csv"), "--k", "1,2,4", "--format", "json",
                        "--bootstrap", "200", "--out", dir.file("t.json")},
                       dir.file("out.txt"))),
            0);
  Json j = Json::parse(ReadFile(dir.file("out.txt")));
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j["k"], Json({1, 2, 4}));
  EXPECT_NEAR(j["pass_at_k"][0].get<double>(), (0.25 + 1 + 0) / 3, 1e-12);
  EXPECT_NEAR(j["pass_at_k"][1].get<double>(), (0.5 + 1 + 0) / 3, 1e-12);
  EXPECT_NEAR(j["pass_at_k"][2].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_EQ(j["bootstrap"]["B"], 200);
  for (const char* f : {"mean", "ci_low", "ci_high"}) {
    ASSERT_EQ(j["bootstrap"][f].size(), 3u);
    for (const auto& v : j["bootstrap"][f]) EXPECT_TRUE(v.get<double>() >= 0 && v.get<double>() <= 1);
  }
  EXPECT_EQ(ReadFile(dir.file("t.json")), ReadFile(dir.file("out.txt")));
  // k larger than a problem's n: exit 2 naming the problem.
  EXPECT_EQ(Wait(Spawn({UptBin(), "passk", "--counts", dir.file("c.csv"), "--k", "8"}, dir.file("e.txt"))), 2);
}

TEST(CliCompareTest, PairedTableOverSharedProblems) {
  upt::testing::TempDir dir;
  WriteFixture(dir, 4);
  ASSERT_EQ(Wait(Spawn(ScoreArgs(dir, "a"), dir.file("a.txt"))), 0);
  ASSERT_EQ(Wait(Spawn({UptBin(), "compare", dir.file("a"), dir.file("a"), "--format", "json"}, dir.file("c.txt"))), 0);
  Json j = Json::parse(ReadFile(dir.file("c.txt")));
  EXPECT_EQ(j["problems"], 20);
  ASSERT_EQ(j["metrics"].size(), 4u);  // pass@1, pass@2, pass@4, maj@4
  EXPECT_EQ(j["metrics"][3]["metric"], "maj@4");
  EXPECT_EQ(j["metrics"][0]["diff"], 0.0);
  EXPECT_GT(j["metrics"][0]["p_value"].get<double>(), 0.5);
}

}  // namespace
}  // namespace upt::eval
