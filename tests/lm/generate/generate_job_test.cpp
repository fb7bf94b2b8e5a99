// `upt generate` as a library call: an interrupted and resumed run writes the same
// file as an uninterrupted one, shards cover every (problem, sample) pair exactly
// once, and resuming with different settings is refused.
#include "lm/generate/generate_job.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/strings.h"
#include "lm/model/model_tools.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm {
namespace {

std::string ToyCheckpoint() {
  static std::string dir = [] {
    std::string d = testing::TempDir() + "/toy";
    testing::ToyConfig();  // registers "toy"
    ModelInitOptions o;
    o.config = "toy";
    o.out = d;
    o.seed = 3;
    RunModelInit(o);
    return d;
  }();
  return dir;
}

GenerateJobOptions Job(const std::string& out) {
  GenerateJobOptions o;
  o.model = ToyCheckpoint();
  o.dataset = "toy_t2";
  o.limit = 5;
  o.n = 3;
  o.sampling.Give("temperature", 1.0).Give("top_p", 0.95).Give("max_new_tokens", 12);
  o.template_name = "toy";
  o.seed = 11;
  o.batch_size = 4;
  o.out = out;
  return o;
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  for (auto& l : Split(ReadFile(path), '\n'))
    if (!l.empty()) out.push_back(l);
  return out;
}

TEST(GenerateJobTest, WritesOneLinePerPairInUptSampleFormat) {
  std::string out = testing::TempDir() + "/s.jsonl";
  ASSERT_EQ(RunGenerateJob(Job(out)), 0);
  auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 15u);
  Json first = Json::parse(lines[0]);
  for (const char* f : {"problem_id", "sample_index", "text", "finish_reason", "num_tokens"})
    EXPECT_TRUE(first.contains(f)) << f;
  EXPECT_EQ(first["sample_index"], 0);
  EXPECT_LE(first["num_tokens"].get<int>(), 12);
  Json meta = Json::parse(ReadFile(out + ".meta.json"));
  EXPECT_EQ(meta["settings"]["dataset"], "toy_t2");
  EXPECT_EQ(meta["settings"]["seed"], 11);
  EXPECT_EQ(meta["settings"]["model_weights_sha256"].get<std::string>().size(), 64u);
  EXPECT_TRUE(meta.contains("git_revision"));
}

TEST(GenerateJobTest, ResumeAfterInterruptionGivesTheIdenticalFile) {
  std::string full = testing::TempDir() + "/full.jsonl";
  ASSERT_EQ(RunGenerateJob(Job(full)), 0);
  auto lines = Lines(full);
  // Simulate a kill after 7 complete lines and half of the 8th.
  std::string cut = testing::TempDir() + "/cut.jsonl";
  std::string partial;
  for (int i = 0; i < 7; ++i) partial += lines[i] + "\n";
  partial += lines[7].substr(0, lines[7].size() / 2);
  WriteFileAtomic(cut, partial);
  WriteFileAtomic(cut + ".meta.json", ReadFile(full + ".meta.json"));
  auto job = Job(cut);
  job.batch_size = 5;  // a different batching on resume must not matter
  ASSERT_EQ(RunGenerateJob(job), 0);
  EXPECT_EQ(ReadFile(cut), ReadFile(full));
}

TEST(GenerateJobTest, ResumingWithDifferentSettingsIsRefused) {
  std::string out = testing::TempDir() + "/r.jsonl";
  ASSERT_EQ(RunGenerateJob(Job(out)), 0);
  auto job = Job(out);
  job.seed = 12;
  EXPECT_THROW(RunGenerateJob(job), Error);
}

TEST(GenerateJobTest, ShardsCoverEveryPairExactlyOnce) {
  std::string full = testing::TempDir() + "/all.jsonl";
  ASSERT_EQ(RunGenerateJob(Job(full)), 0);
  std::set<std::string> want;
  for (auto& l : Lines(full)) want.insert(l);
  std::multiset<std::pair<std::string, int>> pairs;
  std::set<std::string> got;
  for (int i = 0; i < 3; ++i) {
    auto job = Job(testing::TempDir() + "/shard.jsonl");
    job.shard = std::to_string(i) + "/3";
    ASSERT_EQ(RunGenerateJob(job), 0);
    for (auto& l : Lines(job.out)) {
      Json j = Json::parse(l);
      pairs.insert({j["problem_id"].get<std::string>(), j["sample_index"].get<int>()});
      got.insert(l);
    }
  }
  EXPECT_EQ(pairs.size(), 15u);
  for (const auto& p : pairs) EXPECT_EQ(pairs.count(p), 1u) << p.first << " " << p.second;
  EXPECT_EQ(got, want);  // same samples as the unsharded run
}

TEST(GenerateJobTest, RejectsBadShardText) {
  int i, n;
  ParseShard("2/4", &i, &n);
  EXPECT_EQ(i, 2);
  EXPECT_EQ(n, 4);
  EXPECT_THROW(ParseShard("4/4", &i, &n), Error);
  EXPECT_THROW(ParseShard("x", &i, &n), Error);
}

TEST(GenerateJobTest, MinPIsAppliedRecordedInProvenanceAndPartOfTheResumeKey) {
  std::string plain = testing::TempDir() + "/minp0.jsonl", cut = testing::TempDir() + "/minp.jsonl";
  ASSERT_EQ(RunGenerateJob(Job(plain)), 0);
  auto job = Job(cut);
  job.sampling.Give("min_p", 0.5);  // toy logits are broad: keeping only tokens within 2x of the best changes the draws
  ASSERT_EQ(RunGenerateJob(job), 0);
  EXPECT_NE(ReadFile(cut), ReadFile(plain));
  Json meta = Json::parse(ReadFile(cut + ".meta.json"));
  EXPECT_DOUBLE_EQ(meta["settings"]["sampling"]["min_p"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(Json::parse(ReadFile(plain + ".meta.json"))["settings"]["sampling"]["min_p"].get<double>(), 0.0);
  job.sampling.Give("min_p", 0.4);
  EXPECT_THROW(RunGenerateJob(job), Error);  // resuming with another min_p
  auto bad = Job(testing::TempDir() + "/minp_bad.jsonl");
  bad.sampling.Give("min_p", 1.0);
  EXPECT_THROW(RunGenerateJob(bad), Error);
}

}  // namespace
}  // namespace upt::lm
