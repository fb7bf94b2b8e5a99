// c10d Gloo collectives on loopback: ranks are threads of this process joined
// through a FileStore in a temporary directory (or a TCPStore on a free port).
#include "train/dist/dist.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <thread>

#include "core/error.h"
#include "train/dist/launcher.h"
#include "train/dist/shard.h"
#include "tests/train/dist/rank_threads.h"

namespace upt::train::dist {
namespace {

TEST(DistContextTest, SingleProcessContextIsIdentity) {
  DistContext ctx;
  EXPECT_EQ(ctx.world_size(), 1);
  EXPECT_TRUE(ctx.is_main());
  EXPECT_EQ(ctx.AllReduceSum(std::vector<double>{1.5, 2}), (std::vector<double>{1.5, 2}));
  EXPECT_EQ(ctx.AllGather(std::vector<std::int64_t>{3}), (std::vector<std::int64_t>{3}));
  auto p = torch::ones({2}, torch::requires_grad());
  p.mutable_grad() = torch::full({2}, 3.0);
  ctx.AllReduceGradients({p}, GradReduction::kMean);
  EXPECT_TRUE(torch::equal(p.grad(), torch::full({2}, 3.0)));
  ctx.Barrier();
}

TEST(DistContextTest, AllReduceEqualsTheSingleProcessSum) {
  const int world = 3;
  auto data = [](int r) { return torch::arange(10, torch::kDouble) * (r + 1) + 0.25 * r; };
  at::Tensor expected = data(0) + data(1) + data(2);
  RunRanks(world, [&](DistContext& ctx) {
    std::vector<at::Tensor> t{data(ctx.rank())};
    ctx.AllReduceSum(t);
    EXPECT_TRUE(torch::allclose(t[0], expected, 0, 1e-12)) << "rank " << ctx.rank();
    const auto counts = ctx.AllReduceSum(std::vector<std::int64_t>{ctx.rank(), 1});
    EXPECT_EQ(counts, (std::vector<std::int64_t>{0 + 1 + 2, 3}));
  });
}

TEST(DistContextTest, BucketedGradientAllReduceMatchesPerTensorSumForAnyBucketSize) {
  // Shapes chosen so 64-byte buckets hold several small tensors and split around the big one.
  const std::vector<std::vector<int64_t>> shapes = {{3}, {2, 2}, {40}, {1}, {5, 3}};
  auto grad = [](int r, size_t i, const std::vector<int64_t>& s) {
    return torch::sin(torch::arange(torch::tensor(s).prod().item<int64_t>(), torch::kFloat) * (0.3 + r) + static_cast<double>(i))
        .reshape(s);
  };
  for (size_t bucket : {size_t{64}, size_t{1} << 20}) {
    RunRanks(2, [&](DistContext& ctx) {
      std::vector<at::Tensor> params;
      for (size_t i = 0; i < shapes.size(); ++i) {
        params.push_back(torch::zeros(shapes[i], torch::requires_grad()));
        if (i != 3) params.back().mutable_grad() = grad(ctx.rank(), i, shapes[i]);  // param 3: no grad
      }
      ctx.AllReduceGradients(params, GradReduction::kSum, bucket);
      for (size_t i = 0; i < shapes.size(); ++i) {
        at::Tensor want = i == 3 ? torch::zeros(shapes[i]) : grad(0, i, shapes[i]) + grad(1, i, shapes[i]);
        ASSERT_TRUE(params[i].grad().defined());
        EXPECT_TRUE(torch::allclose(params[i].grad(), want, 0, 1e-6)) << "param " << i << " bucket " << bucket;
      }
    });
  }
}

TEST(DistContextTest, MeanReductionDividesTheSumByWorldSize) {
  RunRanks(2, [&](DistContext& ctx) {
    auto p = torch::zeros({4}, torch::requires_grad());
    p.mutable_grad() = torch::full({4}, ctx.rank() == 0 ? 1.0f : 3.0f);
    ctx.AllReduceGradients({p}, GradReduction::kMean);
    EXPECT_TRUE(torch::equal(p.grad(), torch::full({4}, 2.0f)));
  });
}

TEST(DistContextTest, AllGatherConcatenatesVariableLengthVectorsInRankOrder) {
  RunRanks(3, [&](DistContext& ctx) {
    std::vector<double> mine(static_cast<size_t>(ctx.rank()), 0.5 + ctx.rank());  // rank 0 sends nothing
    EXPECT_EQ(ctx.AllGather(mine), (std::vector<double>{1.5, 2.5, 2.5}));
    const auto ints = ctx.AllGather(std::vector<std::int64_t>{10 * ctx.rank(), -1});
    EXPECT_EQ(ints, (std::vector<std::int64_t>{0, -1, 10, -1, 20, -1}));
    ctx.Barrier();
  });
}

TEST(DistContextTest, BroadcastCopiesRootParametersToEveryRank) {
  RunRanks(2, [&](DistContext& ctx) {
    torch::nn::Linear lin(4, 2);
    {
      torch::NoGradGuard g;
      for (auto& p : lin->parameters()) p.fill_(ctx.rank() == 0 ? 7.0 : -1.0);
    }
    ctx.BroadcastParameters(lin->parameters());
    for (auto& p : lin->parameters()) EXPECT_TRUE(torch::equal(p, torch::full_like(p, 7.0)));
  });
}

// Trains a Linear(6, 2) with MSE on a fixed global batch. Each rank's loss is the
// sum over its rows divided by the GLOBAL row count; summed gradients then equal
// the 1-rank full-batch gradient.
std::vector<at::Tensor> TrainLinear(DistContext& ctx, bool adamw, int steps) {
  torch::nn::Linear lin(6, 2);
  {
    torch::NoGradGuard g;
    lin->weight.copy_(torch::sin(torch::arange(12, torch::kFloat)).reshape({2, 6}) * 0.3);
    lin->bias.copy_(torch::tensor({0.1f, -0.2f}));
  }
  ctx.BroadcastParameters(lin->parameters());
  const int questions = 10, group = 2, rows = questions * group;
  const at::Tensor x = torch::cos(torch::arange(rows * 6, torch::kFloat) * 0.7).reshape({rows, 6});
  const at::Tensor y = torch::sin(torch::arange(rows * 2, torch::kFloat) * 1.3).reshape({rows, 2});
  const auto own = OwnedRows(questions, group, ctx.rank(), ctx.world_size());
  const at::Tensor idx = torch::tensor(std::vector<int64_t>(own.begin(), own.end()), torch::kLong);
  std::unique_ptr<torch::optim::Optimizer> opt;
  if (adamw)
    opt = std::make_unique<torch::optim::AdamW>(lin->parameters(), torch::optim::AdamWOptions(0.05).weight_decay(0.01));
  else
    opt = std::make_unique<torch::optim::SGD>(lin->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  for (int s = 0; s < steps; ++s) {
    opt->zero_grad();
    const at::Tensor pred = lin->forward(x.index_select(0, idx));
    const at::Tensor loss = (pred - y.index_select(0, idx)).pow(2).sum() / rows;  // global normaliser
    loss.backward();
    ctx.AllReduceGradients(lin->parameters(), GradReduction::kSum, 32);
    opt->step();
  }
  std::vector<at::Tensor> out;
  for (auto& p : lin->parameters()) out.push_back(p.detach().clone());
  return out;
}

TEST(DistContextTest, TwoRankTrainingGivesTheOneRankParameters) {
  for (bool adamw : {false, true}) {
    DistContext single;
    const auto want = TrainLinear(single, adamw, 6);
    RunRanks(2, [&](DistContext& ctx) {
      const auto got = TrainLinear(ctx, adamw, 6);
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_FALSE(torch::equal(want[i], torch::zeros_like(want[i])));
        EXPECT_LT((got[i] - want[i]).abs().max().item<double>(), 1e-6)
            << (adamw ? "AdamW" : "SGD") << " param " << i << " rank " << ctx.rank();
      }
    });
  }
}

TEST(DistContextTest, RankThatLeavesMakesThePeersCollectiveFailNotHang) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string message;
  try {
    RunRanks(
        2,
        [&](DistContext& ctx) {
          ctx.Barrier();
          if (ctx.rank() == 1) return;  // "dies": its context and sockets go away
          std::vector<at::Tensor> t{torch::ones({1000})};
          ctx.AllReduceSum(t);
        },
        /*timeout_seconds=*/3);
  } catch (const Error& e) {
    message = e.what();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(message.find("rank 0/2: allreduce failed"), std::string::npos) << message;
  EXPECT_LT(secs, 10.0);
}

TEST(DistContextTest, RankThatHangsTurnsIntoATimeoutErrorNamingTheTimeout) {
  std::atomic<bool> released{false};
  std::string message;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    RunRanks(
        2,
        [&](DistContext& ctx) {
          if (ctx.rank() == 1) {  // alive but never joins the collective
            while (!released) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return;
          }
          try {
            ctx.AllReduceSum(std::vector<double>{1.0});
          } catch (...) {
            released = true;
            throw;
          }
          released = true;
        },
        /*timeout_seconds=*/2);
  } catch (const Error& e) {
    message = e.what();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(message.find("did not respond within 2 s"), std::string::npos) << message;
  EXPECT_GE(secs, 1.5);
  EXPECT_LT(secs, 10.0);
}

TEST(DistContextTest, TcpStoreRendezvousOnLoopbackWorks) {
  const int port = FreeLocalPort();
  std::vector<double> results(2);
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(2);
  for (int r = 0; r < 2; ++r)
    threads.emplace_back([&, r] {
      try {
        Rendezvous rv;
        rv.rank = r;
        rv.world_size = 2;
        rv.master_addr = "127.0.0.1";
        rv.master_port = port;
        DistContext ctx = DistContext::Create(rv, {20});
        results[r] = ctx.AllReduceSum(std::vector<double>{r + 1.0})[0];
      } catch (...) {
        errors[r] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  EXPECT_EQ(results, (std::vector<double>{3.0, 3.0}));
}

// Sets env vars for one test and restores them.
class EnvGuard {
 public:
  void Set(const char* k, const char* v) {
    const char* old = std::getenv(k);
    saved_.push_back({k, old ? old : "", old != nullptr});
    if (v) setenv(k, v, 1); else unsetenv(k);
  }
  ~EnvGuard() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it)
      if (it->had) setenv(it->key.c_str(), it->value.c_str(), 1); else unsetenv(it->key.c_str());
  }

 private:
  struct Saved { std::string key, value; bool had; };
  std::vector<Saved> saved_;
};

TEST(RendezvousTest, ReadsTorchrunVariablesAndRejectsInconsistentOnes) {
  EnvGuard env;
  env.Set("UPT_DIST_FILESTORE", nullptr);
  env.Set("GLOO_SOCKET_IFNAME", nullptr);
  env.Set("RANK", "1");
  env.Set("WORLD_SIZE", "4");
  env.Set("LOCAL_RANK", "1");
  env.Set("MASTER_ADDR", "10.0.0.5");
  env.Set("MASTER_PORT", "29500");
  Rendezvous rv = RendezvousFromEnvironment();
  EXPECT_EQ(rv.rank, 1);
  EXPECT_EQ(rv.world_size, 4);
  EXPECT_EQ(rv.master_addr, "10.0.0.5");
  EXPECT_EQ(rv.master_port, 29500);
  env.Set("RANK", "4");
  EXPECT_THROW(RendezvousFromEnvironment(), Error);
  env.Set("RANK", "x");
  EXPECT_THROW(RendezvousFromEnvironment(), Error);
  env.Set("RANK", "0");
  env.Set("MASTER_PORT", nullptr);
  EXPECT_THROW(RendezvousFromEnvironment(), Error);
}

TEST(RendezvousTest, UnsetEnvironmentGivesASingleProcessContext) {
  EnvGuard env;
  for (const char* k : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "UPT_DIST_FILESTORE"})
    env.Set(k, nullptr);
  DistContext ctx = DistContext::FromEnvironment();
  EXPECT_FALSE(ctx.distributed());
  EXPECT_EQ(ctx.rank(), 0);
}

}  // namespace
}  // namespace upt::train::dist
