// The libtorch Qwen2 against a float64 plain-PyTorch reference that follows HF's
// modeling_qwen2.py (tests/lm/reference/make_fixture.py), KV-cache decoding against
// full recomputation, and checkpoint save/load/init.
#include "lm/model/qwen2.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "lm/io/safetensors.h"
#include "lm/model/checkpoint.h"
#include "lm/model/token_logprobs.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm {
namespace {

using testing::SourceDir;
using testing::TempDir;
using testing::ToyConfig;

const std::string kTinyDir = "/tests/lm/reference/tiny_qwen2";

torch::Tensor FromJson(const Json& j, torch::IntArrayRef shape) {
  auto v = j.get<std::vector<double>>();
  return torch::tensor(v, torch::kFloat64).view(shape);
}

TEST(Qwen2ReferenceTest, LogitsMatchPythonReferenceWithin1e5) {
  const std::string dir = SourceDir() + kTinyDir;
  auto model = LoadQwen2(dir, torch::kCPU);
  Json fx = Json::parse(ReadFile(dir + "/fixture.json"));
  auto all = fx["tokens"].get<std::vector<std::vector<int64_t>>>();
  auto masks = fx["mask"].get<std::vector<std::vector<int64_t>>>();
  auto tok = torch::stack({torch::tensor(all[0]), torch::tensor(all[1])});
  auto mask = torch::stack({torch::tensor(masks[0]), torch::tensor(masks[1])});
  auto shape = fx["logits_shape"].get<std::vector<int64_t>>();
  auto ref = FromJson(fx["logits"], shape);
  torch::NoGradGuard ng;
  auto logits = model->forward(tok, mask).to(torch::kFloat64);
  // Compare only real (unpadded) positions.
  auto keep = mask.to(torch::kBool).unsqueeze(-1).expand_as(ref);
  double err = (logits - ref).abs().masked_select(keep).max().item<double>();
  EXPECT_LT(err, 1e-5);
  EXPECT_GT(ref.abs().max().item<double>(), 1.0);  // the fixture is not trivially small
}

TEST(Qwen2ReferenceTest, LossAndGradientsMatchPythonReference) {
  const std::string dir = SourceDir() + kTinyDir;
  auto model = LoadQwen2(dir, torch::kCPU);
  Json fx = Json::parse(ReadFile(dir + "/fixture.json"));
  auto all = fx["tokens"].get<std::vector<std::vector<int64_t>>>();
  auto masks = fx["mask"].get<std::vector<std::vector<int64_t>>>();
  auto tok = torch::stack({torch::tensor(all[0]), torch::tensor(all[1])});
  auto mask = torch::stack({torch::tensor(masks[0]), torch::tensor(masks[1])});
  auto stats = TokenLogProbs(model, tok, mask);
  auto keep = mask.narrow(1, 1, tok.size(1) - 1).to(torch::kFloat32);
  auto loss = -stats.logprobs.sum() / keep.sum();
  EXPECT_NEAR(loss.item<double>(), fx["loss"].get<double>(), 1e-5);
  loss.backward();
  auto params = model->named_parameters();
  for (const auto& [name, g] : fx["grads"].items()) {
    auto ours = params[name].grad().to(torch::kFloat64).reshape({-1});
    auto ref = FromJson(g, {-1});
    double err = (ours - ref).abs().max().item<double>();
    EXPECT_LT(err, 1e-5 + 1e-4 * ref.abs().max().item<double>()) << name;
  }
}

TEST(Qwen2KvCacheTest, IncrementalDecodingEqualsFullRecomputation) {
  torch::manual_seed(0);
  auto cfg = ToyConfig();
  cfg.initializer_range = 0.1;  // logits of a few units (0.3 gives |logit| ~ 100)
  Qwen2ForCausalLM model(cfg);
  InitQwen2Weights(model, 7);
  torch::NoGradGuard ng;
  auto tokens = torch::randint(3, 48, {3, 20}, torch::kInt64);
  auto full = model->forward(tokens);  // [3, 20, 48]
  KvCache cache = model->NewCache(3, 20);
  auto pre = model->ForwardCached(tokens.narrow(1, 0, 8), &cache);
  double err = (pre - full.narrow(1, 0, 8)).abs().max().item<double>();
  for (int t = 8; t < 20; ++t) {
    auto step = model->ForwardCached(tokens.narrow(1, t, 1), &cache);
    err = std::max(err, (step.select(1, 0) - full.select(1, t)).abs().max().item<double>());
  }
  const double scale = full.abs().max().item<double>();
  EXPECT_LT(err, 1e-5) << "max |logit| " << scale;
  EXPECT_GT(scale, 1.0);
  EXPECT_EQ(cache.length, 20);
}

// The paged cache hands Attention K/V stored KV-head-major ([Hkv, B, S, D]
// transposed); the products must be bit-identical to contiguous [B, Hkv, S, D]
// K/V and to the [B, S, Hkv, D] slot layout the cache used before.
TEST(Qwen2AttentionTest, KvLayoutDoesNotChangeOneBit) {
  torch::manual_seed(3);
  Qwen2ForCausalLM model(ToyConfig());
  torch::NoGradGuard ng;
  const int64_t B = 5, H = 4, Hkv = 2, D = 24, S = 37;
  for (int64_t T : {1, 3}) {
    auto q = torch::randn({B, H, T, D});
    auto k = torch::randn({B, Hkv, S, D}), v = torch::randn({B, Hkv, S, D});
    auto mask = model->AdditiveMask(torch::rand({B, T, S}) < 0.8);
    auto want = model->Attention(q, k, v, mask);
    auto head_major = [](const torch::Tensor& x) { return x.transpose(0, 1).contiguous().transpose(0, 1); };
    auto slot_major = [](const torch::Tensor& x) { return x.permute({0, 2, 1, 3}).contiguous().permute({0, 2, 1, 3}); };
    EXPECT_TRUE(torch::equal(model->Attention(q, head_major(k), head_major(v), mask), want)) << "T " << T;
    EXPECT_TRUE(torch::equal(model->Attention(q, slot_major(k), slot_major(v), mask), want)) << "T " << T;
  }
}

TEST(Qwen2KvCacheTest, LeftPaddedBatchMatchesEachPromptAlone) {
  Qwen2ForCausalLM model(ToyConfig());
  InitQwen2Weights(model, 11);
  torch::NoGradGuard ng;
  std::vector<int64_t> a = {1, 5, 9, 13, 4}, b = {1, 7, 30};
  auto alone_a = model->forward(torch::tensor(a).view({1, -1})).select(1, 4);
  auto alone_b = model->forward(torch::tensor(b).view({1, -1})).select(1, 2);
  auto tokens = torch::tensor(std::vector<int64_t>{1, 5, 9, 13, 4, 0, 0, 1, 7, 30}).view({2, 5});
  auto mask = torch::tensor(std::vector<int64_t>{1, 1, 1, 1, 1, 0, 0, 1, 1, 1}).view({2, 5});
  KvCache cache = model->NewCache(2, 8);
  auto last = model->ForwardCached(tokens, &cache, mask, /*last_only=*/true).select(1, 0);
  // float32 noise grows with the logit scale (padding changes the BLAS blocking).
  const double tol = 1e-5 * std::max(1.0, alone_a.abs().max().item<double>() / 4);
  EXPECT_LT((last[0] - alone_a[0]).abs().max().item<double>(), tol);
  EXPECT_LT((last[1] - alone_b[0]).abs().max().item<double>(), tol) << alone_a.abs().max().item<double>();
  // One decode step on each row equals recomputing with the token appended.
  auto step = model->ForwardCached(torch::tensor(std::vector<int64_t>{6, 8}).view({2, 1}), &cache).select(1, 0);
  auto ra = model->forward(torch::tensor(std::vector<int64_t>{1, 5, 9, 13, 4, 6}).view({1, -1})).select(1, 5);
  auto rb = model->forward(torch::tensor(std::vector<int64_t>{1, 7, 30, 8}).view({1, -1})).select(1, 3);
  EXPECT_LT((step[0] - ra[0]).abs().max().item<double>(), 1e-5);
  EXPECT_LT((step[1] - rb[0]).abs().max().item<double>(), 1e-5);
  // Expanding rows copies the cache: row order [1, 1, 0].
  cache.SelectRows(torch::tensor(std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(cache.batch(), 3);
  EXPECT_EQ(cache.next_pos[0].item<int64_t>(), 4);
  EXPECT_EQ(cache.next_pos[2].item<int64_t>(), 6);
}

TEST(TokenLogProbsTest, TemperatureEntropyAndRightPaddingMatchDirectComputation) {
  Qwen2ForCausalLM model(ToyConfig());
  InitQwen2Weights(model, 13);
  torch::NoGradGuard ng;
  std::vector<int64_t> seq = {1, 9, 14, 3, 27, 5};
  auto alone = torch::tensor(seq).view({1, -1});
  auto logits = model->forward(alone)[0].narrow(0, 0, 5) / 0.7;  // [5, V]
  auto logp = torch::log_softmax(logits, -1);
  auto s = TokenLogProbs(model, alone, {}, 0.7, /*with_entropy=*/true);
  for (int t = 0; t < 5; ++t) {
    EXPECT_NEAR(s.logprobs[0][t].item<double>(), logp[t][seq[t + 1]].item<double>(), 1e-5);
    EXPECT_NEAR(s.entropy[0][t].item<double>(), -(logp[t].exp() * logp[t]).sum().item<double>(), 1e-5);
  }
  // Right padding (training batches): real positions unchanged, padded targets give 0.
  auto padded = torch::tensor(std::vector<int64_t>{1, 9, 14, 3, 27, 5, 0, 0}).view({1, -1});
  auto mask = torch::tensor(std::vector<int64_t>{1, 1, 1, 1, 1, 1, 0, 0}).view({1, -1});
  auto p = TokenLogProbs(model, padded, mask, 0.7, true);
  EXPECT_LT((p.logprobs[0].narrow(0, 0, 5) - s.logprobs[0]).abs().max().item<double>(), 1e-5);
  EXPECT_EQ(p.logprobs[0][5].item<float>(), 0.0f);
  EXPECT_EQ(p.entropy[0][6].item<float>(), 0.0f);
}

TEST(Qwen2CheckpointTest, InitIsDeterministicPerSeed) {
  Qwen2ForCausalLM a(ToyConfig()), b(ToyConfig()), c(ToyConfig());
  InitQwen2Weights(a, 3);
  InitQwen2Weights(b, 3);
  InitQwen2Weights(c, 4);
  auto pa = a->named_parameters(), pb = b->named_parameters(), pc = c->named_parameters();
  auto& emb = pa["model.embed_tokens.weight"];
  EXPECT_TRUE(torch::equal(emb, pb["model.embed_tokens.weight"]));
  EXPECT_FALSE(torch::equal(emb, pc["model.embed_tokens.weight"]));
  EXPECT_EQ(emb[0].abs().sum().item<float>(), 0.0f);  // pad row
  EXPECT_NEAR(emb.narrow(0, 1, 47).std().item<double>(), 0.3, 0.02);
  EXPECT_TRUE(torch::equal(pa["model.norm.weight"], torch::ones({96})));
  EXPECT_TRUE(torch::equal(pa["model.layers.0.self_attn.q_proj.bias"], torch::zeros({96})));
}

TEST(Qwen2CheckpointTest, SaveLoadRoundTripUsesHfNamesAndOmitsTiedHead) {
  auto cfg = ToyConfig();
  Qwen2ForCausalLM model(cfg);
  InitQwen2Weights(model, 5);
  std::string dir = TempDir();
  SaveQwen2(model, dir, "");
  auto w = io::CheckpointWeights::Open(dir);
  EXPECT_TRUE(w.Has("model.layers.1.mlp.down_proj.weight"));
  EXPECT_TRUE(w.Has("model.layers.0.self_attn.q_proj.bias"));
  EXPECT_FALSE(w.Has("model.layers.0.self_attn.o_proj.bias"));
  EXPECT_FALSE(w.Has("lm_head.weight"));
  EXPECT_EQ(static_cast<int64_t>(w.Names().size()), 2 + 2 * 12);
  auto loaded = LoadQwen2(dir, torch::kCPU);
  auto pa = model->named_parameters(), pb = loaded->named_parameters();
  for (const auto& item : pa) EXPECT_TRUE(torch::equal(item.value(), pb[item.key()])) << item.key();
  EXPECT_EQ(LoadEosTokenIds(dir, loaded->config()), std::vector<int>{2});
  // BF16 storage loads back within bf16 rounding.
  SaveQwen2(model, dir, "", SaveOptions{"BF16", 0});
  auto half = LoadQwen2(dir, torch::kCPU);
  auto e = model->named_parameters()["model.embed_tokens.weight"];
  auto h = half->named_parameters()["model.embed_tokens.weight"];
  EXPECT_LT((e - h).abs().max().item<double>(), 0.01 * e.abs().max().item<double>());
  EXPECT_EQ(io::LoadQwen2Config(dir + "/config.json").torch_dtype, "bfloat16");
}

TEST(Qwen2CheckpointTest, UntiedHeadAndShapeMismatchErrors) {
  auto cfg = ToyConfig();
  cfg.tie_word_embeddings = false;
  Qwen2ForCausalLM model(cfg);
  InitQwen2Weights(model, 5);
  std::string dir = TempDir();
  SaveQwen2(model, dir, "");
  EXPECT_TRUE(io::CheckpointWeights::Open(dir).Has("lm_head.weight"));
  // A config claiming a bigger model no longer matches the weights.
  auto j = io::Qwen2ConfigToJson(cfg);
  j["hidden_size"] = 128;
  j["intermediate_size"] = 256;
  WriteFileAtomic(dir + "/config.json", j.dump());
  try {
    LoadQwen2(dir, torch::kCPU);
    FAIL() << "expected a shape error";
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("does not match the config"), std::string::npos) << err.what();
  }
}

}  // namespace
}  // namespace upt::lm
