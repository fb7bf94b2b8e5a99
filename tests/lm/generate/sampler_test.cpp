// The pure sampler on tiny probability vectors with hand-computed expectations,
// a brute-force nucleus on a larger vocabulary, and draw statistics.
#include "lm/generate/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/rng.h"

namespace upt::lm {
namespace {

std::vector<float> LogOf(std::vector<double> p) {
  std::vector<float> out;
  for (double x : p) out.push_back(static_cast<float>(std::log(x)));
  return out;
}

void ExpectDist(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << "token " << i;
}

const std::vector<float> kLogits = LogOf({0.5, 0.3, 0.15, 0.05});

std::vector<double> Dist(SamplingParams p, std::vector<int32_t> banned = {}) {
  return SamplingDistribution(kLogits.data(), 4, p, banned);
}

TEST(SamplerTest, TemperatureOneIsTheModelDistribution) {
  ExpectDist(Dist({}), {0.5, 0.3, 0.15, 0.05});
}

TEST(SamplerTest, TemperatureSharpensAndFlattens) {
  SamplingParams p;
  p.temperature = 0.5;  // p^2 renormalised
  ExpectDist(Dist(p), {0.25 / 0.365, 0.09 / 0.365, 0.0225 / 0.365, 0.0025 / 0.365});
  p.temperature = 2.0;  // sqrt(p) renormalised
  double s = std::sqrt(0.5) + std::sqrt(0.3) + std::sqrt(0.15) + std::sqrt(0.05);
  ExpectDist(Dist(p), {std::sqrt(0.5) / s, std::sqrt(0.3) / s, std::sqrt(0.15) / s, std::sqrt(0.05) / s});
}

TEST(SamplerTest, TopKAndTopPTruncateAndRenormalise) {
  SamplingParams p;
  p.top_k = 2;
  ExpectDist(Dist(p), {0.625, 0.375, 0, 0});
  p = {};
  p.top_p = 0.7;  // 0.5 then 0.3 (mass before it 0.5 < 0.7); 0.15 has 0.8 before it
  ExpectDist(Dist(p), {0.625, 0.375, 0, 0});
  p.top_p = 0.85;
  ExpectDist(Dist(p), {0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0});
  p.top_p = 0.3;  // the top token alone
  ExpectDist(Dist(p), {1, 0, 0, 0});
  p = {};
  p.top_k = 3;
  p.top_p = 0.6;  // top-k first: {0.526, 0.316, 0.158}; nucleus keeps two
  ExpectDist(Dist(p), {0.625, 0.375, 0, 0});
}

TEST(SamplerTest, TopKKeepsTiesAtTheBoundary) {
  std::vector<float> l = {1, 1, 1, 0};
  SamplingParams p;
  p.top_k = 2;
  ExpectDist(SamplingDistribution(l.data(), 4, p), {1.0 / 3, 1.0 / 3, 1.0 / 3, 0});
}

TEST(SamplerTest, BannedTokensAreNeverSampled) {
  ExpectDist(Dist({}, {0}), {0, 0.6, 0.3, 0.1});
  SamplingParams greedy;
  greedy.temperature = 0;
  ExpectDist(Dist(greedy), {1, 0, 0, 0});
  ExpectDist(Dist(greedy, {0}), {0, 1, 0, 0});
  for (double u : {0.0, 0.3, 0.6, 0.999}) EXPECT_NE(SampleFromLogits(kLogits.data(), 4, {}, u, {0, 1}).token, 0);
  EXPECT_EQ(SampleFromLogits(kLogits.data(), 4, {}, 0.5, {0, 1, 2, 3}).token, -1);
}

TEST(SamplerTest, InverseCdfPicksTheExpectedToken) {
  SamplingParams p;
  EXPECT_EQ(SampleFromLogits(kLogits.data(), 4, p, 0.0).token, 0);
  EXPECT_EQ(SampleFromLogits(kLogits.data(), 4, p, 0.49).token, 0);
  EXPECT_EQ(SampleFromLogits(kLogits.data(), 4, p, 0.51).token, 1);
  EXPECT_EQ(SampleFromLogits(kLogits.data(), 4, p, 0.79).token, 1);
  EXPECT_EQ(SampleFromLogits(kLogits.data(), 4, p, 0.81).token, 2);
  EXPECT_EQ(SampleFromLogits(kLogits.data(), 4, p, 0.9999).token, 3);
}

TEST(SamplerTest, ReturnsRawAndSamplingLogProbs) {
  SamplingParams p;
  p.top_k = 2;
  auto t = SampleFromLogits(kLogits.data(), 4, p, 0.9);  // 0.9 * 1 > 0.625 -> token 1
  EXPECT_EQ(t.token, 1);
  EXPECT_NEAR(t.logprob, std::log(0.3), 1e-5);
  EXPECT_NEAR(t.sampling_logprob, std::log(0.375), 1e-5);
  p = {};
  p.temperature = 0;
  t = SampleFromLogits(kLogits.data(), 4, p, 0.9);
  EXPECT_EQ(t.token, 0);
  EXPECT_NEAR(t.logprob, std::log(0.5), 1e-5);
  EXPECT_EQ(t.sampling_logprob, 0.0f);
}

TEST(SamplerTest, NucleusMatchesBruteForceOnALargeVocabulary) {
  RngStream rng(42, {1});
  const int V = 2000;
  std::vector<float> logits(V);
  for (auto& x : logits) x = static_cast<float>(3.0 * rng.Normal());
  for (double top_p : {0.5, 0.9, 0.99}) {
    SamplingParams p;
    p.top_p = top_p;
    p.temperature = 0.7;
    // Brute force: full softmax, sort all, keep while mass before < top_p.
    std::vector<double> q(V);
    double m = *std::max_element(logits.begin(), logits.end()), s = 0;
    for (int i = 0; i < V; ++i) s += q[i] = std::exp((logits[i] - m) / 0.7);
    std::vector<int> order(V);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return q[a] > q[b]; });
    std::vector<double> want(V, 0.0);
    double before = 0, kept = 0;
    for (int i : order) {
      if (before >= top_p * s) break;
      want[i] = q[i];
      before += q[i];
      kept += q[i];
    }
    for (auto& w : want) w /= kept;
    ExpectDist(SamplingDistribution(logits.data(), V, p), want);
  }
}

TEST(SamplerTest, DrawFrequenciesPassAChiSquareBound) {
  SamplingParams p;
  p.temperature = 0.8;
  p.top_k = 3;
  auto q = Dist(p);
  std::vector<int> counts(4, 0);
  RngStream rng(9, {2});
  const int n = 20000;
  for (int i = 0; i < n; ++i) ++counts[SampleFromLogits(kLogits.data(), 4, p, rng.Uniform()).token];
  EXPECT_EQ(counts[3], 0);
  double chi2 = 0;
  for (int i = 0; i < 3; ++i) chi2 += std::pow(counts[i] - n * q[i], 2) / (n * q[i]);
  EXPECT_LT(chi2, 13.8);  // chi-square, 2 degrees of freedom, p = 0.001
}

}  // namespace
}  // namespace upt::lm
