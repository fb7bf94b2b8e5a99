// Hierarchical (seeds, then problems) bootstrap and Holm's adjustment.
#include "eval/seeds.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/rng.h"

namespace upt::eval {
namespace {

std::vector<std::vector<double>> Matrix(size_t S, size_t P, double seed_spread, uint64_t seed) {
  RngStream rng(seed, {9});
  std::vector<std::vector<double>> v(S, std::vector<double>(P));
  for (size_t s = 0; s < S; ++s) {
    double off = seed_spread * (rng.Uniform() - 0.5);
    for (size_t p = 0; p < P; ++p) v[s][p] = off + (rng.Uniform() < 0.4 ? 1.0 : 0.0);
  }
  return v;
}

double Var(const std::vector<double>& x) {
  double m = 0, q = 0;
  for (double v : x) m += v;
  m /= x.size();
  for (double v : x) q += (v - m) * (v - m);
  return q / x.size();
}

TEST(SeedsTest, OneSeedIsExactlyTheProblemBootstrap) {
  auto v = Matrix(1, 37, 0, 1);
  BootstrapOptions bo;
  bo.replicates = 500;
  bo.seed = 11;
  Interval h = HierarchicalMeanCI(v, bo), p = BootstrapMeanCI(v[0], bo);
  EXPECT_DOUBLE_EQ(h.mean, p.mean);
  EXPECT_DOUBLE_EQ(h.low, p.low);
  EXPECT_DOUBLE_EQ(h.high, p.high);
  std::vector<double> zeros(37, 0.0);
  PairedResult hp = HierarchicalPaired(v, {zeros}, bo), pp = PairedBootstrap(v[0], zeros, bo);
  EXPECT_DOUBLE_EQ(hp.diff, pp.diff);
  EXPECT_DOUBLE_EQ(hp.low, pp.low);
  EXPECT_DOUBLE_EQ(hp.p_value, pp.p_value);
}

// Var* = Bs/S + V/(S P): Bs = population variance of the seed means, V = mean
// within-seed population variance (the two-stage bootstrap's exact variance).
TEST(SeedsTest, ReplicateVarianceMatchesTheTwoStageFormula) {
  for (double spread : {0.0, 0.3, 1.0}) {
    auto v = Matrix(5, 24, spread, 2);
    const double S = 5, P = 24;
    std::vector<double> means;
    double within = 0;
    for (const auto& row : v) {
      double m = 0;
      for (double x : row) m += x;
      means.push_back(m / P);
      within += Var(row) / S;
    }
    double expect = Var(means) / S + within / (S * P);
    BootstrapOptions bo;
    bo.replicates = 40000;
    bo.seed = 5;
    double got = Var(HierarchicalReplicates(v, bo));
    EXPECT_NEAR(got / expect, 1.0, 0.04) << "spread " << spread;  // MC error of the variance ~ sqrt(2/B) = 0.7%
  }
}

TEST(SeedsTest, IntervalWidensWithBetweenSeedSpread) {
  BootstrapOptions bo;
  bo.replicates = 2000;
  double prev = 0;
  for (double spread : {0.0, 0.2, 0.6}) {
    Interval iv = HierarchicalMeanCI(Matrix(5, 40, spread, 3), bo);
    EXPECT_GT(iv.high - iv.low, prev) << spread;
    prev = iv.high - iv.low;
  }
}

// Exhaustive check on 2 seeds x 2 problems: every replicate is one of the
// 2^2 seed draws times 2^2 problem draws per slot, equally likely.
TEST(SeedsTest, MeanOfReplicatesMatchesEnumeration) {
  std::vector<std::vector<double>> v = {{0.0, 1.0}, {0.5, 0.25}};
  double sum = 0, sq = 0;
  int count = 0;
  for (int s0 = 0; s0 < 2; ++s0)
    for (int s1 = 0; s1 < 2; ++s1)
      for (int mask = 0; mask < 16; ++mask) {
        double m = (v[s0][mask & 1] + v[s0][(mask >> 1) & 1] + v[s1][(mask >> 2) & 1] + v[s1][(mask >> 3) & 1]) / 4;
        sum += m, sq += m * m, ++count;
      }
  double mean = sum / count, var = sq / count - mean * mean;
  BootstrapOptions bo;
  bo.replicates = 60000;
  auto reps = HierarchicalReplicates(v, bo);
  double rm = 0;
  for (double x : reps) rm += x;
  rm /= reps.size();
  EXPECT_NEAR(rm, mean, 0.003);
  EXPECT_NEAR(Var(reps) / var, 1.0, 0.03);
}

TEST(SeedsTest, PairedDifferenceAndPValue) {
  auto a = Matrix(4, 30, 0.1, 4), b = a;
  for (auto& row : b)
    for (auto& x : row) x -= 0.3;  // A better by 0.3 everywhere
  BootstrapOptions bo;
  bo.replicates = 999;
  PairedResult r = HierarchicalPaired(a, b, bo);
  EXPECT_NEAR(r.diff, 0.3, 1e-12);
  EXPECT_NEAR(r.low, 0.3, 1e-12);  // constant difference: no spread
  EXPECT_DOUBLE_EQ(r.p_value, 1.0 / 1000);
  PairedResult same = HierarchicalPaired(a, a, bo);
  EXPECT_DOUBLE_EQ(same.diff, 0);
  EXPECT_DOUBLE_EQ(same.p_value, 1.0);
  EXPECT_THROW(HierarchicalPaired(a, Matrix(3, 30, 0, 1), bo), Error);
  EXPECT_THROW(HierarchicalMeanCI({{1, 2}, {1}}, bo), Error);
}

TEST(SeedsTest, HolmStepDown) {
  auto adj = HolmAdjust({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(adj.size(), 4u);
  EXPECT_DOUBLE_EQ(adj[3], 0.02);
  EXPECT_DOUBLE_EQ(adj[0], 0.03);
  EXPECT_DOUBLE_EQ(adj[2], 0.06);
  EXPECT_DOUBLE_EQ(adj[1], 0.06);  // monotone: not below the previous step
  EXPECT_DOUBLE_EQ(HolmAdjust({0.6, 0.5})[0], 1.0);
  EXPECT_TRUE(HolmAdjust({}).empty());
}

}  // namespace
}  // namespace upt::eval

namespace upt::eval {
namespace {

// The average over two benchmarks: its replicate variance is the sum of the
// groups' two-stage terms plus their covariance through the shared seed draw:
// Var = (1/4)[Var_s(m1 + m2)/S + V1/(S P1) + V2/(S P2)].
TEST(SeedsTest, GroupAverageSharesTheSeedDrawAcrossBenchmarks) {
  auto g1 = Matrix(4, 20, 0.8, 6), g2 = Matrix(4, 30, 0.0, 7);
  for (size_t s = 0; s < 4; ++s)
    for (auto& x : g2[s]) x += (g1[s][0] + g1[s][1]);  // seed effects correlated across groups
  std::vector<double> sums;
  double v1 = 0, v2 = 0;
  for (size_t s = 0; s < 4; ++s) {
    double m1 = 0, m2 = 0;
    for (double x : g1[s]) m1 += x / 20;
    for (double x : g2[s]) m2 += x / 30;
    sums.push_back(m1 + m2);
    v1 += Var(g1[s]) / 4;
    v2 += Var(g2[s]) / 4;
  }
  double expect = (Var(sums) / 4 + v1 / 80 + v2 / 120) / 4;
  BootstrapOptions bo;
  bo.replicates = 40000;
  double got = Var(HierarchicalGroupReplicates({g1, g2}, bo));
  EXPECT_NEAR(got / expect, 1.0, 0.04);
  auto g2_low = g2;
  for (auto& row : g2_low)
    for (auto& x : row) x -= 0.1;
  PairedResult r = HierarchicalPairedAverage({g1, g2}, {g1, g2_low}, bo);
  EXPECT_NEAR(r.diff, 0.05, 1e-12);  // 0 on group 1, 0.1 on group 2
  EXPECT_NEAR(r.low, 0.05, 1e-12);
  EXPECT_THROW(HierarchicalPairedAverage({g1, g2}, {g1, g1}, bo), Error);  // P differs in group 2
}

}  // namespace
}  // namespace upt::eval
