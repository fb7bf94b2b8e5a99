#include "eval/seeds.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <tbb/parallel_for.h>

#include "core/error.h"
#include "core/rng.h"

namespace upt::eval {
namespace {

void CheckMatrix(const std::vector<std::vector<double>>& v) {
  if (v.empty() || v[0].empty())
    throw Error("seed aggregation needs at least one replicate with one problem");
  for (const auto& row : v)
    if (row.size() != v[0].size())
      throw Error("every replicate must score the same problems", "seed aggregation",
                  "match the replicates' problems by id before aggregating");
  for (const auto& row : v)
    for (double x : row)
      if (!std::isfinite(x)) throw Error("non-finite value in seed aggregation");
}

double MeanAll(const std::vector<std::vector<double>>& v) {
  double s = 0;
  for (const auto& row : v) s += std::accumulate(row.begin(), row.end(), 0.0);
  return s / static_cast<double>(v.size() * v[0].size());
}

Interval Percentiles(std::vector<double> reps, double point, double level) {
  std::sort(reps.begin(), reps.end());
  return {point, Percentile(reps, (1.0 - level) / 2.0), Percentile(reps, (1.0 + level) / 2.0)};
}

}  // namespace

std::vector<double> HierarchicalGroupReplicates(const std::vector<std::vector<std::vector<double>>>& groups,
                                                const BootstrapOptions& opts) {
  if (groups.empty()) throw Error("seed aggregation needs at least one benchmark");
  for (const auto& g : groups) {
    CheckMatrix(g);
    if (g.size() != groups[0].size()) throw Error("every benchmark must have the same replicates (seeds)");
  }
  if (opts.replicates < 1) throw Error("bootstrap replicates must be >= 1", "--bootstrap");
  const size_t S = groups[0].size(), G = groups.size();
  std::vector<double> reps(opts.replicates);
  tbb::parallel_for(0, opts.replicates, [&](int b) {
    const uint64_t ub = static_cast<uint64_t>(b);
    RngStream seeds(opts.seed, {kSeedResampleStream, ub});
    std::vector<size_t> drawn(S);
    for (auto& d : drawn) d = seeds.Below(S);
    double avg = 0;
    for (size_t g = 0; g < G; ++g) {
      const size_t P = groups[g][0].size();
      double sum = 0;
      for (size_t j = 0; j < S; ++j) {
        const auto& row = groups[g][drawn[j]];
        const uint64_t uj = static_cast<uint64_t>(j);
        RngStream probs = g > 0   ? RngStream(opts.seed, {kProblemResampleStream, ub, uj, static_cast<uint64_t>(g)})
                          : j == 0 ? RngStream(opts.seed, {kProblemResampleStream, ub})
                                   : RngStream(opts.seed, {kProblemResampleStream, ub, uj});
        for (size_t i = 0; i < P; ++i) sum += row[probs.Below(P)];
      }
      avg += sum / static_cast<double>(S * P);
    }
    reps[b] = avg / static_cast<double>(G);
  });
  return reps;
}

std::vector<double> HierarchicalReplicates(const std::vector<std::vector<double>>& values,
                                           const BootstrapOptions& opts) {
  return HierarchicalGroupReplicates({values}, opts);
}

Interval HierarchicalMeanCI(const std::vector<std::vector<double>>& values, const BootstrapOptions& opts) {
  if (!(opts.level > 0 && opts.level < 1)) throw Error("confidence level must be in (0, 1)", "--level");
  auto reps = HierarchicalReplicates(values, opts);
  return Percentiles(std::move(reps), MeanAll(values), opts.level);
}

PairedResult HierarchicalPairedAverage(const std::vector<std::vector<std::vector<double>>>& a,
                                       const std::vector<std::vector<std::vector<double>>>& b,
                                       const BootstrapOptions& opts) {
  if (a.size() != b.size() || a.empty()) throw Error("paired seed comparison needs the same benchmarks in both methods");
  if (!(opts.level > 0 && opts.level < 1)) throw Error("confidence level must be in (0, 1)", "--level");
  std::vector<std::vector<std::vector<double>>> d(a.size());
  PairedResult r;
  for (size_t g = 0; g < a.size(); ++g) {
    CheckMatrix(a[g]);
    CheckMatrix(b[g]);
    if (a[g].size() != b[g].size() || a[g][0].size() != b[g][0].size())
      throw Error("paired seed comparison needs the same replicates and problems in both methods");
    d[g].assign(a[g].size(), std::vector<double>(a[g][0].size()));
    for (size_t s = 0; s < a[g].size(); ++s)
      for (size_t p = 0; p < a[g][s].size(); ++p) d[g][s][p] = a[g][s][p] - b[g][s][p];
    r.mean_a += MeanAll(a[g]) / static_cast<double>(a.size());
    r.mean_b += MeanAll(b[g]) / static_cast<double>(a.size());
    r.diff += MeanAll(d[g]) / static_cast<double>(a.size());
  }
  auto reps = HierarchicalGroupReplicates(d, opts);
  long long extreme = 0;
  const double obs = std::fabs(r.diff);
  for (double x : reps)
    if (std::fabs(x - r.diff) >= obs - 1e-15) ++extreme;
  r.p_value = std::min(1.0, static_cast<double>(extreme + 1) / static_cast<double>(reps.size() + 1));
  Interval iv = Percentiles(std::move(reps), r.diff, opts.level);
  r.low = iv.low;
  r.high = iv.high;
  return r;
}

PairedResult HierarchicalPaired(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b,
                                const BootstrapOptions& opts) {
  return HierarchicalPairedAverage({a}, {b}, opts);
}

std::vector<double> HolmAdjust(const std::vector<double>& p) {
  const size_t m = p.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return p[x] < p[y]; });
  std::vector<double> adj(m);
  double running = 0;
  for (size_t i = 0; i < m; ++i) {
    running = std::max(running, std::min(1.0, static_cast<double>(m - i) * p[order[i]]));
    adj[order[i]] = running;
  }
  return adj;
}

}  // namespace upt::eval
