#include "lm/generate/sampler.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace upt::lm {
namespace {

// The tokens sampling may return, in a canonical order (token id; most likely
// first with ties by id after top-p), with unnormalised weights
// w = exp((logit - best) / T) in float, summed in double in that order.
struct Candidates {
  std::vector<int32_t> ids;
  std::vector<float> weights;
  double total = 0;
  int32_t greedy = -1;  // set when temperature <= 0
};

// One pass over a row: the largest logit (NaN skipped, as std::max) and the
// first largest allowed non-NaN logit.
struct RowMax {
  float all = -std::numeric_limits<float>::infinity();
  float best = -std::numeric_limits<float>::infinity();
  int32_t arg = -1;
};

RowMax ScanRow(const float* logits, int64_t vocab, const std::vector<char>& allowed) {
  RowMax r;
  for (int64_t i = 0; i < vocab; ++i) {
    const float x = logits[i];
    r.all = std::max(r.all, x);
    if (allowed[i] && !std::isnan(x) && (r.arg < 0 || x > r.best)) {
      r.best = x;
      r.arg = static_cast<int32_t>(i);
    }
  }
  return r;
}

// Top-k: the k-th largest allowed logit (ties at it are kept, as HF's
// TopKLogitsWarper); -inf when top-k is off or keeps everything.
float TopKThreshold(const float* logits, int64_t vocab, int top_k, const std::vector<char>& allowed) {
  if (top_k <= 0) return -std::numeric_limits<float>::infinity();
  thread_local std::vector<float> vals;
  vals.clear();
  for (int64_t i = 0; i < vocab; ++i)
    if (allowed[i]) vals.push_back(logits[i]);
  if (static_cast<size_t>(top_k) >= vals.size()) return -std::numeric_limits<float>::infinity();
  std::nth_element(vals.begin(), vals.begin() + (top_k - 1), vals.end(), std::greater<float>());
  return vals[static_cast<size_t>(top_k - 1)];
}

struct Entry {
  float w;
  int32_t id;
};

bool MoreLikely(const Entry& a, const Entry& b) { return a.w != b.w ? a.w > b.w : a.id < b.id; }

// Mass histogram buckets of a positive float: its top 12 bits (exponent and 3
// mantissa bits), monotone in the value.
constexpr int kBuckets = 2048;
int Bucket(float w) {
  uint32_t bits;
  std::memcpy(&bits, &w, sizeof bits);
  return static_cast<int>(std::min<uint32_t>(bits >> 20, kBuckets - 1));
}

// Top-p: the shortest most-likely-first prefix with mass >= top_p (HF's
// TopPLogitsWarper keeps a token iff the mass strictly before it is < top_p).
// Only tokens with q >= (1 - top_p) / n can be in it (the rest total < 1 - top_p).
// A mass histogram over value buckets picks the fewest top buckets holding
// top_p of the mass; only they are partitioned to the front and sorted; if
// rounding leaves their exact running sum short, the selection grows (x2, by
// nth_element over the rest). The order is total, so the kept prefix, its sum
// and the draw equal those of a full sort.
void ApplyTopP(double top_p, Candidates* c) {
  const double tau = (1.0 - top_p) / static_cast<double>(c->ids.size()) * c->total;
  thread_local std::vector<Entry> order;
  thread_local std::array<double, kBuckets> mass;
  order.clear();
  mass.fill(0.0);
  for (size_t j = 0; j < c->ids.size(); ++j)
    if (c->weights[j] >= tau) {
      order.push_back({c->weights[j], c->ids[j]});
      mass[static_cast<size_t>(Bucket(c->weights[j]))] += c->weights[j];
    }
  const double need = top_p * c->total;
  int boundary = kBuckets - 1;
  for (double acc = 0; boundary > 0; --boundary)
    if ((acc += mass[static_cast<size_t>(boundary)]) >= need) break;
  auto end = std::partition(order.begin(), order.end(), [&](const Entry& e) { return Bucket(e.w) >= boundary; });
  size_t done = 0, k = static_cast<size_t>(end - order.begin()), take = 0;
  double before = 0;
  while (true) {
    std::sort(order.begin() + static_cast<std::ptrdiff_t>(done), order.begin() + static_cast<std::ptrdiff_t>(k),
              MoreLikely);
    while (take < k && (take == 0 || before < need)) before += order[take++].w;
    if (before >= need || k == order.size()) break;
    done = k;
    k = std::min(order.size(), std::max<size_t>(2 * k, 64));
    if (k < order.size())
      std::nth_element(order.begin() + static_cast<std::ptrdiff_t>(done), order.begin() + static_cast<std::ptrdiff_t>(k),
                       order.end(), MoreLikely);
  }
  c->ids.resize(take);
  c->weights.resize(take);
  for (size_t j = 0; j < take; ++j) {
    c->ids[j] = order[j].id;
    c->weights[j] = order[j].w;
  }
  c->total = before;
}

// Min-p (HF MinPLogitsWarper, applied after top-p): the best token has weight 1.
void ApplyMinP(double min_p, Candidates* c) {
  size_t keep = 0;
  c->total = 0;
  for (size_t j = 0; j < c->ids.size(); ++j)
    if (c->weights[j] >= min_p) {
      c->ids[keep] = c->ids[j];
      c->weights[keep] = c->weights[j];
      c->total += c->weights[keep++];
    }
  c->ids.resize(keep);
  c->weights.resize(keep);
}

// Fills `c`; when `raw_sum` is set, also sum_i exp(logit_i - max logit) over the
// whole vocabulary (terms below e^-80 dropped), in id order, for the raw log-softmax
// (*raw_max = that max). At temperature 1 the two share each exp.
void BuildCandidates(const float* logits, int64_t vocab, const SamplingParams& p, const std::vector<int32_t>& banned,
                     Candidates* c, double* raw_sum, float* raw_max) {
  thread_local std::vector<char> allowed;
  if (static_cast<int64_t>(allowed.size()) < vocab) allowed.assign(static_cast<size_t>(vocab), 1);
  for (int32_t b : banned)
    if (b >= 0 && b < vocab) allowed[static_cast<size_t>(b)] = 0;
  c->ids.clear();
  c->weights.clear();
  c->total = 0;
  c->greedy = -1;
  const RowMax r = ScanRow(logits, vocab, allowed);
  if (raw_max) *raw_max = r.all;
  const bool sample = r.arg >= 0 && p.temperature > 0;
  const float kth = sample ? TopKThreshold(logits, vocab, p.top_k, allowed) : 0.0f;
  const float inv_t = sample ? static_cast<float>(1.0 / p.temperature) : 1.0f;
  const bool shared_exp = raw_sum && inv_t == 1.0f && r.best == r.all;
  double s = 0;
  if (sample || raw_sum)
    for (int64_t i = 0; i < vocab; ++i) {
      const float x = logits[i];
      float e = 0;
      if (raw_sum) {
        const float zr = x - r.all;
        if (zr > -80.0f) s += e = std::exp(zr);
      }
      if (!sample || !allowed[i] || x < kth) continue;
      const float z = (x - r.best) * inv_t;
      if (!(z > -80.0f)) continue;  // also drops -inf and NaN
      const float w = shared_exp ? e : std::exp(z);
      c->ids.push_back(static_cast<int32_t>(i));
      c->weights.push_back(w);
      c->total += w;
    }
  if (raw_sum) *raw_sum = s;
  for (int32_t b : banned)
    if (b >= 0 && b < vocab) allowed[static_cast<size_t>(b)] = 1;
  if (r.arg < 0) return;
  if (!sample) {
    c->greedy = r.arg;
    c->ids.push_back(r.arg);
    c->weights.push_back(1.0f);
    c->total = 1.0;
    return;
  }
  if (p.top_p < 1.0 && c->ids.size() > 1) ApplyTopP(p.top_p, c);
  if (p.min_p > 0) ApplyMinP(p.min_p, c);
}

}  // namespace

SampledToken SampleFromLogits(const float* logits, int64_t vocab, const SamplingParams& p, double u,
                              const std::vector<int32_t>& banned) {
  thread_local Candidates c;
  double s = 0;
  float m = 0;
  BuildCandidates(logits, vocab, p, banned, &c, &s, &m);
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
  out.logprob = static_cast<float>(static_cast<double>(logits[out.token]) - m - std::log(s));
  return out;
}

std::vector<double> SamplingDistribution(const float* logits, int64_t vocab, const SamplingParams& p,
                                         const std::vector<int32_t>& banned) {
  Candidates c;
  BuildCandidates(logits, vocab, p, banned, &c, nullptr, nullptr);
  std::vector<double> q(static_cast<size_t>(vocab), 0.0);
  for (size_t j = 0; j < c.ids.size(); ++j) q[static_cast<size_t>(c.ids[j])] = c.weights[j] / c.total;
  return q;
}

}  // namespace upt::lm
