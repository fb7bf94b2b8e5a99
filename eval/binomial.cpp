#include "eval/binomial.h"

#include <cmath>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>

#include "core/error.h"

namespace upt::eval {

Proportion WilsonInterval(long long c, long long n, double level) {
  UPT_CHECK(n >= 1 && c >= 0 && c <= n, "WilsonInterval needs 0 <= c <= n, n >= 1");
  const double z = boost::math::quantile(boost::math::normal(), (1.0 + level) / 2.0);
  const double nn = static_cast<double>(n), p = static_cast<double>(c) / nn, z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double centre = (p + z2 / (2.0 * nn)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
  Proportion out{p, std::max(0.0, centre - half), std::min(1.0, centre + half)};
  return out;
}

Proportion ClopperPearsonInterval(long long c, long long n, double level) {
  UPT_CHECK(n >= 1 && c >= 0 && c <= n, "ClopperPearsonInterval needs 0 <= c <= n, n >= 1");
  const double alpha = 1.0 - level;
  const double cc = static_cast<double>(c), nn = static_cast<double>(n);
  Proportion out;
  out.estimate = cc / nn;
  out.low = c == 0 ? 0.0 : boost::math::ibeta_inv(cc, nn - cc + 1.0, alpha / 2.0);
  out.high = c == n ? 1.0 : boost::math::ibeta_inv(cc + 1.0, nn - cc, 1.0 - alpha / 2.0);
  return out;
}

}  // namespace upt::eval
