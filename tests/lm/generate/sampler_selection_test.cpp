// The sampler's partial selection for top-p (mass histogram + partition + growth)
// against a full-sort reference written from the sampler's contract (sampler.h):
// every token, raw log-prob and sampling log-prob must be bit-identical on random
// logits with ties, -inf, banned ids and a grid of temperature / top-k / top-p / min-p.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "core/rng.h"
#include "lm/generate/sampler.h"

namespace upt::lm {
namespace {

// Reference: weights exp((x - best) / T) in float (dropped below e^-80), summed in
// double; top-k by a full sort of the allowed logits; top-p by a full sort of all
// candidates (weight desc, id asc), keeping while the mass before < top_p; min-p
// relative to the best (weight 1); inverse CDF in that order.
SampledToken ReferenceSample(const std::vector<float>& x, const SamplingParams& p, double u,
                             const std::vector<int32_t>& banned) {
  const int64_t V = static_cast<int64_t>(x.size());
  std::vector<char> allowed(x.size(), 1);
  for (int32_t b : banned) allowed[static_cast<size_t>(b)] = 0;
  float best = -std::numeric_limits<float>::infinity(), m = best;
  int32_t arg = -1;
  for (int64_t i = 0; i < V; ++i) {
    m = std::max(m, x[i]);
    if (allowed[i] && !std::isnan(x[i]) && (arg < 0 || x[i] > best)) best = x[i], arg = static_cast<int32_t>(i);
  }
  SampledToken out;
  if (arg < 0) return out;
  std::vector<std::pair<double, int32_t>> c;  // (weight, id)
  if (p.temperature <= 0) {
    c.push_back({1.0, arg});
  } else {
    float kth = -std::numeric_limits<float>::infinity();
    std::vector<float> vals;
    for (int64_t i = 0; i < V; ++i)
      if (allowed[i]) vals.push_back(x[i]);
    std::sort(vals.begin(), vals.end(), std::greater<float>());
    if (p.top_k > 0 && static_cast<size_t>(p.top_k) < vals.size()) kth = vals[static_cast<size_t>(p.top_k - 1)];
    for (int64_t i = 0; i < V; ++i) {
      const float z = (x[i] - best) * static_cast<float>(1.0 / p.temperature);
      if (allowed[i] && x[i] >= kth && z > -80.0f) c.push_back({std::exp(z), static_cast<int32_t>(i)});
    }
    double total = 0;
    for (auto& e : c) total += e.first;
    if (p.top_p < 1.0 && c.size() > 1) {
      std::sort(c.begin(), c.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
      double before = 0;
      size_t take = 0;
      while (take < c.size() && (take == 0 || before < p.top_p * total)) before += c[take++].first;
      c.resize(take);
    }
    if (p.min_p > 0) c.erase(std::remove_if(c.begin(), c.end(), [&](auto& e) { return e.first < p.min_p; }), c.end());
  }
  if (c.empty()) return out;  // every candidate below e^-80 of a -inf best
  double total = 0;
  for (auto& e : c) total += e.first;
  size_t pick = c.size() - 1;
  if (p.temperature > 0) {
    double acc = 0;
    for (size_t j = 0; j < c.size(); ++j)
      if (u * total < (acc += c[j].first)) {
        pick = j;
        break;
      }
    out.sampling_logprob = static_cast<float>(std::log(c[pick].first / total));
  }
  out.token = c[pick].second;
  double s = 0;
  for (float v : x)
    if (v - m > -80.0f) s += std::exp(v - m);
  out.logprob = static_cast<float>(static_cast<double>(x[static_cast<size_t>(out.token)]) - m - std::log(s));
  return out;
}

// Logits of several shapes: broad N(0, s²), peaked (a few large), quantised to
// halves (many exact ties), with -inf entries.
std::vector<float> RandomLogits(RngStream& rng, int64_t V, int kind) {
  std::vector<float> x(static_cast<size_t>(V));
  for (auto& v : x) v = static_cast<float>((kind == 0 ? 2.0 : 0.7) * rng.Normal());
  if (kind == 1)
    for (int j = 0; j < 5; ++j) x[rng.NextU64() % static_cast<uint64_t>(V)] += 12.0f;
  if (kind == 2)
    for (auto& v : x) v = std::round(2 * v) / 2;
  if (kind == 3)
    for (size_t j = 0; j < x.size(); j += 7) x[j] = -std::numeric_limits<float>::infinity();
  return x;
}

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

void ExpectSame(const SampledToken& got, const SampledToken& want, const std::string& where) {
  EXPECT_EQ(got.token, want.token) << where;
  EXPECT_EQ(Bits(got.logprob), Bits(want.logprob)) << where << " logprob " << got.logprob << " vs " << want.logprob;
  EXPECT_EQ(Bits(got.sampling_logprob), Bits(want.sampling_logprob)) << where;
}

TEST(SamplerSelectionTest, PartialSelectionDrawsExactlyWhatAFullSortDraws) {
  RngStream rng(11, {3});
  int checked = 0;
  for (int64_t V : {1, 2, 7, 300, 5000}) {
    for (int kind = 0; kind < 4; ++kind) {
      const auto x = RandomLogits(rng, V, kind);
      const std::vector<int32_t> banned = V > 2 ? std::vector<int32_t>{0, static_cast<int32_t>(V / 2)} : std::vector<int32_t>{};
      for (double t : {0.0, 0.6, 1.0, 1.7})
        for (int k : {-1, 1, 3, 64})
          for (double tp : {1.0, 0.999, 0.95, 0.7, 0.3, 1e-6})
            for (double mp : {0.0, 0.05, 0.6}) {
              SamplingParams p;
              p.temperature = t;
              p.top_k = k;
              p.top_p = tp;
              p.min_p = mp;
              const double u = rng.Uniform();
              const std::string where = "V " + std::to_string(V) + " kind " + std::to_string(kind) + " T " +
                                        std::to_string(t) + " k " + std::to_string(k) + " p " + std::to_string(tp) +
                                        " min_p " + std::to_string(mp) + " u " + std::to_string(u);
              ExpectSame(SampleFromLogits(x.data(), V, p, u, banned), ReferenceSample(x, p, u, banned), where);
              ++checked;
            }
    }
  }
  EXPECT_EQ(checked, 5 * 4 * 4 * 4 * 6 * 3);
}

TEST(SamplerSelectionTest, LargeVocabularyNucleiOfEverySizeMatchTheFullSort) {
  // 32k tokens from nearly uniform to very peaked: nuclei from one token to
  // almost the whole vocabulary, crossing the histogram's bucket edges.
  RngStream rng(12, {4});
  const int64_t V = 32000;
  for (double scale : {0.05, 0.5, 1.5, 4.0, 10.0}) {
    std::vector<float> x(static_cast<size_t>(V));
    for (auto& v : x) v = static_cast<float>(scale * rng.Normal());
    for (double tp : {0.999, 0.95, 0.5}) {
      SamplingParams p;
      p.top_p = tp;
      for (int draw = 0; draw < 4; ++draw) {
        const double u = rng.Uniform();
        ExpectSame(SampleFromLogits(x.data(), V, p, u, {1}), ReferenceSample(x, p, u, {1}),
                   "scale " + std::to_string(scale) + " p " + std::to_string(tp));
      }
    }
  }
}

TEST(SamplerSelectionTest, SamplingDistributionIsTheDrawsDistribution) {
  RngStream rng(13, {5});
  const auto x = RandomLogits(rng, 400, 2);
  SamplingParams p;
  p.temperature = 0.8;
  p.top_p = 0.9;
  const auto q = SamplingDistribution(x.data(), 400, p);
  EXPECT_NEAR(std::accumulate(q.begin(), q.end(), 0.0), 1.0, 1e-12);
  // Each token's sampling log-prob is the log of its q; tokens outside the nucleus have q = 0.
  for (int i = 0; i < 200; ++i) {
    const auto t = SampleFromLogits(x.data(), 400, p, rng.Uniform());
    ASSERT_GT(q[static_cast<size_t>(t.token)], 0.0);
    EXPECT_NEAR(t.sampling_logprob, std::log(q[static_cast<size_t>(t.token)]), 1e-6);
  }
}

}  // namespace
}  // namespace upt::lm
