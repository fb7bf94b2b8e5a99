// Pass@k metrics over per-problem counts (n samples, c correct).
//
// Unbiased pass@k (Chen et al. 2021, "Evaluating Large Language Models Trained
// on Code", Eq. 1): 1 - C(n-c, k) / C(n, k), computed as a running product
// 1 - prod_{j<k} (n-c-j)/(n-j) (no binomials, no overflow). It equals the
// probability that k of the n samples drawn without replacement hold a correct one.
//
// Bootstrap pass@k (HPT, arXiv 2509.04419 Fig. 2; hpt_spec.md §8.2): each of B
// replicates draws, per problem, k of the n samples without replacement and
// records whether any is correct. That indicator depends only on (n, c, k) and
// is Bernoulli(pass@k(n, c, k)); we draw it as such, one uniform per (slot,
// replicate, k) from RngStream(seed, {slot, replicate}) where slot is the
// problem's position in the replicate. This is the same distribution as
// drawing the k indices (DrawAnyCorrect does that, for tests). Replicates also
// resample the problems, so the percentile interval covers both sources of
// variation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.h"

namespace upt::eval {

// Per-problem counts.
struct Counts {
  std::string id;
  long long n = 0;  // samples
  long long c = 0;  // correct, 0 <= c <= n
};

// Unbiased pass@k for one problem; requires 1 <= k <= n, 0 <= c <= n.
double PassAtK(long long n, long long c, long long k);

// pass@k for every k = 1..n of one problem (index k-1). O(n).
std::vector<double> PassAtKAll(long long n, long long c);

// Benchmark pass@k = mean over problems, for each k in `ks`. Throws upt::Error
// naming the first problem whose n < k.
std::vector<double> MeanPassAtK(const std::vector<Counts>& problems, const std::vector<long long>& ks);

// Validates that every k is in [1, min n]; throws upt::Error naming the problem.
void CheckKs(const std::vector<Counts>& problems, const std::vector<long long>& ks);

// The ks for "--k pow2": 1, 2, 4, ... up to max_k (inclusive).
std::vector<long long> PowersOfTwoUpTo(long long max_k);
// Parses "1,2,4", "pow2" (powers of two up to max_k) or "all" (1..max_k); sorted, unique.
std::vector<long long> ParseKs(const std::string& text, long long max_k);

// Literal draw: k of n sample indices without replacement (partial Fisher-Yates
// over n items of which the first c are correct); true when any is correct. O(k).
bool DrawAnyCorrect(long long n, long long c, long long k, upt::RngStream& rng);

// A bootstrap estimate and its percentile interval.
struct Interval {
  double mean = 0;     // mean over replicates (bootstrap) or the point estimate
  double low = 0;      // percentile (1-level)/2
  double high = 0;     // percentile (1+level)/2
};

// The bootstrap settings of every command and report (score, passk, compare,
// report, reproduce); flat keys bootstrap/seed/level when inlined (core/options.h).
struct BootstrapOptions {
  int replicates = 1000;   // B
  uint64_t seed = 0;
  double level = 0.95;     // interval coverage
  template <class V>
  void ForEach(V&& v) {
    v("bootstrap", replicates, "bootstrap replicates B");
    v("seed", seed, "bootstrap seed");
    v("level", level, "confidence level of intervals");
  }
};

// Bootstrap pass@k per k (see header comment). Result i matches ks[i].
std::vector<Interval> BootstrapPassAtK(const std::vector<Counts>& problems, const std::vector<long long>& ks,
                                       const BootstrapOptions& opts);

// Percentile bootstrap over problems for the mean of `values` (one per problem).
// `mean` is the plain mean of `values`. Replicate b resamples problems with
// RngStream(seed, {kProblemResampleStream, b}).
Interval BootstrapMeanCI(const std::vector<double>& values, const BootstrapOptions& opts);

// The same problem resamples for several metrics at once: result[m] for values[m].
std::vector<Interval> BootstrapMeanCIs(const std::vector<std::vector<double>>& values, const BootstrapOptions& opts);

// Unweighted mean over groups of each group's mean (e.g. the "Avg" column over
// benchmarks), with a stratified percentile bootstrap: replicate b resamples
// the problems of group g with RngStream(seed, {kProblemResampleStream, b, g}).
Interval StratifiedMeanCI(const std::vector<std::vector<double>>& groups, const BootstrapOptions& opts);

// Paired comparison of two runs on the same problems: difference of means
// (a - b), its percentile CI, and a two-sided paired-bootstrap p-value
// (fraction of centred replicates at least as extreme as the observed difference).
struct PairedResult {
  double mean_a = 0, mean_b = 0;
  double diff = 0, low = 0, high = 0;
  double p_value = 1;
};
PairedResult PairedBootstrap(const std::vector<double>& a, const std::vector<double>& b, const BootstrapOptions& opts);

// Percentile of sorted values by linear interpolation (numpy's default).
double Percentile(const std::vector<double>& sorted, double q);

// Stream id used for problem resampling (distinct from problem indices).
inline constexpr uint64_t kProblemResampleStream = 0xB007'57A9'0000'0001ULL;

}  // namespace upt::eval
