// The toy base model: tokenizer, config and a short pre-training run.
#include "train/toy/toy_base.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>

#include "core/fs.h"
#include "core/strings.h"
#include "lm/model/checkpoint.h"
#include "lm/tokenizer/tokenizer.h"

namespace upt::train::toy {
namespace {

TEST(ToyBaseTest, TokenizerEncodesEveryToySymbolAsOneToken) {
  lm::Tokenizer tok = lm::Tokenizer::FromJsonText(ToyTokenizerJson());
  const std::string text = "Q: 75+20-2*5-82= A: 2*5=10 75+20=95 95-10=85 85-82=3 \\boxed{3}";
  auto ids = tok.Encode(text, false);
  EXPECT_EQ(ids.size(), datasets::toy::ToySymbolize(text).size());
  EXPECT_EQ(tok.Decode(ids), text);
  EXPECT_GE(tok.TokenToId("\\boxed{"), 0);
  EXPECT_EQ(tok.TokenToId("<pad>"), 0);
}

TEST(ToyBaseTest, ConfigMatchesToyWorldShape) {
  auto c = ToyModelConfig();
  EXPECT_EQ(c.vocab_size, lm::Tokenizer::FromJsonText(ToyTokenizerJson()).vocab_size());
  EXPECT_EQ(c.pad_token_id, 0);
  EXPECT_EQ(c.bos_token_id, 1);
  EXPECT_EQ(c.eos_token_ids, std::vector<int>{2});
  EXPECT_EQ(c.hidden_size, 96);
  EXPECT_EQ(c.num_hidden_layers, 2);
  EXPECT_EQ(c.num_attention_heads, 4);
  EXPECT_EQ(c.num_key_value_heads, 2);
  EXPECT_EQ(c.intermediate_size, 256);
  EXPECT_EQ(c.max_position_embeddings, 128);
  EXPECT_TRUE(c.tie_word_embeddings);
}

TEST(ToyBaseTest, ShortPretrainingLowersTheLossAndWritesALoadableCheckpoint) {
  std::string dir = (std::filesystem::temp_directory_path() / ("upt_toy_base_" + std::to_string(::getpid()))).string();
  ToyPretrainOptions o;
  o.out_dir = dir;
  o.steps = 30;
  o.batch_size = 16;
  o.warmup_steps = 5;
  o.log_every = 10;
  o.threads = 1;
  o.model.hidden_size = 32;
  o.model.num_layers = 1;
  o.model.num_heads = 2;
  o.model.num_kv_heads = 1;
  o.model.intermediate_size = 64;
  o.world.pretrain_size = 500;
  ToyPretrainResult r = PretrainToyBase(o);
  auto lines = Split(ReadFile(dir + "/pretrain_log.jsonl"), '\n');
  ASSERT_GE(lines.size(), 3u);
  double first = Json::parse(lines[0])["loss"].get<double>();
  EXPECT_LT(r.final_loss, first);
  EXPECT_LT(first, 4.0);  // below log(48) = 3.87 + slack: it learned something in 10 steps
  auto model = lm::LoadQwen2(dir, torch::kCPU);
  EXPECT_EQ(model->config().hidden_size, 32);
  EXPECT_TRUE(FileExists(dir + "/tokenizer.json"));
  std::filesystem::remove_all(dir);
}

TEST(ToyBaseTest, TrainExamplesCarryDemonstrationsThatEndInTheGoldAnswer) {
  auto ex = ToyTrainExamples({});
  ASSERT_FALSE(ex.empty());
  for (size_t i = 0; i < 50; ++i) {
    EXPECT_FALSE(ex[i].target.empty());
    EXPECT_TRUE(EndsWith(ex[i].target, "\\boxed{" + ex[i].answer + "}")) << ex[i].target;
  }
}

}  // namespace
}  // namespace upt::train::toy
