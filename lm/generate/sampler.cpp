#include "lm/generate/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace upt::lm {
namespace {

// The tokens sampling may return, in a canonical order, with unnormalised weights.
struct Candidates {
  std::vector<int32_t> ids;
  std::vector<double> weights;
  double total = 0;
  int32_t greedy = -1;  // set when temperature <= 0
};

void ApplyTopP(double top_p, Candidates* c);

void BuildCandidates(const float* logits, int64_t vocab, const SamplingParams& p,
                     const std::vector<int32_t>& banned, Candidates* c) {
  thread_local std::vector<char> allowed;
  allowed.assign(static_cast<size_t>(vocab), 1);
  for (int32_t b : banned)
    if (b >= 0 && b < vocab) allowed[b] = 0;
  c->ids.clear();
  c->weights.clear();
  c->total = 0;
  c->greedy = -1;
  float best = -std::numeric_limits<float>::infinity();
  int32_t arg = -1;
  for (int64_t i = 0; i < vocab; ++i)
    if (allowed[i] && !std::isnan(logits[i]) && (arg < 0 || logits[i] > best)) {
      best = logits[i];
      arg = static_cast<int32_t>(i);
    }
  if (arg < 0) return;
  if (p.temperature <= 0) {
    c->greedy = arg;
    c->ids.push_back(arg);
    c->weights.push_back(1.0);
    c->total = 1.0;
    return;
  }
  // Top-k: keep logits >= the k-th largest (ties kept, as HF's TopKLogitsWarper).
  float kth = -std::numeric_limits<float>::infinity();
  if (p.top_k > 0) {
    thread_local std::vector<float> vals;
    vals.clear();
    for (int64_t i = 0; i < vocab; ++i)
      if (allowed[i]) vals.push_back(logits[i]);
    if (static_cast<size_t>(p.top_k) < vals.size()) {
      std::nth_element(vals.begin(), vals.begin() + (p.top_k - 1), vals.end(), std::greater<float>());
      kth = vals[p.top_k - 1];
    }
  }
  // Weights in float (expf is several times faster than exp over 150k-token
  // vocabularies); tokens more than 80 nats below the best (w < 2e-35) are dropped.
  const float inv_t = static_cast<float>(1.0 / p.temperature);
  for (int64_t i = 0; i < vocab; ++i) {
    if (!allowed[i] || logits[i] < kth) continue;
    const float z = (logits[i] - best) * inv_t;
    if (!(z > -80.0f)) continue;  // also drops -inf and NaN
    const double w = std::exp(z);
    c->ids.push_back(static_cast<int32_t>(i));
    c->weights.push_back(w);
    c->total += w;
  }
  if (p.top_p < 1.0 && c->ids.size() > 1) ApplyTopP(p.top_p, c);
  // Min-p (HF MinPLogitsWarper, applied after top-p): the best token has weight 1.
  if (p.min_p > 0) {
    size_t keep = 0;
    c->total = 0;
    for (size_t j = 0; j < c->ids.size(); ++j)
      if (c->weights[j] >= p.min_p) {
        c->ids[keep] = c->ids[j];
        c->weights[keep] = c->weights[j];
        c->total += c->weights[keep++];
      }
    c->ids.resize(keep);
    c->weights.resize(keep);
  }
}

void ApplyTopP(double top_p, Candidates* c) {
  // Top-p: the shortest most-likely-first prefix with mass >= top_p (HF's
  // TopPLogitsWarper keeps a token iff the mass strictly before it is < top_p).
  // Only tokens with q >= (1 - top_p) / n can be in it: the rest total < 1 - top_p.
  const double tau = (1.0 - top_p) / static_cast<double>(c->ids.size()) * c->total;
  thread_local std::vector<std::pair<double, int32_t>> order;
  order.clear();
  for (size_t j = 0; j < c->ids.size(); ++j)
    if (c->weights[j] >= tau) order.push_back({c->weights[j], c->ids[j]});
  auto more_likely = [](const std::pair<double, int32_t>& a, const std::pair<double, int32_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  // Peaked distributions: the 64 most likely tokens usually hold the nucleus; else sort all.
  const double need = top_p * c->total;
  size_t k = std::min<size_t>(order.size(), 64);
  while (true) {
    // A full sort when k is all (partial_sort is a heap sort, ~3x slower); the
    // order is total (ties by id), so both give the same sequence.
    if (k == order.size()) std::sort(order.begin(), order.end(), more_likely);
    else std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), more_likely);
    double before = 0;
    size_t take = 0;
    while (take < k && (take == 0 || before < need)) before += order[take++].first;
    if (before >= need || k == order.size()) {
      c->ids.clear();
      c->weights.clear();
      for (size_t j = 0; j < take; ++j) {
        c->ids.push_back(order[j].second);
        c->weights.push_back(order[j].first);
      }
      c->total = before;
      return;
    }
    k = order.size();
  }
}

}  // namespace

SampledToken SampleFromLogits(const float* logits, int64_t vocab, const SamplingParams& p, double u,
                              const std::vector<int32_t>& banned) {
  thread_local Candidates c;
  BuildCandidates(logits, vocab, p, banned, &c);
  SampledToken out;
  if (c.ids.empty()) return out;
  size_t pick = c.ids.size() - 1;
  if (c.greedy < 0) {
    const double target = u * c.total;
    double acc = 0;
    for (size_t j = 0; j < c.ids.size(); ++j) {
      acc += c.weights[j];
      if (target < acc) {
        pick = j;
        break;
      }
    }
    out.sampling_logprob = static_cast<float>(std::log(c.weights[pick] / c.total));
  }
  out.token = c.ids[pick];
  // Raw log-softmax of the chosen token over the full vocabulary.
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < vocab; ++i) m = std::max(m, logits[i]);
  double s = 0;
  for (int64_t i = 0; i < vocab; ++i) {
    const float z = logits[i] - m;
    if (z > -80.0f) s += std::exp(z);
  }
  out.logprob = static_cast<float>(static_cast<double>(logits[out.token]) - m - std::log(s));
  return out;
}

std::vector<double> SamplingDistribution(const float* logits, int64_t vocab, const SamplingParams& p,
                                         const std::vector<int32_t>& banned) {
  Candidates c;
  BuildCandidates(logits, vocab, p, banned, &c);
  std::vector<double> q(static_cast<size_t>(vocab), 0.0);
  for (size_t j = 0; j < c.ids.size(); ++j) q[c.ids[j]] = c.weights[j] / c.total;
  return q;
}

}  // namespace upt::lm
