// Confidence intervals for a binomial proportion (per-problem pass@1 = c/n).
#pragma once

namespace upt::eval {

struct Proportion {
  double estimate = 0;  // c / n
  double low = 0, high = 0;
};

// Wilson score interval (Wilson 1927) at two-sided `level`.
Proportion WilsonInterval(long long c, long long n, double level = 0.95);
// Clopper-Pearson exact interval (Clopper & Pearson 1934) via Beta quantiles
// (Boost.Math); low = 0 when c = 0, high = 1 when c = n.
Proportion ClopperPearsonInterval(long long c, long long n, double level = 0.95);

}  // namespace upt::eval
