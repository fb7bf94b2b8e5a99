// `upt reproduce --seeds K`: K replicates in one resumable stage table.
#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "pipeline/presets.h"
#include "pipeline/reproduce.h"
#include "pipeline/stages.h"

namespace upt::pipeline {
namespace {

TEST(ReplicatesTest, EachSeedHasItsOwnBaseTrainingAndEvaluation) {
  ReproducePreset p = FindPreset("toy-smoke");
  p.seeds = 3;
  auto st = BuildStages(p, "/tmp/x", "cpu");
  EXPECT_NO_THROW(CheckStageTable(st));
  // world, 3 x (base, 5 train, 6 x (generate, score)), report
  EXPECT_EQ(st.size(), 1u + 3u * (1u + 5u + 12u) + 1u);
  std::set<std::string> names;
  for (const auto& s : st) names.insert(s.name);
  for (const char* n : {"base_s0", "base_s2", "train_hpt_s1", "generate_s2/hpt", "score_s0/base", "report"})
    EXPECT_TRUE(names.count(n)) << n;
  auto find = [&](const std::string& n) -> const Stage& {
    for (const auto& s : st)
      if (s.name == n) return s;
    throw Error("no stage " + n);
  };
  EXPECT_EQ(find("train_hpt_s1").inputs, (std::vector<std::string>{"base_s1"}));
  EXPECT_EQ(find("train_hpt_s1").output, "runs/s1/hpt/train");
  EXPECT_EQ(find("base_s2").output, "runs/s2/base/model");
  // Replicate r uses seed + r for pre-training and post-training.
  EXPECT_EQ(find("base_s0").options["seed"], 0);
  EXPECT_EQ(find("base_s2").options["seed"], 2);
  EXPECT_EQ(find("train_grpo_s1").options["trainer.seed"], 1);
  // The report reads every replicate's scores, labelled METHOD/s<r>, and knows the unseen tiers.
  const Stage& rep = find("report");
  EXPECT_EQ(rep.inputs.size(), 3u * (6u + 5u));
  std::string runs = rep.options["runs"].dump();
  EXPECT_NE(runs.find("HPT/s2="), std::string::npos) << runs;
  EXPECT_NE(runs.find("/runs/s2/hpt"), std::string::npos) << runs;
  EXPECT_EQ(rep.options["unseen"].dump(), R"(["toy_t5","toy_t6"])");  // pretrain_mix 0 in toy_world.h
  // Distinct replicates hash differently; the single-seed table is unchanged by the option.
  auto h = StageHashes(st);
  std::set<std::string> unique(h.begin(), h.end());
  EXPECT_EQ(unique.size(), h.size());
  EXPECT_EQ(BuildStages(FindPreset("toy-smoke"), "/tmp/x", "cpu").size(), 20u);
  EXPECT_EQ(FormatPlan(p, st, "/tmp/x", 2).find("replicates: 3") != std::string::npos, true);
}

TEST(ReplicatesTest, ToyFullPresetIsFiveSeedsWithLargerEvaluation) {
  const ReproducePreset& f = FindPreset("toy-full");
  EXPECT_EQ(f.seeds, 5);
  EXPECT_NO_THROW(ValidatePreset(f));
  for (const auto& e : f.evals) {
    EXPECT_EQ(e.problems, 40) << e.benchmark;
    EXPECT_GE(e.samples, 256);
  }
  EXPECT_GT(f.evals[0].problems, FindPreset("toy").evals[0].problems);
  ReproducePreset bad = FindPreset("toy");
  bad.seeds = 0;
  EXPECT_THROW(ValidatePreset(bad), Error);
}

}  // namespace
}  // namespace upt::pipeline
