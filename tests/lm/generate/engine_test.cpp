// The paged, continuously batched engine: its output equals the static-batching
// generator it replaced, does not depend on batch size, token budget (with
// preemption), block size, prefix sharing or thread count; the paged forward
// equals the model's forward; the batched device sampler draws the CPU sampler's
// token for the same uniform; blocks all return to the pool and shared prompts
// take fewer blocks.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "core/rng.h"
#include "lm/generate/batched_sampler.h"
#include "lm/generate/generator.h"
#include "lm/generate/paged_forward.h"
#include "lm/generate/paged_kv.h"
#include "lm/generate/static_generator.h"
#include "lm/model/checkpoint.h"
#include "lm/model/qwen2.h"
#include "tests/lm/generate/toy_model.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm {
namespace {

Qwen2ForCausalLM Model(uint64_t seed) { return testing::SeededToyModel(seed); }

std::vector<GenerationRequest> Requests(int prompts, int samples) {
  return testing::SyntheticRequests(prompts, samples, 2, 5);
}

SamplingParams Sampled(int max_new) {
  SamplingParams p;
  p.temperature = 1.0;
  p.top_p = 0.9;
  p.max_new_tokens = max_new;
  return p;
}

std::vector<std::vector<int32_t>> Tokens(const std::vector<GenerationResult>& r) {
  std::vector<std::vector<int32_t>> t;
  for (const auto& g : r) t.push_back(g.tokens);
  return t;
}

TEST(EngineTest, OutputEqualsTheStaticGeneratorItReplaced) {
  auto model = Model(2);
  auto reqs = Requests(4, 5);
  for (auto params : {Sampled(24), SamplingParams{}}) {
    params.max_new_tokens = 24;
    auto want = StaticGenerator(model.ptr(), nullptr, {2}, {0, 1}).Generate(reqs, params, 7, 8);
    auto got = Generator(model.ptr(), nullptr, {2}, {0, 1}).Generate(reqs, params, 7, 8);
    ASSERT_EQ(got.size(), want.size());
    for (size_t r = 0; r < reqs.size(); ++r) {
      EXPECT_EQ(got[r].tokens, want[r].tokens) << r;
      EXPECT_EQ(got[r].finish_reason, want[r].finish_reason) << r;
      for (size_t i = 0; i < got[r].tokens.size() && i < want[r].tokens.size(); ++i) {
        EXPECT_NEAR(got[r].logprobs[i], want[r].logprobs[i], 1e-4);
        EXPECT_NEAR(got[r].sampling_logprobs[i], want[r].sampling_logprobs[i], 1e-4);
      }
    }
  }
}

TEST(EngineTest, OutputDoesNotDependOnSchedulingBudgetBlocksSharingOrThreads) {
  auto model = Model(3);
  auto reqs = Requests(5, 6);
  auto params = Sampled(30);
  Generator base(model.ptr(), nullptr, {2}, {0, 1});
  const auto want = Tokens(base.Generate(reqs, params, 11, 64));
  EXPECT_EQ(base.last_stats().preemptions, 0);
  struct Case {
    int batch;
    EngineOptions eo;
    int threads;
  };
  std::vector<Case> cases = {{1, {16, 0, true}, 0},   {3, {4, 0, true}, 0},   {7, {1, 0, false}, 0},
                             {64, {4, 0, false}, 2}, {16, {4, 96, true}, 0}, {30, {8, 80, true}, 1}};
  const int old_threads = torch::get_num_threads();
  bool preempted = false;
  for (const auto& c : cases) {
    if (c.threads > 0) torch::set_num_threads(c.threads);
    Generator g(model.ptr(), nullptr, {2}, {0, 1}, c.eo);
    EXPECT_EQ(Tokens(g.Generate(reqs, params, 11, c.batch)), want)
        << "batch " << c.batch << " block " << c.eo.block_size << " budget " << c.eo.token_budget;
    preempted = preempted || g.last_stats().preemptions > 0;
    torch::set_num_threads(old_threads);
  }
  EXPECT_TRUE(preempted);  // a small budget exercised recompute-preemption
}

TEST(EngineTest, PrefixSharingGivesTheSameTokensWithFewerBlocks) {
  auto model = Model(4);
  auto reqs = Requests(2, 8);
  auto params = Sampled(6);
  EngineOptions share{4, 0, true}, alone{4, 0, false};
  Generator a(model.ptr(), nullptr, {2}, {0, 1}, share), b(model.ptr(), nullptr, {2}, {0, 1}, alone);
  EXPECT_EQ(Tokens(a.Generate(reqs, params, 5, 16)), Tokens(b.Generate(reqs, params, 5, 16)));
  EXPECT_LT(a.last_stats().peak_kv_blocks, b.last_stats().peak_kv_blocks);
  EXPECT_LT(a.last_stats().prefill_tokens, b.last_stats().prefill_tokens);
}

TEST(EngineTest, DefaultOptionsPrefillEachDistinctPromptOnceEvenWhenSamplesOutnumberTheBatch) {
  auto model = Model(4);
  auto reqs = Requests(3, 8);
  int64_t distinct = 0;
  for (size_t r = 0; r < reqs.size(); r += 8) distinct += static_cast<int64_t>(reqs[r].prompt.size());
  Generator g(model.ptr(), nullptr, {2}, {0, 1});  // what `upt generate`, rollouts and validation construct
  auto got = Tokens(g.Generate(reqs, Sampled(6), 5, 3));
  EXPECT_EQ(g.last_stats().prefill_tokens, distinct);
  EXPECT_EQ(g.last_stats().preemptions, 0);
  EXPECT_EQ(got, Tokens(Generator(model.ptr(), nullptr, {2}, {0, 1}, EngineOptions{16, 0, false})
                            .Generate(reqs, Sampled(6), 5, 3)));
}

// The paged forward equals model->forward, prompt then decode steps.
void ExpectPagedForwardEqualsModel(Qwen2ForCausalLM& model) {
  torch::NoGradGuard ng;
  std::vector<int32_t> seq = {1, 5, 9, 13, 7, 22, 30, 4, 8, 11, 2, 19};
  PagedKvCache cache(*model, 4, 8);
  PagedForward fwd(*model);
  std::vector<int64_t> blocks = {5, 2, 7};  // deliberately out of order
  auto first = fwd.Step({PagedSeq{seq.data(), 7, 0, &blocks}}, &cache);
  std::vector<int64_t> ids(seq.begin(), seq.end());
  auto full = model->forward(torch::tensor(ids).view({1, -1}))[0];  // [T, V]
  EXPECT_LT((first[0] - full[6]).abs().max().item<float>(), 1e-4);
  for (int64_t t = 7; t < 12; ++t) {
    auto step = fwd.Step({PagedSeq{seq.data() + t, 1, t, &blocks}}, &cache);
    EXPECT_LT((step[0] - full[t]).abs().max().item<float>(), 1e-4) << t;
  }
}

TEST(EngineTest, PagedForwardEqualsTheModelForward) {
  auto model = Model(5);
  ExpectPagedForwardEqualsModel(model);
}

TEST(EngineTest, PagedForwardEqualsTheModelForwardForLlamaWithBiasesHeadDimAndRopeScaling) {
  auto c = testing::ToyConfig();
  c.family = io::ModelFamily::kLlama;
  c.head_dim = 2 * c.HeadDim();
  c.qkv_bias = c.o_proj_bias = c.mlp_bias = true;
  c.rope_scaling.llama3 = true;
  c.rope_scaling.factor = 8.0;
  c.rope_scaling.original_max_position_embeddings = 4;  // positions 0..11 reach the scaled band
  Qwen2ForCausalLM model(c);
  InitQwen2Weights(model, 6);
  torch::NoGradGuard ng;
  for (auto& p : model->named_parameters())
    if (p.key().find("bias") != std::string::npos) p.value().normal_(0, 0.5);
  model->eval();
  ExpectPagedForwardEqualsModel(model);
}

TEST(EngineTest, BatchedSamplerDrawsTheCpuSamplersToken) {
  RngStream rng(3, {1});
  const int64_t B = 64, V = 300;
  std::vector<float> data(static_cast<size_t>(B * V));
  for (auto& x : data) x = static_cast<float>(3.0 * rng.Normal());
  auto logits = torch::from_blob(data.data(), {B, V}, torch::kFloat32).clone();
  auto banned = torch::zeros({V}, torch::kBool);
  banned[0] = true;
  std::vector<SamplingParams> ps(5);
  ps[0].temperature = 0;
  ps[1].temperature = 0.7;
  ps[2].top_p = 0.9;
  ps[3].top_k = 20;
  ps[3].top_p = 0.5;
  ps[4].temperature = 1.3;
  ps[4].min_p = 0.05;
  ps[4].top_p = 0.995;  // nucleus larger than the 64-token partial selection
  for (const auto& p : ps) {
    std::vector<double> u(static_cast<size_t>(B));
    for (auto& x : u) x = rng.Uniform();
    auto got = SampleBatch(logits, p, u, banned);
    for (int64_t i = 0; i < B; ++i) {
      auto want = SampleFromLogits(data.data() + i * V, V, p, u[static_cast<size_t>(i)], {0});
      EXPECT_EQ(got.tokens[static_cast<size_t>(i)], want.token) << "row " << i << " top_p " << p.top_p;
      EXPECT_NEAR(got.logprobs[static_cast<size_t>(i)], want.logprob, 1e-4);
      EXPECT_NEAR(got.sampling_logprobs[static_cast<size_t>(i)], want.sampling_logprob, 1e-4);
    }
  }
}

TEST(EngineTest, CpuRowSamplerMarksNonFiniteRowsAndReadsExpandedRows) {
  RngStream rng(5, {2});
  const int64_t V = 50;
  std::vector<float> data(static_cast<size_t>(3 * V));
  for (auto& x : data) x = static_cast<float>(rng.Normal());
  data[static_cast<size_t>(V + 7)] = std::nanf("");
  data[static_cast<size_t>(2 * V + 3)] = std::numeric_limits<float>::infinity();
  auto logits = torch::from_blob(data.data(), {3, V}, torch::kFloat32).clone();
  SamplingParams p;
  p.top_p = 0.9;
  auto got = SampleRowsOnCpu(logits, p, {0.3, 0.3, 0.3}, {1});
  EXPECT_EQ(got.tokens[0], SampleFromLogits(data.data(), V, p, 0.3, {1}).token);
  EXPECT_EQ(got.tokens[1], -1);  // a NaN logit: the engine's named error, as SampleBatch
  EXPECT_EQ(got.tokens[2], -1);  // +inf
  const std::vector<double> u = {0.1, 0.4, 0.7, 0.95};
  auto shared = SampleRowsOnCpu(logits.narrow(0, 0, 1).expand({4, V}), p, u, {1});  // rows alias row 0
  for (size_t i = 0; i < u.size(); ++i)
    EXPECT_EQ(shared.tokens[i], SampleFromLogits(data.data(), V, p, u[i], {1}).token) << "u " << u[i];
}

TEST(EngineTest, FinishedSequencesReturnTheirBlocksAndMemoryFollowsLiveTokens) {
  auto model = Model(6);
  PagedKvCache cache(*model, 4, 3);
  EXPECT_EQ(cache.Allocate(), 0);
  EXPECT_EQ(cache.Allocate(), 1);
  cache.Retain(0);
  cache.Release(0);
  EXPECT_EQ(cache.refs(0), 1);
  cache.Release(0);
  EXPECT_EQ(cache.Allocate(), 0);  // lowest free id first
  EXPECT_EQ(cache.Allocate(), 2);
  EXPECT_EQ(cache.Allocate(), -1);
  EXPECT_EQ(cache.peak_used_blocks(), 3);
  // A static cache holds rows x (prompt + max new); the engine's peak follows what is live.
  auto reqs = Requests(3, 4);
  SamplingParams p = Sampled(40);
  Generator g(model.ptr(), nullptr, {2}, {0, 1}, EngineOptions{4, 0, true});
  auto out = g.Generate(reqs, p, 1, 12);
  int64_t live_bound = 0;
  for (size_t r = 0; r < reqs.size(); ++r)
    live_bound += (static_cast<int64_t>(reqs[r].prompt.size() + out[r].tokens.size()) + 3) / 4;
  EXPECT_LE(g.last_stats().peak_kv_blocks, live_bound);
}

}  // namespace
}  // namespace upt::lm
