// The one decoder code path in its LLaMA configuration (no q/k/v bias, explicit
// head_dim != hidden/heads, GQA, untied head, rope_type llama3) against the float64
// plain-PyTorch reference (tests/lm/reference/qwen2_ref.py, run with /usr/bin/python3)
// on a tiny random checkpoint written here in HF layout; positions run past
// original_max_position_embeddings so the llama3 frequency scaling matters.
#include <cstdlib>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/fs.h"
#include "core/json.h"
#include "lm/model/checkpoint.h"
#include "lm/model/qwen2.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm {
namespace {

using testing::SourceDir;
using testing::TempDir;

// LLaMA-3.1-shaped, tiny: head_dim 16 with rope_theta 5e5 gives wavelengths
// 6.3, 32.5, 167, 864, ... so with original_max_position_embeddings 64 (low/high
// wavelength bounds 64 / 16) one frequency is kept, one interpolated, the rest / 8.
io::DecoderConfig TinyLlama31() {
  io::DecoderConfig c;
  c.family = io::ModelFamily::kLlama;
  c.vocab_size = 97;
  c.hidden_size = 48;
  c.intermediate_size = 80;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = 16;  // 4 * 16 = 64 != hidden_size 48
  c.max_position_embeddings = 512;
  c.rms_norm_eps = 1e-5;
  c.rope_theta = 500000.0;
  c.initializer_range = 0.2;
  c.tie_word_embeddings = false;
  c.qkv_bias = c.o_proj_bias = c.mlp_bias = false;
  c.rope_scaling.llama3 = true;
  c.rope_scaling.factor = 8.0;
  c.rope_scaling.low_freq_factor = 1.0;
  c.rope_scaling.high_freq_factor = 4.0;
  c.rope_scaling.original_max_position_embeddings = 64;
  c.bos_token_id = 1;
  c.eos_token_ids = {2};
  return c;
}

struct Batch {
  torch::Tensor tokens, mask;  // [2, T]: row 0 full, row 1 left-padded by 7
};

Batch MakeBatch(int64_t T, int64_t vocab) {
  auto g = torch::make_generator<at::CPUGeneratorImpl>(7);
  Batch b;
  b.tokens = torch::randint(3, vocab, {2, T}, g, torch::kInt64);
  b.mask = torch::ones({2, T}, torch::kInt64);
  b.mask[1].narrow(0, 0, 7).zero_();
  b.tokens[1].narrow(0, 0, 7).zero_();
  return b;
}

Json Rows(const torch::Tensor& t) {
  Json rows = Json::array();
  for (int64_t i = 0; i < t.size(0); ++i) {
    auto r = t[i].contiguous();
    rows.push_back(std::vector<int64_t>(r.data_ptr<int64_t>(), r.data_ptr<int64_t>() + r.numel()));
  }
  return rows;
}

// Reference logits [B, T, V] (float64) of the checkpoint in `dir` from the Python model.
std::vector<torch::Tensor> PythonLogits(const std::vector<std::string>& dirs, const Batch& b, int64_t V) {
  const std::string tmp = TempDir();
  Json req;
  for (const auto& d : dirs) req["cases"].push_back({{"dir", d}, {"tokens", Rows(b.tokens)}, {"mask", Rows(b.mask)}});
  WriteFileAtomic(tmp + "/req.json", req.dump());
  const std::string cmd = "/usr/bin/python3 " + SourceDir() + "/tests/lm/reference/decoder_logits.py " + tmp +
                          "/req.json " + tmp + "/out.json";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Json out = Json::parse(ReadFile(tmp + "/out.json"));
  std::vector<torch::Tensor> res;
  for (const auto& l : out["logits"])
    res.push_back(torch::tensor(l.get<std::vector<double>>(), torch::kFloat64).view({b.tokens.size(0), -1, V}));
  return res;
}

double MaxErrOnTokens(const torch::Tensor& a, const torch::Tensor& ref, const torch::Tensor& mask) {
  auto keep = mask.to(torch::kBool).unsqueeze(-1).expand_as(ref);
  return (a.to(torch::kFloat64) - ref).abs().masked_select(keep).max().item<double>();
}

std::string SaveRandom(const io::DecoderConfig& c, uint64_t seed) {
  Qwen2ForCausalLM m(c);
  InitQwen2Weights(m, seed);
  const std::string dir = TempDir();
  SaveQwen2(m, dir, "");
  return dir;
}

TEST(LlamaReferenceTest, Llama31LogitsMatchFloat64ReferenceWithin1e4) {
  const auto base = TinyLlama31();
  auto biased = base;  // attention_bias / mlp_bias true, tied head: the other config branches
  biased.qkv_bias = biased.o_proj_bias = biased.mlp_bias = true;
  biased.tie_word_embeddings = true;
  const std::vector<std::string> dirs = {SaveRandom(base, 11), SaveRandom(biased, 12)};
  const int64_t T = 300;  // > 4x original_max_position_embeddings
  Batch b = MakeBatch(T, base.vocab_size);
  auto refs = PythonLogits(dirs, b, base.vocab_size);
  ASSERT_EQ(refs.size(), 2u);
  torch::NoGradGuard ng;
  for (size_t i = 0; i < dirs.size(); ++i) {
    auto model = LoadQwen2(dirs[i], torch::kCPU);
    EXPECT_EQ(model->config().family, io::ModelFamily::kLlama);
    EXPECT_EQ(model->config().NumParameters(),
              [&] { int64_t n = 0; for (auto& p : model->parameters()) n += p.numel(); return n; }());
    auto logits = model->forward(b.tokens, b.mask);
    EXPECT_LT(MaxErrOnTokens(logits, refs[i], b.mask), 1e-4) << dirs[i];
    EXPECT_GT(refs[i].abs().max().item<double>(), 1.0);
  }
  // The scaling matters at these positions: the same weights without it are far off.
  auto unscaled_cfg = io::LoadDecoderConfig(dirs[0] + "/config.json");
  unscaled_cfg.rope_scaling.llama3 = false;
  Qwen2ForCausalLM unscaled(unscaled_cfg);
  auto loaded = LoadQwen2(dirs[0], torch::kCPU);
  for (auto& p : unscaled->named_parameters()) p.value().copy_(loaded->named_parameters()[p.key()]);
  EXPECT_GT(MaxErrOnTokens(unscaled->forward(b.tokens, b.mask), refs[0], b.mask), 1e-2);
}

TEST(LlamaReferenceTest, ConfigJsonRoundTripsAndNamesTheArchitecture) {
  const std::string dir = SaveRandom(TinyLlama31(), 3);
  Json j = Json::parse(ReadFile(dir + "/config.json"));
  EXPECT_EQ(j["model_type"], "llama");
  EXPECT_EQ(j["architectures"][0], "LlamaForCausalLM");
  EXPECT_EQ(j["rope_scaling"]["rope_type"], "llama3");
  EXPECT_EQ(j["attention_bias"], false);
  auto back = io::LoadDecoderConfig(dir + "/config.json");
  EXPECT_TRUE(back.rope_scaling.llama3);
  EXPECT_EQ(back.rope_scaling.original_max_position_embeddings, 64);
  EXPECT_EQ(back.head_dim, 16);
  EXPECT_FALSE(back.qkv_bias);
  auto names = LoadQwen2(dir, torch::kCPU)->named_parameters();
  EXPECT_FALSE(names.contains("model.layers.0.self_attn.q_proj.bias"));
  EXPECT_TRUE(names.contains("lm_head.weight"));
}

TEST(LlamaReferenceTest, KvCacheDecodingMatchesFullForward) {
  auto c = TinyLlama31();
  Qwen2ForCausalLM m(c);
  InitQwen2Weights(m, 5);
  Batch b = MakeBatch(90, c.vocab_size);
  torch::NoGradGuard ng;
  auto full = m->forward(b.tokens, b.mask);
  auto cache = m->NewCache(2, 90);
  auto first = m->ForwardCached(b.tokens.narrow(1, 0, 70), &cache, b.mask.narrow(1, 0, 70));
  std::vector<torch::Tensor> steps = {first};
  for (int64_t t = 70; t < 90; ++t)
    steps.push_back(m->ForwardCached(b.tokens.narrow(1, t, 1), &cache, b.mask.narrow(1, t, 1)));
  auto inc = torch::cat(steps, 1);
  EXPECT_LT(MaxErrOnTokens(inc, full.to(torch::kFloat64), b.mask), 1e-4);
}

}  // namespace
}  // namespace upt::lm
