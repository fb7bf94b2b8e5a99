// ShardedAdamW (ZeRO-2 over c10d Gloo on loopback threads): 2 ranks sharded == 1 rank
// unsharded == torch::optim::AdamW; whole-state checkpoints resume on other world
// sizes; a bf16 mixed-precision step of the toy Qwen2 agrees with the float32 step.
#include "train/dist/zero.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "lm/model/checkpoint.h"
#include "lm/model/model_tools.h"
#include "lm/model/qwen2.h"
#include "lm/model/token_logprobs.h"
#include "tests/train/dist/rank_threads.h"
#include "train/dist/shard.h"
#include "train/toy/model/toy_model.h"

namespace upt::train::dist {
namespace {

constexpr int kRows = 12;

// A two-layer regression: 16*8 + 16 + 4*16 + 3 = 211 values (odd: padding is exercised).
struct Net {
  std::vector<torch::Tensor> params;
  explicit Net(torch::ScalarType dtype = torch::kFloat32) {
    auto g = torch::make_generator<at::CPUGeneratorImpl>(5);
    for (auto shape : std::vector<std::vector<int64_t>>{{16, 8}, {16}, {4, 16}, {3}})
      params.push_back((torch::randn(shape, g, torch::kFloat32) * 0.5).to(dtype).requires_grad_(true));
  }
  // Sum over this rank's rows of the squared error, divided by the GLOBAL row count.
  torch::Tensor Loss(int rank, int world) const {
    auto g = torch::make_generator<at::CPUGeneratorImpl>(9);
    auto x = torch::randn({kRows, 8}, g), y = torch::randn({kRows, 4}, g);
    auto r = ShardOf(kRows, rank, world);
    auto xs = x.narrow(0, r.begin, r.size()).to(params[0].scalar_type());
    auto h = torch::tanh(torch::matmul(xs, params[0].t()) + params[1]);
    auto out = torch::matmul(h, params[2].t()).to(torch::kFloat32);
    auto err = out.narrow(1, 0, 3) + params[3].to(torch::kFloat32) - y.narrow(0, r.begin, r.size()).narrow(1, 0, 3);
    return err.pow(2).sum() / kRows;
  }
  torch::Tensor Flat() const {
    std::vector<torch::Tensor> v;
    for (const auto& p : params) v.push_back(p.detach().reshape({-1}).to(torch::kFloat32));
    return torch::cat(v);
  }
};

const AdamWConfig kCfg{1e-2, 0.9, 0.95, 1e-8, 0.1};

void Steps(Net& net, ShardedAdamW& opt, DistContext& ctx, int n) {
  for (int i = 0; i < n; ++i) {
    opt.ZeroGrad();
    net.Loss(ctx.rank(), ctx.world_size()).backward();
    opt.Step();
  }
}

torch::Tensor SingleRank(int steps) {
  DistContext one;
  Net net;
  ShardedAdamW opt(net.params, kCfg, &one, /*shard=*/false);
  Steps(net, opt, one, steps);
  return net.Flat();
}

TEST(ShardedAdamWTest, OneRankEqualsTorchAdamW) {
  Net net;
  torch::optim::AdamW ref(net.params, torch::optim::AdamWOptions(kCfg.lr)
                                          .betas(std::make_tuple(kCfg.beta1, kCfg.beta2))
                                          .eps(kCfg.eps)
                                          .weight_decay(kCfg.weight_decay));
  for (int i = 0; i < 5; ++i) {
    ref.zero_grad();
    net.Loss(0, 1).backward();
    ref.step();
  }
  EXPECT_LT((SingleRank(5) - net.Flat()).abs().max().item<double>(), 1e-6);
}

TEST(ShardedAdamWTest, TwoRanksShardedEqualOneRankUnsharded) {
  const auto expected = SingleRank(5);
  RunRanks(2, [&](DistContext& ctx) {
    Net net;
    ShardedAdamW opt(net.params, kCfg, &ctx, /*shard=*/true, /*bucket_values=*/50);  // 5 buckets
    EXPECT_TRUE(opt.sharded());
    EXPECT_EQ(opt.numel(), 211);
    EXPECT_EQ(opt.shard_numel(), 4 * 25 + 6);  // each rank holds half of every bucket's state
    Steps(net, opt, ctx, 5);
    EXPECT_LT((net.Flat() - expected).abs().max().item<double>(), 1e-6) << "rank " << ctx.rank();
  });
}

TEST(ShardedAdamWTest, WholeCheckpointResumesOnAnyWorldSize) {
  const auto expected = SingleRank(4);
  const std::string path = FreshStorePath() + ".optim";
  RunRanks(2, [&](DistContext& ctx) {
    Net net;
    ShardedAdamW opt(net.params, kCfg, &ctx, true, 64);
    Steps(net, opt, ctx, 2);
    opt.SaveWhole(path);
  });
  for (int world : {1, 3}) {
    RunRanks(world, [&](DistContext& ctx) {
      Net net;  // fresh weights: LoadWhole restores them from the master copy
      ShardedAdamW opt(net.params, kCfg, &ctx, true, 50);  // other world size and buckets
      opt.LoadWhole(path);
      EXPECT_EQ(opt.steps(), 2);
      Steps(net, opt, ctx, 2);
      EXPECT_LT((net.Flat() - expected).abs().max().item<double>(), 1e-6) << "world " << world;
    });
  }
}

// One AdamW step of the toy Qwen2 (d 96, 2 layers) on a log-prob loss, float32 vs bf16
// weights/activations with float32 master weights, both from the same bf16-representable
// init. Adam's first step is lr * g / (|g| + eps), so compare the update through the
// gradient it came from: relative L2 error of the gradients (bf16 has 8 mantissa bits)
// and the fraction of update entries whose sign agrees.
TEST(MixedPrecisionTest, Bf16StepAgreesWithFloat32) {
  auto cfg = toy::ToyModelConfig();
  cfg.initializer_range = 0.1;
  lm::Qwen2ForCausalLM f32(cfg), b16(cfg);
  lm::InitQwen2Weights(f32, 1);
  {
    torch::NoGradGuard ng;
    for (auto& p : f32->parameters()) p.copy_(p.to(torch::kBFloat16).to(torch::kFloat32));
    auto src = f32->named_parameters();
    for (auto& p : b16->named_parameters()) p.value().copy_(src[p.key()]);
  }
  b16->to(torch::kBFloat16);
  ASSERT_EQ(b16->dtype(), torch::kBFloat16);
  auto g = torch::make_generator<at::CPUGeneratorImpl>(2);
  auto tokens = torch::randint(3, cfg.vocab_size, {4, 40}, g, torch::kInt64);
  DistContext one;
  auto flat = [](lm::Qwen2ForCausalLM& m, bool grad) {
    std::vector<torch::Tensor> v;
    for (auto& p : m->parameters()) v.push_back((grad ? p.grad() : p).detach().reshape({-1}).to(torch::kFloat32));
    return torch::cat(v);
  };
  const auto before = flat(f32, false);
  torch::Tensor grads[2], after[2];
  int i = 0;
  for (auto* m : {&f32, &b16}) {
    ShardedAdamW opt((*m)->parameters(), {1e-3, 0.9, 0.999, 1e-8, 0.0}, &one, false);
    opt.ZeroGrad();
    auto s = lm::TokenLogProbs(*m, tokens, {}, 1.0, true);
    EXPECT_EQ(s.logprobs.scalar_type(), torch::kFloat32);  // losses in float32
    (-(s.logprobs.sum() + 0.1 * s.entropy.sum()) / s.logprobs.numel()).backward();
    grads[i] = flat(*m, true);
    opt.Step();
    after[i++] = opt.master();  // float32 master weights (bf16 params are their rounding)
  }
  EXPECT_LT((after[1] - flat(b16, false)).abs().max().item<double>(), 1e-2);  // params follow the master
  const double grad_rel = ((grads[1] - grads[0]).norm() / grads[0].norm()).item<double>();
  auto d32 = after[0] - before, d16 = after[1] - before;
  auto big = d32.abs() > 5e-4;  // entries whose gradient is not tiny next to eps
  const double sign_agree = (torch::sign(d32) == torch::sign(d16)).logical_and(big).sum().item<double>() /
                            big.sum().item<double>();
  RecordProperty("grad_rel_l2", std::to_string(grad_rel));
  RecordProperty("update_sign_agreement", std::to_string(sign_agree));
  EXPECT_LT(grad_rel, 3e-2);     // stated tolerance: 3% relative L2 on the gradient
  EXPECT_GT(sign_agree, 0.97);   // and 97% of the (non-tiny) update entries move the same way
  std::printf("bf16 vs fp32: gradient rel L2 %.4g, update sign agreement %.4f\n", grad_rel, sign_agree);
}

}  // namespace
}  // namespace upt::train::dist
