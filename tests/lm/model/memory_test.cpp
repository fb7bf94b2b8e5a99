// The memory-saving paths of lm/model against the reference computation: block-wise
// attention vs naive (forward and backward within 1e-5), per-layer activation
// checkpointing (equal gradients), chunked log-probs/entropy (equal values and gradients).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "lm/model/attention.h"
#include "lm/model/checkpoint.h"
#include "lm/model/qwen2.h"
#include "lm/model/token_logprobs.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm {
namespace {

using testing::ToyConfig;

double MaxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

struct Inputs {
  torch::Tensor tokens, mask;
};

// Two rows of length T: row 1 left-padded by 5, row 0 right-padded by 3.
Inputs Batch(int64_t T, int64_t vocab) {
  auto g = torch::make_generator<at::CPUGeneratorImpl>(3);
  Inputs in;
  in.tokens = torch::randint(3, vocab, {2, T}, g, torch::kInt64);
  in.mask = torch::ones({2, T}, torch::kInt64);
  in.mask[1].narrow(0, 0, 5).zero_();
  in.mask[0].narrow(0, T - 3, 3).zero_();
  return in;
}

// Masked weighted sum of log-probs and entropies: a loss that reaches every parameter.
torch::Tensor Loss(Qwen2ForCausalLM& m, const Inputs& in, double temperature = 1.0) {
  auto s = TokenLogProbs(m, in.tokens, in.mask, temperature, /*with_entropy=*/true);
  auto w = torch::linspace(-1.0, 2.0, s.logprobs.size(1)).unsqueeze(0);
  return (s.logprobs * w).sum() + 0.3 * s.entropy.sum();
}

std::vector<torch::Tensor> Grads(Qwen2ForCausalLM& m, const Inputs& in, double temperature = 1.0) {
  m->zero_grad();
  Loss(m, in, temperature).backward();
  std::vector<torch::Tensor> g;
  for (auto& p : m->parameters()) g.push_back(p.grad().clone());
  return g;
}

double MaxRelGradDiff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, MaxDiff(a[i], b[i]) / (1e-6 + b[i].abs().max().item<double>()));
  return worst;
}

Qwen2ForCausalLM ToyModel(uint64_t seed) {
  Qwen2ForCausalLM m(ToyConfig());
  InitQwen2Weights(m, seed);
  return m;
}

TEST(BlockAttentionTest, ForwardAndBackwardMatchNaiveWithin1e5) {
  torch::manual_seed(0);
  const int64_t B = 2, Hkv = 2, G = 3, T = 23, D = 8;
  for (int64_t offset : {0, 6}) {
    const int64_t S = offset + T;
    auto q = torch::randn({B, Hkv, G, T, D}, torch::requires_grad());
    auto k = torch::randn({B, Hkv, S, D}, torch::requires_grad());
    auto v = torch::randn({B, Hkv, S, D}, torch::requires_grad());
    auto valid = torch::ones({B, S}, torch::kBool);
    valid[1].narrow(0, 0, 9).fill_(false);  // left padding crossing the first blocks
    valid[0][offset + 4] = false;            // a hole
    auto dout = torch::randn({B, Hkv, G, T, D});
    auto naive = NaiveAttention(q, k, v, valid, offset);
    auto gn = torch::autograd::grad({naive}, {q, k, v}, {dout});
    for (int64_t block : {1, 5, 8, 64}) {
      auto blk = BlockAttention(q, k, v, valid, offset, block);
      EXPECT_LT(MaxDiff(blk, naive), 1e-5) << "block " << block << " offset " << offset;
      auto gb = torch::autograd::grad({blk}, {q, k, v}, {dout});
      for (int i = 0; i < 3; ++i) EXPECT_LT(MaxDiff(gb[i], gn[i]), 1e-5) << "grad " << i << " block " << block;
    }
  }
}

TEST(BlockAttentionTest, ModelLogitsAndGradientsMatchNaive) {
  auto m = ToyModel(1);
  Inputs in = Batch(37, m->config().vocab_size);
  auto ref_logits = m->forward(in.tokens, in.mask).detach();
  auto ref = Grads(m, in);
  m->set_memory_options({/*gradient_checkpointing=*/false, /*attention_block=*/8, /*logits_chunk=*/0});
  auto keep = in.mask.to(torch::kBool).unsqueeze(-1).expand_as(ref_logits);
  // Through two layers and the head the kernels' 1e-6 differences grow with the logits'
  // scale (|logit| up to ~20 at this init): compare relative to it.
  const double scale = ref_logits.abs().max().item<double>();
  EXPECT_GT(scale, 1.0);
  EXPECT_LT(MaxDiff(m->forward(in.tokens, in.mask).detach().masked_select(keep), ref_logits.masked_select(keep)),
            1e-5 * scale);
  EXPECT_LT(MaxRelGradDiff(Grads(m, in), ref), 1e-4);
}

TEST(GradientCheckpointingTest, GradientsEqualWithinFloatRounding) {
  auto m = ToyModel(2);
  Inputs in = Batch(29, m->config().vocab_size);
  auto ref = Grads(m, in);
  const double ref_loss = Loss(m, in).item<double>();
  m->enable_gradient_checkpointing();
  EXPECT_NEAR(Loss(m, in).item<double>(), ref_loss, 1e-6 * std::abs(ref_loss));
  EXPECT_LT(MaxRelGradDiff(Grads(m, in), ref), 1e-6);
  // Composes with block attention and chunked logits.
  m->set_memory_options({true, 8, 11});
  EXPECT_LT(MaxRelGradDiff(Grads(m, in), ref), 1e-5);
}

TEST(ChunkedLogProbsTest, ValuesAndGradientsEqualUnchunked) {
  for (bool tied : {true, false}) {
    auto cfg = ToyConfig();
    cfg.tie_word_embeddings = tied;
    Qwen2ForCausalLM m(cfg);
    InitQwen2Weights(m, 4);
    Inputs in = Batch(31, cfg.vocab_size);
    auto ref = TokenLogProbs(m, in.tokens, in.mask, 0.7, true);
    auto ref_g = Grads(m, in, 0.7);
    m->set_memory_options({false, 0, 7});  // 60 positions in chunks of 7 (last chunk partial)
    auto got = TokenLogProbs(m, in.tokens, in.mask, 0.7, true);
    EXPECT_LT(MaxDiff(got.logprobs, ref.logprobs), 1e-5);
    EXPECT_LT(MaxDiff(got.entropy, ref.entropy), 1e-5);
    EXPECT_LT(MaxRelGradDiff(Grads(m, in, 0.7), ref_g), 1e-5) << "tied " << tied;
  }
}

}  // namespace
}  // namespace upt::lm
