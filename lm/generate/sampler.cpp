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
// Entries [0, n) of ids / weights are used; the arrays only grow.
struct Candidates {
  std::vector<int32_t> ids;
  std::vector<float> weights;
  size_t n = 0;
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

// Mass histogram buckets of a weight in (0, 1]: its top 12 bits (exponent and 3
// mantissa bits; <= 1016 for 1.0), monotone in the value.
constexpr int kBuckets = 1024;
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
  const double tau = (1.0 - top_p) / static_cast<double>(c->n) * c->total;
  thread_local std::vector<Entry> buffer;  // only grows
  thread_local std::array<double, 4 * kBuckets> mass;  // 4 interleaved histograms: no store-load chains
  if (buffer.size() < c->n) buffer.resize(c->n);
  Entry* order = buffer.data();
  mass.fill(0.0);
  size_t kept = 0;  // branch-free compaction of the tokens with w >= tau
  for (size_t j = 0; j < c->n; ++j) {
    const float w = c->weights[j];
    const bool in = w >= tau;
    order[kept] = {w, c->ids[j]};
    mass[4 * static_cast<size_t>(Bucket(w)) + (j & 3)] += in ? w : 0.0f;
    kept += in;
  }
  const double need = top_p * c->total;
  int boundary = kBuckets - 1;
  for (double acc = 0; boundary > 0; --boundary) {
    const double* m = &mass[4 * static_cast<size_t>(boundary)];
    if ((acc += m[0] + m[1] + m[2] + m[3]) >= need) break;
  }
  const Entry* end = std::partition(order, order + kept, [&](const Entry& e) { return Bucket(e.w) >= boundary; });
  size_t done = 0, k = static_cast<size_t>(end - order), take = 0;
  double before = 0;
  while (true) {
    std::sort(order + done, order + k, MoreLikely);
    while (take < k && (take == 0 || before < need)) before += order[take++].w;
    if (before >= need || k == kept) break;
    done = k;
    k = std::min(kept, std::max<size_t>(2 * k, 64));
    if (k < kept) std::nth_element(order + done, order + k, order + kept, MoreLikely);
  }
  c->n = take;
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
  for (size_t j = 0; j < c->n; ++j)
    if (c->weights[j] >= min_p) {
      c->ids[keep] = c->ids[j];
      c->weights[keep] = c->weights[j];
      c->total += c->weights[keep++];
    }
  c->n = keep;
}

// exp(z) for z > -80 (else 0), z = (x - shift) * scale, written to out[0, n).
// Kept apart from the sums: an exp call clobbers every vector register, so a
// running sum in the same loop would round-trip through memory per element.
void ExpTerms(const float* x, int64_t n, float shift, float scale, float* out) {
  for (int64_t i = 0; i < n; ++i) {
    const float z = (x[i] - shift) * scale;
    out[i] = z > -80.0f ? std::exp(z) : 0.0f;  // also drops -inf and NaN
  }
}

// Sum of the terms in id order (terms of 0 add nothing).
double SumInOrder(const float* e, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += e[i];
  return s;
}

// The allowed tokens with logit >= kth and a weight (e[i] > 0), in id order;
// returns SumInOrder(raw, n) (0 without `raw`), its chain run beside the total's.
double Collect(const float* logits, const float* e, const float* raw, int64_t n, const char* allowed, float kth,
               Candidates* c) {
  int32_t* ids = c->ids.data();
  float* weights = c->weights.data();
  size_t k = 0;
  double total = 0, s = 0;
  for (int64_t i = 0; i < n; ++i) {
    const bool in = allowed[i] && logits[i] >= kth && e[i] > 0.0f;
    ids[k] = static_cast<int32_t>(i);
    weights[k] = e[i];
    total += in ? e[i] : 0.0f;
    k += in;
    if (raw) s += raw[i];
  }
  c->n = k;
  c->total = total;
  return s;
}

// Fills `c`; when `raw_sum` is set, also sum_i exp(logit_i - max logit) over the
// whole vocabulary (terms below e^-80 dropped), in id order, for the raw log-softmax
// (*raw_max = that max). At temperature 1 the two share each exp.
void BuildCandidates(const float* logits, int64_t vocab, const SamplingParams& p, const std::vector<int32_t>& banned,
                     Candidates* c, double* raw_sum, float* raw_max) {
  thread_local std::vector<char> allowed;
  thread_local std::vector<float> raw_terms, terms;  // only grow
  const size_t V = static_cast<size_t>(vocab);
  if (allowed.size() < V) allowed.assign(V, 1);
  if (c->ids.size() < V + 1) {
    c->ids.resize(V + 1);
    c->weights.resize(V + 1);
  }
  if (terms.size() < V) {
    terms.resize(V);
    raw_terms.resize(V);
  }
  for (int32_t b : banned)
    if (b >= 0 && b < vocab) allowed[static_cast<size_t>(b)] = 0;
  c->n = 0;
  c->total = 0;
  c->greedy = -1;
  const RowMax r = ScanRow(logits, vocab, allowed);
  const bool sample = r.arg >= 0 && p.temperature > 0;
  if (raw_sum) {
    ExpTerms(logits, vocab, r.all, 1.0f, raw_terms.data());
    *raw_max = r.all;
  }
  if (sample) {
    const float kth = TopKThreshold(logits, vocab, p.top_k, allowed);
    const float inv_t = static_cast<float>(1.0 / p.temperature);
    // (x - best) * 1 is x - best: at T = 1 with best = max the raw terms are the weights.
    const bool shared = raw_sum && inv_t == 1.0f && r.best == r.all;
    if (!shared) ExpTerms(logits, vocab, r.best, inv_t, terms.data());
    const double s = Collect(logits, shared ? raw_terms.data() : terms.data(), raw_sum ? raw_terms.data() : nullptr,
                             vocab, allowed.data(), kth, c);
    if (raw_sum) *raw_sum = s;
  } else if (raw_sum) {
    *raw_sum = SumInOrder(raw_terms.data(), vocab);
  }
  for (int32_t b : banned)
    if (b >= 0 && b < vocab) allowed[static_cast<size_t>(b)] = 1;
  if (r.arg < 0) return;
  if (!sample) {
    c->greedy = r.arg;
    c->ids[0] = r.arg;
    c->weights[0] = 1.0f;
    c->n = 1;
    c->total = 1.0;
    return;
  }
  if (p.top_p < 1.0 && c->n > 1) ApplyTopP(p.top_p, c);
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
  if (c.n == 0) return out;
  size_t pick = c.n - 1;
  if (c.greedy < 0) {
    const double target = u * c.total;
    double acc = 0;
    for (size_t j = 0; j < c.n; ++j) {
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
  for (size_t j = 0; j < c.n; ++j) q[static_cast<size_t>(c.ids[j])] = c.weights[j] / c.total;
  return q;
}

}  // namespace upt::lm
