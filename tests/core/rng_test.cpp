#include "core/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

namespace upt {

// Known-answer test from the Random123 distribution (kat_vectors, philox4x32_10).
TEST(PhiloxTest, MatchesPublishedKnownAnswerVectors) {
  auto z = Philox4x32({0, 0, 0, 0}, {0, 0});
  EXPECT_EQ(z[0], 0x6627e8d5u);
  EXPECT_EQ(z[1], 0xe169c58du);
  EXPECT_EQ(z[2], 0xbc57ac4cu);
  EXPECT_EQ(z[3], 0x9b00dbd8u);
  auto f = Philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff});
  EXPECT_EQ(f[0], 0x408f276du);
  EXPECT_EQ(f[1], 0x41c83b0eu);
  EXPECT_EQ(f[2], 0xa20bc7c6u);
  EXPECT_EQ(f[3], 0x6d5451fdu);
}

TEST(RngStreamTest, SameKeyGivesSameSequence) {
  RngStream a(42, {7, 3}), b(42, {7, 3});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.NextU64(), b.NextU64());
}

TEST(RngStreamTest, AnyDifferentIdGivesDifferentStream) {
  RngStream a(42, {7, 3}), b(42, {7, 4}), c(43, {7, 3}), d(42, {3, 7});
  uint64_t x = a.NextU64();
  EXPECT_NE(x, b.NextU64());
  EXPECT_NE(x, c.NextU64());
  EXPECT_NE(x, d.NextU64());
}

TEST(RngStreamTest, UniformHasMeanOneHalfAndStaysInRange) {
  RngStream r(1, {2});
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    double u = r.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
}

TEST(RngStreamTest, BelowIsUniformOverSmallRange) {
  RngStream r(5);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) counts[r.Below(7)]++;
  for (int c : counts) EXPECT_NEAR(c, n / 7.0, 5 * std::sqrt(n / 7.0));
}

TEST(RngStreamTest, SeekReproducesLaterDraws) {
  RngStream a(9, {1});
  for (int i = 0; i < 8; ++i) a.NextU32();  // two blocks
  uint32_t expected = a.NextU32();
  RngStream b(9, {1});
  b.Seek(2);
  EXPECT_EQ(b.NextU32(), expected);
}

TEST(RngStreamTest, NormalHasUnitVariance) {
  RngStream r(3);
  double s = 0, s2 = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    double x = r.Normal();
    s += x;
    s2 += x * x;
  }
  EXPECT_NEAR(s / n, 0.0, 0.02);
  EXPECT_NEAR(s2 / n, 1.0, 0.02);
}

}  // namespace upt
