// Presets and the stage table of `upt reproduce` (no model is run here).
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/error.h"
#include "datasets/registry.h"
#include "pipeline/presets.h"
#include "pipeline/reproduce.h"
#include "verifiers/verify.h"

namespace upt::pipeline {
namespace {

std::vector<std::string> Names(const std::vector<Stage>& st) {
  std::vector<std::string> n;
  for (const auto& s : st) n.push_back(s.name);
  return n;
}

TEST(PresetTest, ToyHasAtLeast256SamplesOnEveryToyBenchmark) {
  const auto& p = FindPreset("toy");
  EXPECT_NO_THROW(ValidatePreset(p));
  ASSERT_EQ(p.evals.size(), 8u);
  int ood = 0;
  for (const auto& e : p.evals) {
    EXPECT_GE(e.samples, 256) << e.benchmark;
    EXPECT_GE(e.samples, 2 * p.max_k) << e.benchmark;  // Pass@k by bootstrap up to max_k
    ood += datasets::GetBenchmarkInfo(e.benchmark).group == datasets::BenchmarkGroup::kOutOfDistribution ? 1 : 0;
  }
  EXPECT_EQ(ood, 2);
  EXPECT_EQ(p.max_k, 128);
  EXPECT_EQ(p.methods.size(), 5u);
}

TEST(PresetTest, ToyBenchmarksAreTheTablesToyRowsInSuiteOrder) {
  std::vector<std::string> names;
  for (const auto& e : FindPreset("toy").evals) names.push_back(e.benchmark);
  EXPECT_EQ(names, datasets::ExpandBenchmarkNames("toy6,toy_ood2"));
}

TEST(PresetTest, SamplingIsCompleteAndTheStudysSettings) {
  const auto& toy = FindPreset("toy").sampling;
  EXPECT_DOUBLE_EQ(toy.temperature, 0.6);
  EXPECT_DOUBLE_EQ(toy.top_p, 1.0);
  EXPECT_EQ(toy.max_new_tokens, 48);
  const auto& paper = FindPreset("paper-qwen25-math-7b").sampling;
  EXPECT_DOUBLE_EQ(paper.top_p, 0.95);
  EXPECT_EQ(paper.max_new_tokens, 8192);
}

TEST(PresetTest, ValidateRejectsTooFewSamplesForToy) {
  ReproducePreset p = FindPreset("toy");
  p.evals[3].samples = 64;
  EXPECT_THROW(ValidatePreset(p), Error);
  p = FindPreset("toy");
  p.train_steps = 0;
  EXPECT_THROW(ValidatePreset(p), Error);
}

TEST(PresetTest, UnknownPresetNamesTheClosest) {
  try {
    FindPreset("toy-smok");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("toy-smoke"), std::string::npos) << e.what();
  }
}

TEST(StageTableTest, ToyAndSmokeHaveTheSameStages) {
  auto toy = BuildStages(FindPreset("toy"), "/tmp/x", "cpu");
  auto smoke = BuildStages(FindPreset("toy-smoke"), "/tmp/x", "cpu");
  EXPECT_EQ(Names(toy), Names(smoke));
  // world, base, 5 x train, 6 x (generate, score), report
  EXPECT_EQ(toy.size(), 2u + 5u + 12u + 1u);
  EXPECT_NO_THROW(CheckStageTable(toy));
  EXPECT_EQ(toy.front().name, "world");
  EXPECT_EQ(toy.back().name, "report");
  std::set<std::string> report_inputs(toy.back().inputs.begin(), toy.back().inputs.end());
  for (const char* r : {"base", "sft", "grpo", "sft_then_grpo", "luffy", "hpt"})
    EXPECT_TRUE(report_inputs.count(std::string("score_") + r)) << r;
  // Different sizes give different hashes for every stage.
  auto ht = StageHashes(toy), hs = StageHashes(smoke);
  for (size_t i = 0; i + 1 < ht.size(); ++i)
    if (i > 0) EXPECT_NE(ht[i], hs[i]) << toy[i].name;
}

TEST(StageTableTest, SftThenGrpoGetsTheSameStepBudget) {
  auto st = BuildStages(FindPreset("toy"), "/tmp/x", "cpu");
  for (const auto& s : st) {
    if (s.name.rfind("train_", 0) != 0) continue;
    EXPECT_EQ(s.options["trainer.total_training_steps"].get<int>(), FindPreset("toy").train_steps) << s.name;
    if (s.name == "train_sft_then_grpo") EXPECT_EQ(s.options["algorithm.sft_steps"].get<int>(), FindPreset("toy").train_steps / 2);
  }
}

// A score stage's hash covers the verifier's rules version, so resuming after a
// verifier upgrade re-scores instead of keeping verdicts of the old rules.
TEST(StageTableTest, ScoreStagesRecordTheFullVerifierPolicyWithItsRulesVersion) {
  const std::string policy = verifiers::PolicyName(verifiers::GradeOptions{});
  ASSERT_EQ(policy.rfind("upt-verify-", 0), 0u) << policy;
  int scores = 0;
  for (const auto& s : BuildStages(FindPreset("toy"), "/tmp/x", "cpu")) {
    if (s.name.rfind("score_", 0) != 0) continue;
    ++scores;
    EXPECT_EQ(s.options["policy"].get<std::string>(), policy) << s.name;
  }
  EXPECT_EQ(scores, 6);
}

TEST(EmbeddedConfigTest, ToyAndPaperConfigsAreLinkedIn) {
  EXPECT_NE(EmbeddedConfig("toy/hpt.yaml").find("preset: hpt"), std::string::npos);
  EXPECT_NE(EmbeddedConfig("paper/qwen25-math-7b_grpo.yaml").find("preset: grpo"), std::string::npos);
  EXPECT_THROW(EmbeddedConfig("toy/nope.yaml"), Error);
}

TEST(PaperPresetTest, DryRunValidatesAndRealRunNamesTheCheckpoint) {
  for (const char* name : {"paper-qwen25-math-7b", "paper-qwen25-math-1.5b", "paper-llama31-8b"}) {
    ReproduceOptions o;
    o.preset = name;
    o.out = "/tmp/upt_pipeline_never_written";
    o.dry_run = true;
    testing::internal::CaptureStdout();
    int rc = RunReproduce(o);
    std::string text = testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0) << text;
    EXPECT_NE(text.find("aime24 n=32"), std::string::npos) << text;
    EXPECT_NE(text.find("2048"), std::string::npos);
    o.dry_run = false;
    testing::internal::CaptureStdout();
    try {
      RunReproduce(o);
      testing::internal::GetCapturedStdout();
      FAIL() << "paper preset ran without --dry-run";
    } catch (const Error& e) {
      testing::internal::GetCapturedStdout();
      EXPECT_NE(std::string(e.what()).find("needs the checkpoint at models/"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace upt::pipeline
