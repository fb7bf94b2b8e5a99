// Two writers into one output (issue 14, item 2): the second fails at once with
// the holder's pid and command; nothing of the first is lost.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "core/fs.h"
#include "core/lock.h"
#include "rel_util.h"
#include "tests/core/test_util.h"

namespace upt::reliability {
namespace {

std::string ScoreArgs() { return "score --dataset aime24 --samples " + Src("examples/aime24_samples.jsonl"); }

void ExpectRefusedByThisProcess(const Result& r) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "in use by pid " + std::to_string(::getpid()))) << r.err;
  EXPECT_TRUE(Contains(r.err, "reliability_tests")) << r.err;  // the holder's command line
}

TEST(ConcurrencyTest, ScoreIntoAFolderHeldByAnotherWriterIsRefusedAndWritesNothing) {
  testing::TempDir tmp;
  const std::string out = tmp.file("scores");
  {
    OutputLock held = OutputLock::ForDir(out);
    ExpectRefusedByThisProcess(Upt(ScoreArgs() + " --out " + out, tmp.path()));
    EXPECT_FALSE(FileExists(out + "/verdicts.jsonl"));
    EXPECT_FALSE(FileExists(out + "/verdicts.partial.jsonl"));
  }
  Result ok = Upt(ScoreArgs() + " --out " + out, tmp.path());
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(CountLines(out + "/verdicts.jsonl"), 480);
  EXPECT_FALSE(FileExists(out + "/.upt.lock"));  // released on exit
}

TEST(ConcurrencyTest, TwoScoreProcessesStartedTogetherNeverLoseVerdicts) {
  testing::TempDir tmp;
  Result ref = Upt(ScoreArgs() + " --out " + tmp.file("ref"), tmp.path());
  ASSERT_EQ(ref.code, 0) << ref.err;
  const std::string out = tmp.file("shared");
  for (int trial = 0; trial < 3; ++trial) {
    std::filesystem::remove_all(out);
    pid_t a = Spawn(ScoreArgs() + " --threads 1 --out " + out, tmp.file("a.log"));
    pid_t b = Spawn(ScoreArgs() + " --threads 1 --out " + out, tmp.file("b.log"));
    int ca = Wait(a), cb = Wait(b);
    // Either both ran one after the other, or one was refused; never a mix.
    for (auto [code, log] : {std::pair{ca, tmp.file("a.log")}, std::pair{cb, tmp.file("b.log")}})
      if (code != 0) {
        EXPECT_EQ(code, 2) << ReadFile(log);
        // "by pid N (cmd)", or "by another upt process" when the holder has not written its pid yet.
        EXPECT_TRUE(Contains(ReadFile(log), "output is in use by")) << ReadFile(log);
      }
    EXPECT_TRUE(ca == 0 || cb == 0);
    EXPECT_EQ(ReadFile(out + "/verdicts.jsonl"), ReadFile(tmp.file("ref/verdicts.jsonl"))) << "trial " << trial;
  }
}

TEST(ConcurrencyTest, GenerateIntoAFileHeldByAnotherWriterIsRefused) {
  testing::TempDir tmp;
  const std::string out = tmp.file("samples.jsonl");
  OutputLock held = OutputLock::ForFile(out);
  // Refused before the model is even opened (the model path does not exist).
  ExpectRefusedByThisProcess(Upt("generate --model " + tmp.file("no_model") + " --dataset toy_t1 --out " + out,
                                 tmp.path()));
  EXPECT_FALSE(FileExists(out));
  EXPECT_FALSE(FileExists(out + ".meta.json"));
}

TEST(ConcurrencyTest, TrainIntoARunDirectoryHeldByAnotherWriterIsRefused) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  WriteFileAtomic(tmp.file("t.yaml"), TinyTrainYaml(model, 2, 1));
  const std::string run = tmp.file("run");
  OutputLock held = OutputLock::ForDir(run);
  ExpectRefusedByThisProcess(Upt("train --config " + tmp.file("t.yaml") + " --out " + run, tmp.path()));
  EXPECT_FALSE(FileExists(run + "/metrics.jsonl"));
  EXPECT_FALSE(FileExists(run + "/latest"));
}

TEST(ConcurrencyTest, ReproduceIntoAStudyFolderHeldByAnotherWriterIsRefused) {
  testing::TempDir tmp;
  const std::string out = tmp.file("study");
  OutputLock held = OutputLock::ForDir(out);
  ExpectRefusedByThisProcess(Upt("reproduce --preset toy --out " + out, tmp.path()));
  Result dry = Upt("reproduce --preset toy --dry-run --out " + out, tmp.path());  // reads only: no lock
  EXPECT_EQ(dry.code, 0) << dry.err;
}

}  // namespace
}  // namespace upt::reliability
