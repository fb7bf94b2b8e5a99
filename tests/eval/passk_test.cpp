// Pass@k, bootstrap and interval checks against brute force and known values.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "eval/binomial.h"
#include "eval/passk.h"
#include "eval/report.h"

namespace upt::eval {
namespace {

// Fraction of all k-subsets of n items (first c correct) holding a correct item.
double BruteForcePassAtK(int n, int c, int k) {
  long long total = 0, hit = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != k) continue;
    ++total;
    if (mask & ((1u << c) - 1)) ++hit;
  }
  return static_cast<double>(hit) / static_cast<double>(total);
}

TEST(PassAtKTest, MatchesBruteForceForSmallN) {
  for (int n = 1; n <= 12; ++n)
    for (int c = 0; c <= n; ++c)
      for (int k = 1; k <= n; ++k)
        EXPECT_NEAR(PassAtK(n, c, k), BruteForcePassAtK(n, c, k), 1e-12) << n << " " << c << " " << k;
}

TEST(PassAtKTest, AllKsMatchSingleK) {
  for (long long n : {1, 7, 64, 2048})
    for (long long c : {0LL, 1LL, n / 3, n - 1, n}) {
      if (c < 0) continue;
      auto all = PassAtKAll(n, c);
      ASSERT_EQ(static_cast<long long>(all.size()), n);
      for (long long k = 1; k <= n; k += std::max(1LL, n / 17)) EXPECT_NEAR(all[k - 1], PassAtK(n, c, k), 1e-12);
    }
}

TEST(PassAtKTest, EdgeCases) {
  EXPECT_EQ(PassAtK(10, 0, 1), 0.0);
  EXPECT_EQ(PassAtK(10, 0, 10), 0.0);
  EXPECT_EQ(PassAtK(10, 10, 1), 1.0);
  EXPECT_EQ(PassAtK(10, 1, 10), 1.0);   // k = n: any correct sample is drawn
  EXPECT_EQ(PassAtK(10, 3, 8), 1.0);    // n - c < k
  EXPECT_NEAR(PassAtK(10, 3, 1), 0.3, 1e-15);
  // Large n without overflow: 1 - C(2047, 1024)/C(2048, 1024) = 1024/2048.
  EXPECT_NEAR(PassAtK(2048, 1, 1024), 0.5, 1e-12);
  // Tiny probabilities stay accurate: pass@1 with c = 1, n = 2048.
  EXPECT_NEAR(PassAtK(2048, 1, 1), 1.0 / 2048, 1e-15);
}

TEST(PassAtKTest, KLargerThanNIsAnErrorNamingTheProblem) {
  std::vector<Counts> p{{"a", 8, 2}, {"short_one", 4, 1}};
  try {
    MeanPassAtK(p, {1, 8});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("short_one"), std::string::npos) << e.what();
  }
  EXPECT_THROW(BootstrapPassAtK(p, {5}, {}), Error);
  EXPECT_NO_THROW(MeanPassAtK(p, {1, 4}));
}

TEST(PassAtKTest, MeanIsAverageOverProblems) {
  std::vector<Counts> p{{"a", 4, 1}, {"b", 4, 4}, {"c", 4, 0}};
  auto m = MeanPassAtK(p, {1, 2});
  EXPECT_NEAR(m[0], (0.25 + 1 + 0) / 3, 1e-12);
  EXPECT_NEAR(m[1], (0.5 + 1 + 0) / 3, 1e-12);
}

TEST(PassAtKTest, ParseKs) {
  EXPECT_EQ(ParseKs("pow2", 20), (std::vector<long long>{1, 2, 4, 8, 16}));
  EXPECT_EQ(ParseKs("8,1,2,2", 20), (std::vector<long long>{1, 2, 8}));
  EXPECT_EQ(ParseKs("all", 3), (std::vector<long long>{1, 2, 3}));
  EXPECT_THROW(ParseKs("1,x", 8), Error);
  EXPECT_THROW(ParseKs("0", 8), Error);
}

TEST(BootstrapTest, LiteralDrawFrequencyMatchesUnbiased) {
  // The literal without-replacement draw is Bernoulli(pass@k): check its frequency.
  const long long n = 20, c = 3, k = 5;
  const int trials = 40000;
  int hits = 0;
  for (int t = 0; t < trials; ++t) {
    RngStream rng(7, {static_cast<uint64_t>(t)});
    hits += DrawAnyCorrect(n, c, k, rng);
  }
  double p = PassAtK(n, c, k), se = std::sqrt(p * (1 - p) / trials);
  EXPECT_NEAR(static_cast<double>(hits) / trials, p, 5 * se);
}

TEST(BootstrapTest, MeanConvergesToUnbiasedValue) {
  std::vector<Counts> p;
  for (int i = 0; i < 50; ++i) p.push_back({"p" + std::to_string(i), 64, (i * 7) % 65});
  std::vector<long long> ks{1, 2, 8, 32, 64};
  auto exact = MeanPassAtK(p, ks);
  BootstrapOptions small, large;
  small.replicates = 50;
  large.replicates = 4000;
  large.seed = small.seed = 3;
  auto bs = BootstrapPassAtK(p, ks, small), bl = BootstrapPassAtK(p, ks, large);
  double err_small = 0, err_large = 0;
  for (size_t i = 0; i < ks.size(); ++i) {
    err_small += std::fabs(bs[i].mean - exact[i]);
    err_large += std::fabs(bl[i].mean - exact[i]);
    EXPECT_NEAR(bl[i].mean, exact[i], 0.01) << "k=" << ks[i];
    EXPECT_LE(bl[i].low, exact[i]);
    EXPECT_GE(bl[i].high, exact[i]);
  }
  EXPECT_LT(err_large, err_small + 1e-9);
}

TEST(BootstrapTest, SeededAndDeterministic) {
  std::vector<Counts> p{{"a", 16, 3}, {"b", 16, 9}, {"c", 16, 0}};
  BootstrapOptions o;
  o.seed = 11;
  auto a = BootstrapPassAtK(p, {1, 4}, o), b = BootstrapPassAtK(p, {1, 4}, o);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].mean, b[i].mean);
    EXPECT_EQ(a[i].low, b[i].low);
  }
  o.seed = 12;
  auto c = BootstrapPassAtK(p, {1, 4}, o);
  EXPECT_NE(a[0].mean, c[0].mean);
}

TEST(BootstrapTest, AllCorrectAndAllWrongHaveDegenerateIntervals) {
  std::vector<Counts> all{{"a", 8, 8}, {"b", 8, 8}}, none{{"a", 8, 0}, {"b", 8, 0}};
  auto x = BootstrapPassAtK(all, {1, 8}, {}), y = BootstrapPassAtK(none, {1, 8}, {});
  for (const auto& iv : x) {
    EXPECT_EQ(iv.mean, 1.0);
    EXPECT_EQ(iv.low, 1.0);
    EXPECT_EQ(iv.high, 1.0);
  }
  for (const auto& iv : y) {
    EXPECT_EQ(iv.mean, 0.0);
    EXPECT_EQ(iv.high, 0.0);
  }
}

TEST(BootstrapTest, MeanCIOverProblemsMatchesNormalApproximation) {
  std::vector<double> v;
  for (int i = 0; i < 400; ++i) v.push_back(i % 4 == 0 ? 1.0 : 0.0);  // mean 0.25
  BootstrapOptions o;
  o.replicates = 4000;
  auto iv = BootstrapMeanCI(v, o);
  EXPECT_DOUBLE_EQ(iv.mean, 0.25);
  double half = 1.96 * std::sqrt(0.25 * 0.75 / 400);
  EXPECT_NEAR(iv.low, 0.25 - half, 0.01);
  EXPECT_NEAR(iv.high, 0.25 + half, 0.01);
}

TEST(PercentileTest, LinearInterpolationLikeNumpy) {
  std::vector<double> s{1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(Percentile(s, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(Percentile(s, 0.0), 1);
  EXPECT_DOUBLE_EQ(Percentile(s, 1.0), 4);
  EXPECT_DOUBLE_EQ(Percentile(s, 0.25), 1.75);
}

TEST(IntervalTest, WilsonKnownValues) {
  // Reference values: statsmodels proportion_confint(method="wilson").
  auto w = WilsonInterval(5, 10);
  EXPECT_NEAR(w.low, 0.236593, 1e-5);
  EXPECT_NEAR(w.high, 0.763407, 1e-5);
  auto z = WilsonInterval(0, 10);
  EXPECT_NEAR(z.low, 0.0, 1e-12);
  EXPECT_NEAR(z.high, 0.277533, 1e-5);
  auto one = WilsonInterval(32, 32);
  EXPECT_NEAR(one.high, 1.0, 1e-12);
  EXPECT_NEAR(one.low, 0.892821, 1e-5);
}

TEST(IntervalTest, ClopperPearsonKnownValues) {
  // Reference values: statsmodels proportion_confint(method="beta").
  auto cp = ClopperPearsonInterval(5, 10);
  EXPECT_NEAR(cp.low, 0.187086, 1e-5);
  EXPECT_NEAR(cp.high, 0.812914, 1e-5);
  auto z = ClopperPearsonInterval(0, 10);
  EXPECT_EQ(z.low, 0.0);
  EXPECT_NEAR(z.high, 0.308497, 1e-5);  // 1 - 0.025^(1/10)
  EXPECT_NEAR(z.high, 1 - std::pow(0.025, 0.1), 1e-9);
  auto one = ClopperPearsonInterval(1, 10);
  EXPECT_NEAR(one.low, 0.002529, 1e-5);
  EXPECT_NEAR(one.high, 0.445016, 1e-5);
}

TEST(PairedBootstrapTest, IdenticalRunsHaveNoSignificantDifference) {
  std::vector<double> a;
  for (int i = 0; i < 100; ++i) a.push_back((i * 37 % 100) / 100.0);
  auto r = PairedBootstrap(a, a, {});
  EXPECT_EQ(r.diff, 0.0);
  EXPECT_GT(r.p_value, 0.5);
  EXPECT_LE(r.low, 0.0);
  EXPECT_GE(r.high, 0.0);
}

TEST(PairedBootstrapTest, ClearImprovementIsSignificantAndNoiseIsNot) {
  std::vector<double> a, b, noise;
  for (int i = 0; i < 200; ++i) {
    b.push_back(i % 2 == 0 ? 0.0 : 0.5);
    a.push_back(b.back() + 0.2);
    noise.push_back(b.back() + 0.01 * std::sin(i * 1.7));  // mean ~1e-5, SE ~5e-4
  }
  auto r = PairedBootstrap(a, b, {});
  EXPECT_NEAR(r.diff, 0.2, 1e-12);
  EXPECT_LT(r.p_value, 0.01);
  EXPECT_GT(r.low, 0.0);
  auto n = PairedBootstrap(noise, b, {});
  EXPECT_GT(n.p_value, 0.05);
  EXPECT_THROW(PairedBootstrap(a, {1.0}, {}), Error);
}

}  // namespace
}  // namespace upt::eval

namespace upt::eval {
namespace {

TEST(StratifiedMeanTest, AveragesGroupMeansUnweighted) {
  std::vector<double> big(300, 0.0), small{1.0, 1.0, 1.0};
  for (int i = 0; i < 100; ++i) big[i] = 1.0;  // mean 1/3
  BootstrapOptions o;
  o.replicates = 2000;
  auto iv = StratifiedMeanCI({big, small}, o);
  EXPECT_NEAR(iv.mean, (1.0 / 3 + 1.0) / 2, 1e-12);  // not the pooled 403/303
  EXPECT_LT(iv.low, iv.mean);
  EXPECT_GT(iv.high, iv.mean);
  // Only the big group varies: half its normal-approximation width.
  double half = 1.96 * std::sqrt((1.0 / 3) * (2.0 / 3) / 300) / 2;
  EXPECT_NEAR(iv.high - iv.low, 2 * half, 0.01);
  auto flat = StratifiedMeanCI({small, small}, o);
  EXPECT_EQ(flat.low, 1.0);
  EXPECT_EQ(flat.high, 1.0);
  EXPECT_THROW(StratifiedMeanCI({}, o), Error);
}

}  // namespace
}  // namespace upt::eval


namespace upt::eval {
namespace {

TEST(PassKTableTest, ExactAtEveryKResampledOnlyWhereAsked) {
  std::vector<Counts> p{{"a", 8, 1}, {"b", 8, 5}, {"c", 8, 0}};
  std::vector<long long> ks{1, 2, 3, 4, 5, 6, 7, 8};
  auto t = ComputePassKTable("x", p, ks, {1, 4}, {});
  auto ref = MeanPassAtK(p, ks);
  for (size_t i = 0; i < ks.size(); ++i) EXPECT_NEAR(t.exact[i].mean, ref[i], 1e-12);
  EXPECT_EQ(t.resampled, (std::vector<char>{1, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_LE(t.exact[3].low, t.exact[3].mean);
  Json j = Json::parse(RenderPassK({t}, "json"));
  EXPECT_TRUE(j["bootstrap"]["mean"][1].is_null());
  EXPECT_FALSE(j["bootstrap"]["mean"][3].is_null());
  std::string csv = RenderPassK({t}, "csv");
  EXPECT_NE(csv.find("x,2,0.380952,,,,,"), std::string::npos) << csv;
  EXPECT_THROW(RenderPassK({t}, "xml"), Error);
}

}  // namespace
}  // namespace upt::eval
