#include "train/upge/advantage.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/rng.h"

namespace upt::train {
namespace {

at::Tensor T(const std::vector<double>& v) { return torch::tensor(v, torch::kDouble); }
at::Tensor K(const std::vector<int64_t>& v) { return torch::tensor(v, torch::kLong); }

TEST(GroupAdvantageTest, HandComputedWithAndWithoutStd) {
  auto r = T({1, 0, 0, 1, 1});
  auto k = K({7, 7, 7, 7, 3});
  auto a = GroupAdvantages(r, k, {false, 1e-6});
  const double want[] = {0.5, -0.5, -0.5, 0.5, 1.0};  // singleton group 3: A = R
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(a[i].item<double>(), want[i], 1e-12);
  auto s = GroupAdvantages(r, k, {true, 1e-6});
  const double sd = std::sqrt(1.0 / 3.0);  // unbiased std of {1,0,0,1}
  EXPECT_NEAR(s[0].item<double>(), 0.5 / (sd + 1e-6), 1e-12);
  EXPECT_NEAR(s[4].item<double>(), 1.0 / (1.0 + 1e-6), 1e-12);
}

TEST(GroupAdvantageTest, AllEqualRewardsGiveZero) {
  auto a = GroupAdvantages(T({1, 1, 1}), K({0, 0, 0}), {true, 1e-6});
  EXPECT_EQ(a.abs().sum().item<double>(), 0.0);
}

TEST(GroupAdvantageTest, SplitKeysSeparateDemonstrations) {
  auto g = K({0, 0, 0, 1});
  auto demo = torch::tensor({0, 0, 1, 0}, torch::kLong).to(torch::kBool);
  auto split = GroupKeys(g, demo, true);
  auto mixed = GroupKeys(g, demo, false);
  EXPECT_NE(split[0].item<int64_t>(), split[2].item<int64_t>());
  EXPECT_EQ(mixed[0].item<int64_t>(), mixed[2].item<int64_t>());
  auto r = T({0, 0, 1, 1});
  EXPECT_NEAR(GroupAdvantages(r, split, {})[2].item<double>(), 1.0, 1e-12);        // singleton demo
  EXPECT_NEAR(GroupAdvantages(r, mixed, {})[2].item<double>(), 2.0 / 3.0, 1e-12);  // 1 - 1/3
}

TEST(GroupAdvantageTest, LoopMatchesVectorisedOnRandomBatches) {
  for (uint64_t seed = 0; seed < 40; ++seed) {
    RngStream rng(seed, {StreamId("grpo-adv")});
    const int B = 1 + static_cast<int>(rng.Below(64));
    const int G = 1 + static_cast<int>(rng.Below(12));
    std::vector<double> r(B);
    std::vector<int64_t> k(B);
    for (int i = 0; i < B; ++i) {
      k[i] = static_cast<int64_t>(rng.Below(G)) * 13 - 20;  // sparse, negative keys
      r[i] = rng.Uniform() < 0.3 ? rng.Normal() : static_cast<double>(rng.Below(2));
    }
    for (bool by_std : {false, true}) {
      GroupAdvantageOptions o{by_std, 1e-6};
      auto want = GroupAdvantagesLoop(r, k, o);
      for (auto dtype : {torch::kDouble, torch::kFloat}) {
        auto got = GroupAdvantages(torch::tensor(r, torch::kDouble).to(dtype), K(k), o).to(torch::kDouble);
        EXPECT_TRUE(torch::allclose(got, T(want), 1e-5, 1e-6)) << "seed " << seed << " std " << by_std;
      }
    }
  }
}

}  // namespace
}  // namespace upt::train
