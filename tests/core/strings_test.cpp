#include "core/strings.h"

#include <gtest/gtest.h>

#include "core/hash.h"

namespace upt {

TEST(Utf8Test, AcceptsValidAndRejectsOverlongSurrogateAndTruncated) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xce\xb1\xe2\x88\x9e\xf0\x9f\x98\x80"));  // α ∞ 😀
  size_t off = 99;
  EXPECT_FALSE(IsValidUtf8("ab\xc0\xaf", &off));  // overlong '/'
  EXPECT_EQ(off, 2u);
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x88"));      // truncated
}

TEST(Sha256Test, MatchesFipsVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(StringsTest, ClosestMatchFindsTyposOnly) {
  std::vector<std::string> names = {"aime24", "aime25", "math500", "minerva"};
  EXPECT_EQ(ClosestMatch("math50", names), "math500");
  EXPECT_EQ(ClosestMatch("completely_different", names), "");
}

TEST(StringsTest, ParseNumbersRejectTrailingGarbage) {
  long long i;
  double d;
  EXPECT_TRUE(ParseInt64(" 42 ", &i));
  EXPECT_EQ(i, 42);
  EXPECT_FALSE(ParseInt64("42x", &i));
  EXPECT_TRUE(ParseDouble("1e-3", &d));
  EXPECT_DOUBLE_EQ(d, 1e-3);
  EXPECT_FALSE(ParseDouble("", &d));
}

}  // namespace upt
