// `upt reproduce --preset toy-smoke` end to end into a temp dir: every artefact
// exists and is well-formed, and a second run with --resume skips every stage.
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/jsonl.h"
#include "core/strings.h"
#include "lm/model/checkpoint.h"
#include "pipeline/presets.h"
#include "pipeline/reproduce.h"
#include "train/loop/checkpoint.h"

namespace upt::pipeline {
namespace {
namespace fs = std::filesystem;

long long CountLines(const std::string& path) {
  long long n = 0;
  for (const auto& line : Split(ReadFile(path), '\n'))
    if (!Trim(line).empty()) ++n;
  return n;
}

TEST(ToySmokeTest, ProducesEveryArtefactAndResumeSkipsEveryStage) {
  const std::string out = (fs::temp_directory_path() / ("upt_toy_smoke_" + std::to_string(::getpid()))).string();
  fs::remove_all(out);
  ReproduceOptions o;
  o.preset = "toy-smoke";
  o.out = out;
  o.threads = 2;
  ReproduceResult r1;
  ASSERT_EQ(RunReproduce(o, &r1), 0);
  for (const auto& s : r1.stages) EXPECT_EQ(s.status, StageStatus::kDone) << s.name;

  const ReproducePreset& p = FindPreset("toy-smoke");
  // The base and every method's last checkpoint load as models.
  EXPECT_NO_THROW(lm::LoadQwen2(out + "/runs/base/model", lm::ParseDevice("cpu")));
  std::vector<std::string> runs{"base"};
  for (const auto& m : p.methods) {
    runs.push_back(m.key);
    std::string ckpt = train::LatestCheckpoint(out + "/runs/" + m.key + "/train");
    ASSERT_FALSE(ckpt.empty()) << m.key;
    EXPECT_NO_THROW(lm::LoadQwen2(ckpt, lm::ParseDevice("cpu"))) << m.key;
    EXPECT_TRUE(FileExists(out + "/runs/" + m.key + "/train/metrics.jsonl")) << m.key;
  }
  for (const auto& run : runs) {
    for (const auto& e : p.evals) {
      const std::string samples = out + "/runs/" + run + "/samples/" + e.benchmark + ".jsonl";
      ASSERT_TRUE(FileExists(samples)) << samples;
      EXPECT_EQ(CountLines(samples), static_cast<long long>(e.samples) * e.problems) << samples;
      const std::string scores = out + "/runs/" + run + "/scores/" + e.benchmark;
      ASSERT_TRUE(FileExists(scores + "/results.json")) << scores;
      Json res = Json::parse(ReadFile(scores + "/results.json"));
      EXPECT_EQ(res["benchmark"]["samples"].get<long long>(), static_cast<long long>(e.samples) * e.problems);
      EXPECT_EQ(CountLines(scores + "/problems.csv"), e.problems + 1) << scores;  // header + rows
    }
    EXPECT_TRUE(FileExists(out + "/runs/" + run + "/scores/stage.json"));
  }
  for (const char* f : {"index.html", "index.md", "report.json", "tables/results.md", "tables/results.csv",
                        "tables/results.tex"})
    EXPECT_TRUE(FileExists(out + "/report/" + f)) << f;
  std::string table = ReadFile(out + "/report/tables/results.md");
  for (const char* label : {"Base", "SFT", "GRPO", "LUFFY", "HPT"}) EXPECT_NE(table.find(label), std::string::npos);
  EXPECT_NE(table.find("Out-of-distribution"), std::string::npos) << table;

  // Without --resume an existing output folder is an error; with it, every stage is skipped.
  EXPECT_THROW(RunReproduce(o), Error);
  o.resume = true;
  ReproduceResult r2;
  ASSERT_EQ(RunReproduce(o, &r2), 0);
  ASSERT_EQ(r2.stages.size(), r1.stages.size());
  for (const auto& s : r2.stages) EXPECT_EQ(s.status, StageStatus::kSkipped) << s.name;
  EXPECT_LT(r2.seconds, 5.0);
  fs::remove_all(out);
}

}  // namespace
}  // namespace upt::pipeline
