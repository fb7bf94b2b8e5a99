// Aggregation over independent replicates (seeds) of a study: the mean of a
// per-problem metric over seeds x problems with a hierarchical (two-stage)
// percentile bootstrap, paired method comparisons on the same seeds and
// problems, and Holm's step-down adjustment for several comparisons.
//
// Data layout: values[s][p] = the metric (e.g. c/n) of replicate s on problem
// p; every replicate has the same problems in the same order (the caller
// matches them by id).
//
// Replicate b of the bootstrap draws S replicate indices with replacement
// (RngStream(seed, {kSeedResampleStream, b})), then for the j-th drawn slot P
// problem indices with replacement: slot 0 from RngStream(seed,
// {kProblemResampleStream, b}) (the stream of eval::BootstrapMeanCI, so with
// one seed the result equals the problem bootstrap exactly), slot j > 0 from
// RngStream(seed, {kProblemResampleStream, b, j}). Its statistic is the mean of
// the S x P drawn values. The bootstrap variance is then
// B/S + V/(S P), with B the (population) variance of the seed means and V the
// mean within-seed variance over problems (Davison & Hinkley 1997, §3.8).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eval/passk.h"

namespace upt::eval {

inline constexpr uint64_t kSeedResampleStream = 0xB007'57A9'0000'0002ULL;

// Mean over all S x P values and its hierarchical percentile interval.
// Throws upt::Error on an empty or ragged matrix.
Interval HierarchicalMeanCI(const std::vector<std::vector<double>>& values, const BootstrapOptions& opts);

// The bootstrap replicates themselves (for tests and custom summaries).
std::vector<double> HierarchicalReplicates(const std::vector<std::vector<double>>& values,
                                           const BootstrapOptions& opts);

// A - B on the same seeds and problems: differences d[s][p] = a[s][p] - b[s][p],
// their mean, the hierarchical interval, and a two-sided p-value from the
// replicates centred at 0 ((extreme + 1) / (B + 1), as eval::PairedBootstrap).
PairedResult HierarchicalPaired(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b,
                                const BootstrapOptions& opts);

// Stratified version for an average over benchmarks: groups[g] is the S x P_g
// matrix of benchmark g (the same S replicates in every group). Replicate b
// draws the seeds once (shared by all groups: a seed is a whole replicate),
// then the problems of group g and slot j from RngStream(seed,
// {kProblemResampleStream, b, j, g}) (group 0 uses the one-group streams).
// The statistic is the unweighted mean over groups of each group's mean.
std::vector<double> HierarchicalGroupReplicates(const std::vector<std::vector<std::vector<double>>>& groups,
                                                const BootstrapOptions& opts);

// Paired A - B of that average (groups matched by index), CI and p-value as HierarchicalPaired.
PairedResult HierarchicalPairedAverage(const std::vector<std::vector<std::vector<double>>>& a,
                                       const std::vector<std::vector<std::vector<double>>>& b,
                                       const BootstrapOptions& opts);

// Holm (1979) step-down adjusted p-values, in the input order: sort ascending,
// adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)). Controls the family-wise
// error rate at alpha when a hypothesis is rejected iff adj <= alpha.
std::vector<double> HolmAdjust(const std::vector<double>& p);

}  // namespace upt::eval
