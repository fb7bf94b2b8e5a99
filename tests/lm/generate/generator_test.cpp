// Batched KV-cache generation: greedy equals argmax recomputation, sampled outputs
// are independent of batch size, a uniform-logit mock model gives uniform draws,
// stop tokens / length limits, and returned log-probs equal teacher-forced ones.
#include "lm/generate/generator.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/rng.h"
#include "datasets/toy/toy_world.h"
#include "lm/tokenizer/char_level.h"
#include "lm/model/checkpoint.h"
#include "lm/model/qwen2.h"
#include "lm/model/token_logprobs.h"
#include "tests/lm/generate/toy_model.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm {
namespace {

using testing::ToyConfig;

Qwen2ForCausalLM ToyModel(uint64_t seed = 1) { return testing::SeededToyModel(seed); }

std::vector<GenerationRequest> Requests(int prompts, int samples) {
  return testing::SyntheticRequests(prompts, samples, 0, 2);
}

TEST(GeneratorTest, GreedyEqualsArgmaxOfFullRecomputation) {
  auto model = ToyModel();
  Generator gen(model.ptr(), nullptr, {}, {0, 1});
  SamplingParams p;
  p.temperature = 0;
  p.max_new_tokens = 12;
  auto reqs = Requests(2, 1);
  auto out = gen.Generate(reqs, p, 0);
  torch::NoGradGuard ng;
  for (size_t r = 0; r < reqs.size(); ++r) {
    std::vector<int64_t> seq(reqs[r].prompt.begin(), reqs[r].prompt.end());
    for (int t = 0; t < 12; ++t) {
      auto logits = model->forward(torch::tensor(seq).view({1, -1})).select(1, seq.size() - 1)[0];
      logits.narrow(0, 0, 2).fill_(-1e30);  // banned pad, bos
      seq.push_back(logits.argmax().item<int64_t>());
    }
    std::vector<int32_t> want(seq.begin() + reqs[r].prompt.size(), seq.end());
    EXPECT_EQ(out[r].tokens, want) << "request " << r;
    EXPECT_EQ(out[r].finish_reason, "length");
  }
  EXPECT_EQ(gen.Generate(reqs, p, 99)[0].tokens, out[0].tokens);  // greedy ignores the seed
}

TEST(GeneratorTest, SampledOutputsDoNotDependOnBatchSize) {
  auto model = ToyModel(2);
  Generator gen(model.ptr(), nullptr, {2}, {0, 1});
  SamplingParams p;
  p.temperature = 1.0;
  p.top_p = 0.95;
  p.max_new_tokens = 16;
  auto reqs = Requests(3, 4);
  auto all = gen.Generate(reqs, p, 5, /*batch_size=*/12);
  auto ones = gen.Generate(reqs, p, 5, /*batch_size=*/1);
  auto fives = gen.Generate(reqs, p, 5, /*batch_size=*/5);
  bool samples_differ = false;
  for (size_t r = 0; r < reqs.size(); ++r) {
    EXPECT_EQ(all[r].tokens, ones[r].tokens) << r;
    EXPECT_EQ(all[r].tokens, fives[r].tokens) << r;
    EXPECT_EQ(all[r].finish_reason, fives[r].finish_reason);
    if (r % 4 && all[r].tokens != all[r - 1].tokens) samples_differ = true;
  }
  EXPECT_TRUE(samples_differ);  // samples of one prompt use different streams
  EXPECT_NE(gen.Generate(reqs, p, 6)[1].tokens, all[1].tokens);
}

TEST(GeneratorTest, UniformLogitMockModelSamplesUniformlyAndNeverPadOrBos) {
  auto cfg = ToyConfig();
  cfg.tie_word_embeddings = false;
  Qwen2ForCausalLM model(cfg);
  InitQwen2Weights(model, 3);
  {
    torch::NoGradGuard ng;
    model->named_parameters()["lm_head.weight"].zero_();  // every logit 0
  }
  Generator gen(model.ptr(), nullptr, {}, {0, 1});
  SamplingParams p;
  p.max_new_tokens = 20;
  auto out = gen.Generate(Requests(4, 25), p, 17, 50);
  std::vector<double> counts(48, 0);
  double n = 0;
  for (const auto& g : out) {
    EXPECT_EQ(g.tokens.size(), 20u);
    for (size_t i = 0; i < g.tokens.size(); ++i) {
      counts[g.tokens[i]] += 1;
      n += 1;
      EXPECT_NEAR(g.sampling_logprobs[i], -std::log(46.0), 1e-5);
      EXPECT_NEAR(g.logprobs[i], -std::log(48.0), 1e-5);
    }
  }
  EXPECT_EQ(counts[0] + counts[1], 0);
  double chi2 = 0, e = n / 46;
  for (int t = 2; t < 48; ++t) chi2 += (counts[t] - e) * (counts[t] - e) / e;
  EXPECT_LT(chi2, 80.1);  // chi-square, 45 degrees of freedom, p = 0.001
}

TEST(GeneratorTest, StopTokensAndLengthLimitSetTheFinishReason) {
  auto model = ToyModel(4);
  SamplingParams p;
  p.max_new_tokens = 30;
  auto reqs = Requests(2, 8);
  // With no stop ids every sample runs to the limit.
  auto free = Generator(model.ptr(), nullptr, {}, {0, 1}).Generate(reqs, p, 1);
  for (const auto& g : free) EXPECT_EQ(g.finish_reason, "length");
  // Stopping at the most frequent token: samples end there, earlier ones are unchanged.
  std::vector<int> counts(48, 0);
  for (const auto& g : free)
    for (int32_t t : g.tokens) ++counts[t];
  int32_t stop = static_cast<int32_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  auto out = Generator(model.ptr(), nullptr, {stop}, {0, 1}).Generate(reqs, p, 1);
  int stopped = 0;
  for (size_t r = 0; r < reqs.size(); ++r) {
    const auto& g = out[r];
    auto first = std::find(free[r].tokens.begin(), free[r].tokens.end(), stop);
    if (first == free[r].tokens.end()) {
      EXPECT_EQ(g.finish_reason, "length");
      EXPECT_EQ(g.tokens, free[r].tokens);
    } else {
      ++stopped;
      EXPECT_EQ(g.finish_reason, "stop");
      EXPECT_EQ(g.tokens, std::vector<int32_t>(free[r].tokens.begin(), first + 1));
    }
  }
  EXPECT_GT(stopped, 0);
}

TEST(GeneratorTest, ReturnedLogProbsEqualTeacherForcedLogProbs) {
  auto model = ToyModel(6);
  Generator gen(model.ptr(), nullptr, {2}, {0, 1});
  SamplingParams p;
  p.temperature = 0.7;
  p.max_new_tokens = 10;
  auto reqs = Requests(1, 2);
  auto out = gen.Generate(reqs, p, 3);
  torch::NoGradGuard ng;
  for (size_t r = 0; r < reqs.size(); ++r) {
    std::vector<int64_t> seq(reqs[r].prompt.begin(), reqs[r].prompt.end());
    seq.insert(seq.end(), out[r].tokens.begin(), out[r].tokens.end());
    auto lp = TokenLogProbs(model, torch::tensor(seq).view({1, -1})).logprobs[0];
    const int64_t P = static_cast<int64_t>(reqs[r].prompt.size());
    for (size_t i = 0; i < out[r].tokens.size(); ++i)
      EXPECT_NEAR(out[r].logprobs[i], lp[P - 1 + static_cast<int64_t>(i)].item<float>(), 1e-4);
  }
}

TEST(GeneratorTest, StopStringsEndTheSampleAndCutTheText) {
  auto tok = Tokenizer::FromJsonText(MakeCharLevelTokenizerJson(datasets::toy::ToyVocabularySymbols()));
  auto model = ToyModel(8);
  std::vector<int32_t> banned = {0, 1};
  for (int32_t i = tok.vocab_size(); i < 48; ++i) banned.push_back(i);  // ids the toy tokenizer lacks
  SamplingParams p;
  p.max_new_tokens = 30;
  auto reqs = Requests(2, 8);
  auto free = Generator(model.ptr(), &tok, {}, banned).Generate(reqs, p, 4);
  // A two-symbol stop string that occurs in some but not all free texts.
  std::string stop;
  for (size_t i = 0; i + 1 < free[0].tokens.size() && stop.empty(); ++i) {
    std::string cand = tok.Decode({free[0].tokens[i], free[0].tokens[i + 1]});
    int hits = 0;
    for (const auto& g : free) hits += g.text.find(cand) != std::string::npos;
    if (hits > 0 && hits < static_cast<int>(free.size())) stop = cand;
  }
  ASSERT_FALSE(stop.empty());
  p.stop = {stop};
  auto out = Generator(model.ptr(), &tok, {}, banned).Generate(reqs, p, 4);
  for (size_t r = 0; r < reqs.size(); ++r) {
    size_t at = free[r].text.find(stop);
    if (at == std::string::npos) {
      EXPECT_EQ(out[r].text, free[r].text);
      EXPECT_EQ(out[r].finish_reason, "length");
    } else {
      EXPECT_EQ(out[r].text, free[r].text.substr(0, at)) << "stop '" << stop << "'";
      EXPECT_EQ(out[r].finish_reason, "stop");
      EXPECT_LT(out[r].tokens.size(), free[r].tokens.size() + 1);
    }
  }
}

}  // namespace
}  // namespace upt::lm
