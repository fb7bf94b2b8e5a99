// `upt model init|info|logprobs` bodies: deterministic init, the info summary, and
// log-probs of prompt/completion lines equal the tail of the whole text's.
#include "lm/model/model_tools.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/json.h"
#include "core/strings.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm {
namespace {

std::string Init(long long seed) {
  testing::ToyConfig();  // registers "toy"
  ModelInitOptions o;
  o.config = "toy";
  o.out = testing::TempDir() + "/m";
  o.seed = seed;
  RunModelInit(o);
  return o.out;
}

TEST(ModelToolsTest, InitIsByteIdenticalForASeedAndInfoSummarises) {
  std::string a = Init(5), b = Init(5), c = Init(6);
  EXPECT_EQ(Sha256File(a + "/model.safetensors"), Sha256File(b + "/model.safetensors"));
  EXPECT_NE(Sha256File(a + "/model.safetensors"), Sha256File(c + "/model.safetensors"));
  for (const char* f : {"config.json", "generation_config.json", "tokenizer.json"})
    EXPECT_TRUE(FileExists(a + "/" + f)) << f;
  std::string info = ModelInfoText(a);
  EXPECT_NE(info.find("2 layers, d_model 96, 4 heads (2 KV, head dim 24), SwiGLU 256, vocab 41"), std::string::npos)
      << info;
  EXPECT_NE(info.find("parameters    207552"), std::string::npos) << info;
  EXPECT_NE(info.find("special: <pad> <bos> <eos>"), std::string::npos) << info;
}

TEST(ModelToolsTest, CompletionLogProbsEqualTheTailOfTheWholeText) {
  std::string dir = Init(7);
  std::string in = testing::TempDir() + "/in.jsonl", out = testing::TempDir() + "/out.jsonl";
  WriteFileAtomic(in, R"({"text": "Q: 12+3= A: 15"})" "\n" R"({"prompt": "Q: 12+3= A:", "completion": " 15"})" "\n");
  LogprobsOptions o;
  o.model = dir;
  o.in = in;
  o.out = out;
  ASSERT_EQ(RunModelLogprobs(o), 0);
  auto lines = Split(ReadFile(out), '\n');
  Json whole = Json::parse(lines[0]), part = Json::parse(lines[1]);
  ASSERT_EQ(whole["tokens"].size(), 14u);  // one per symbol; bos is the context of the first
  ASSERT_EQ(part["tokens"].size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(part["tokens"][i], whole["tokens"][11 + i]);
    EXPECT_NEAR(part["logprobs"][i].get<double>(), whole["logprobs"][11 + i].get<double>(), 1e-5);
  }
  for (const auto& lp : whole["logprobs"]) EXPECT_LT(lp.get<double>(), 0.0);
}

TEST(ModelToolsTest, UnknownPresetIsAClearError) {
  EXPECT_THROW(ConfigPresetOrFile("tiny-llama"), Error);
}

}  // namespace
}  // namespace upt::lm
