#include "eval/passk.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <tbb/parallel_for.h>

#include "core/error.h"
#include "core/strings.h"

namespace upt::eval {

double PassAtK(long long n, long long c, long long k) {
  UPT_CHECK(n >= 1 && k >= 1 && k <= n && c >= 0 && c <= n, "PassAtK needs 1 <= k <= n and 0 <= c <= n");
  if (c == 0) return 0.0;
  if (n - c < k) return 1.0;
  // prod_{j<k} (n-c-j)/(n-j): every factor is in (0, 1), so the product only shrinks.
  double fail = 1.0;
  for (long long j = 0; j < k; ++j) {
    fail *= static_cast<double>(n - c - j) / static_cast<double>(n - j);
    if (fail == 0.0) break;
  }
  return 1.0 - fail;
}

std::vector<double> PassAtKAll(long long n, long long c) {
  UPT_CHECK(n >= 1 && c >= 0 && c <= n, "PassAtKAll needs n >= 1 and 0 <= c <= n");
  std::vector<double> out(static_cast<size_t>(n));
  double fail = 1.0;
  for (long long k = 1; k <= n; ++k) {
    long long j = k - 1;
    if (c == 0) {
      out[k - 1] = 0.0;
      continue;
    }
    fail = (n - c - j <= 0) ? 0.0 : fail * (static_cast<double>(n - c - j) / static_cast<double>(n - j));
    out[k - 1] = 1.0 - fail;
  }
  return out;
}

void CheckKs(const std::vector<Counts>& problems, const std::vector<long long>& ks) {
  if (problems.empty()) throw Error("no problems to compute pass@k over", {}, "check the scores/counts input");
  for (long long k : ks) {
    if (k < 1) throw Error("k must be >= 1, got " + std::to_string(k), "--k");
    for (const auto& p : problems) {
      if (p.n < k)
        throw Error("k = " + std::to_string(k) + " exceeds the " + std::to_string(p.n) + " samples of problem '" +
                        p.id + "'",
                    "--k", "use k <= " + std::to_string(p.n) + " or generate more samples for that problem");
    }
  }
}

std::vector<double> MeanPassAtK(const std::vector<Counts>& problems, const std::vector<long long>& ks) {
  CheckKs(problems, ks);
  std::vector<double> out(ks.size(), 0.0);
  for (size_t i = 0; i < ks.size(); ++i) {
    double sum = 0;
    for (const auto& p : problems) sum += PassAtK(p.n, p.c, ks[i]);
    out[i] = sum / static_cast<double>(problems.size());
  }
  return out;
}

std::vector<long long> PowersOfTwoUpTo(long long max_k) {
  std::vector<long long> ks;
  for (long long k = 1; k <= max_k; k *= 2) ks.push_back(k);
  return ks;
}

std::vector<long long> ParseKs(const std::string& text, long long max_k) {
  std::string t(Trim(text));
  if (t == "pow2" || t.empty()) return PowersOfTwoUpTo(max_k);
  if (t == "all") {
    std::vector<long long> ks;
    for (long long k = 1; k <= max_k; ++k) ks.push_back(k);
    return ks;
  }
  std::vector<long long> ks;
  for (const auto& part : Split(t, ',')) {
    long long k = 0;
    if (!ParseInt64(Trim(part), &k) || k < 1)
      throw Error("bad k '" + part + "'", "--k", "write e.g. --k 1,2,4,8, --k pow2 or --k all");
    ks.push_back(k);
  }
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  return ks;
}

bool DrawAnyCorrect(long long n, long long c, long long k, RngStream& rng) {
  UPT_CHECK(k >= 1 && k <= n && c >= 0 && c <= n, "DrawAnyCorrect needs 1 <= k <= n");
  // Partial Fisher-Yates on a virtual array [0..n) where value < c is correct;
  // moved entries are tracked sparsely.
  std::unordered_map<long long, long long> moved;  // position -> value
  auto value_at = [&](long long pos) {
    auto it = moved.find(pos);
    return it == moved.end() ? pos : it->second;
  };
  for (long long i = 0; i < k; ++i) {
    long long j = i + static_cast<long long>(rng.Below(static_cast<uint64_t>(n - i)));
    long long vj = value_at(j);
    if (vj < c) return true;
    moved[j] = value_at(i);
  }
  return false;
}

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  double pos = q * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

namespace {

Interval Summarise(std::vector<double> reps, double point, double level) {
  std::sort(reps.begin(), reps.end());
  Interval iv;
  iv.mean = point;
  iv.low = Percentile(reps, (1.0 - level) / 2.0);
  iv.high = Percentile(reps, (1.0 + level) / 2.0);
  return iv;
}

// Problem indices of replicate b (sampled with replacement).
void ResampleProblems(uint64_t seed, int b, size_t num, std::vector<uint32_t>* idx) {
  RngStream rng(seed, {kProblemResampleStream, static_cast<uint64_t>(b)});
  idx->resize(num);
  for (auto& i : *idx) i = static_cast<uint32_t>(rng.Below(num));
}

void CheckBootstrap(const BootstrapOptions& opts) {
  if (opts.replicates < 1) throw Error("bootstrap replicates must be >= 1", "--bootstrap");
  if (!(opts.level > 0 && opts.level < 1)) throw Error("confidence level must be in (0, 1)", "--level");
}

}  // namespace

std::vector<Interval> BootstrapPassAtK(const std::vector<Counts>& problems, const std::vector<long long>& ks,
                                       const BootstrapOptions& opts) {
  CheckKs(problems, ks);
  CheckBootstrap(opts);
  const size_t P = problems.size(), K = ks.size();
  const int B = opts.replicates;
  // p[j*K + ki] = P(any of k drawn from problem j is correct).
  std::vector<double> p(P * K);
  for (size_t j = 0; j < P; ++j)
    for (size_t ki = 0; ki < K; ++ki) p[j * K + ki] = PassAtK(problems[j].n, problems[j].c, ks[ki]);
  std::vector<double> reps(static_cast<size_t>(B) * K);  // reps[b*K + ki]
  tbb::parallel_for(0, B, [&](int b) {
    std::vector<uint32_t> idx;
    ResampleProblems(opts.seed, b, P, &idx);
    std::vector<long long> hits(K, 0);
    for (size_t i = 0; i < P; ++i) {
      RngStream rng(opts.seed, {static_cast<uint64_t>(i), static_cast<uint64_t>(b)});
      const double* pj = &p[idx[i] * K];
      for (size_t ki = 0; ki < K; ++ki) hits[ki] += rng.Uniform() < pj[ki] ? 1 : 0;
    }
    for (size_t ki = 0; ki < K; ++ki) reps[b * K + ki] = static_cast<double>(hits[ki]) / static_cast<double>(P);
  });
  std::vector<Interval> out(K);
  for (size_t ki = 0; ki < K; ++ki) {
    std::vector<double> r(B);
    double sum = 0;
    for (int b = 0; b < B; ++b) sum += (r[b] = reps[b * K + ki]);
    out[ki] = Summarise(std::move(r), sum / B, opts.level);
  }
  return out;
}

std::vector<Interval> BootstrapMeanCIs(const std::vector<std::vector<double>>& values, const BootstrapOptions& opts) {
  CheckBootstrap(opts);
  const size_t M = values.size();
  if (M == 0) return {};
  const size_t P = values[0].size();
  for (const auto& v : values) UPT_CHECK(v.size() == P, "metrics must have one value per problem");
  std::vector<Interval> out(M);
  if (P == 0) return out;
  const int B = opts.replicates;
  std::vector<double> reps(static_cast<size_t>(B) * M);
  tbb::parallel_for(0, B, [&](int b) {
    std::vector<uint32_t> idx;
    ResampleProblems(opts.seed, b, P, &idx);
    for (size_t m = 0; m < M; ++m) {
      double sum = 0;
      for (uint32_t i : idx) sum += values[m][i];
      reps[b * M + m] = sum / static_cast<double>(P);
    }
  });
  for (size_t m = 0; m < M; ++m) {
    std::vector<double> r(B);
    for (int b = 0; b < B; ++b) r[b] = reps[b * M + m];
    double sum = 0;
    for (double v : values[m]) sum += v;
    out[m] = Summarise(std::move(r), sum / static_cast<double>(P), opts.level);
  }
  return out;
}

Interval StratifiedMeanCI(const std::vector<std::vector<double>>& groups, const BootstrapOptions& opts) {
  CheckBootstrap(opts);
  if (groups.empty()) throw Error("no groups to average");
  double point = 0;
  for (const auto& g : groups) {
    if (g.empty()) throw Error("an empty group cannot be averaged");
    double s = 0;
    for (double x : g) s += x;
    point += s / static_cast<double>(g.size());
  }
  point /= static_cast<double>(groups.size());
  const int B = opts.replicates;
  std::vector<double> reps(B);
  tbb::parallel_for(0, B, [&](int b) {
    double total = 0;
    for (size_t g = 0; g < groups.size(); ++g) {
      RngStream rng(opts.seed, {kProblemResampleStream, static_cast<uint64_t>(b), static_cast<uint64_t>(g)});
      const auto& v = groups[g];
      double s = 0;
      for (size_t i = 0; i < v.size(); ++i) s += v[rng.Below(v.size())];
      total += s / static_cast<double>(v.size());
    }
    reps[b] = total / static_cast<double>(groups.size());
  });
  return Summarise(std::move(reps), point, opts.level);
}

Interval BootstrapMeanCI(const std::vector<double>& values, const BootstrapOptions& opts) {
  return BootstrapMeanCIs({values}, opts)[0];
}

PairedResult PairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, const BootstrapOptions& opts) {
  if (a.size() != b.size() || a.empty())
    throw Error("paired comparison needs the same non-empty set of problems in both runs");
  std::vector<double> d(a.size());
  for (size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  PairedResult r;
  double sa = 0, sb = 0;
  for (size_t i = 0; i < a.size(); ++i) sa += a[i], sb += b[i];
  r.mean_a = sa / a.size();
  r.mean_b = sb / b.size();
  r.diff = r.mean_a - r.mean_b;
  CheckBootstrap(opts);
  const int B = opts.replicates;
  std::vector<double> reps(B);
  tbb::parallel_for(0, B, [&](int rep) {
    std::vector<uint32_t> idx;
    ResampleProblems(opts.seed, rep, d.size(), &idx);
    double s = 0;
    for (uint32_t i : idx) s += d[i];
    reps[rep] = s / static_cast<double>(d.size());
  });
  // Two-sided p-value under H0 (no difference): centre the replicates at 0.
  long long extreme = 0;
  const double obs = std::fabs(r.diff);
  for (double x : reps)
    if (std::fabs(x - r.diff) >= obs - 1e-15) ++extreme;
  r.p_value = static_cast<double>(extreme + 1) / static_cast<double>(B + 1);
  if (r.p_value > 1.0) r.p_value = 1.0;
  Interval iv = Summarise(std::move(reps), r.diff, opts.level);
  r.low = iv.low;
  r.high = iv.high;
  return r;
}

}  // namespace upt::eval
