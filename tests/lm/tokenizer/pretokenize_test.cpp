// The hand-written Qwen2 scanner against PCRE2 running the same pattern
// (differential test), plus hand-checked splits.
#include <gtest/gtest.h>

#include <random>

#include "core/json.h"
#include "lm/tokenizer/pretokenize.h"

namespace upt::lm {
namespace {

std::vector<std::string> Pieces(const Splitter& sp, const std::string& s) {
  std::vector<Piece> p;
  sp.Split(s, &p);
  std::vector<std::string> out;
  for (const Piece& q : p) out.push_back(s.substr(q.begin, q.end - q.begin));
  return out;
}

TEST(PretokenizeTest, Qwen2ScannerSplitsHandCheckedExamples) {
  auto sp = MakeQwen2Splitter();
  using V = std::vector<std::string>;
  EXPECT_EQ(Pieces(*sp, "Hello world"), (V{"Hello", " world"}));
  EXPECT_EQ(Pieces(*sp, "It's 123"), (V{"It", "'s", " ", "1", "2", "3"}));
  EXPECT_EQ(Pieces(*sp, "I'LL go"), (V{"I", "'LL", " go"}));
  EXPECT_EQ(Pieces(*sp, "a  b"), (V{"a", " ", " b"}));
  EXPECT_EQ(Pieces(*sp, "x \n\n y"), (V{"x", " \n\n", " y"}));
  EXPECT_EQ(Pieces(*sp, "end   "), (V{"end", "   "}));
  EXPECT_EQ(Pieces(*sp, "\\boxed{42}.\n"), (V{"\\boxed", "{", "4", "2", "}.\n"}));
  EXPECT_EQ(Pieces(*sp, " (x)"), (V{" (", "x", ")"}));
  EXPECT_EQ(Pieces(*sp, "\tword"), (V{"\tword"}));
  EXPECT_EQ(Pieces(*sp, ""), (V{}));
  EXPECT_EQ(Pieces(*sp, "a\xff" "b"), (V{"a", "\xff" "b"}));  // invalid byte acts as punctuation
}

TEST(PretokenizeTest, JavaScriptWhitespaceClasses) {
  EXPECT_EQ(ClassOf(0xFEFF), CharClass::kSpace);   // ECMAScript WhiteSpace
  EXPECT_EQ(ClassOf(0x85), CharClass::kOther);     // not in ECMAScript \s
  EXPECT_EQ(ClassOf(0x3000), CharClass::kSpace);
  EXPECT_EQ(ClassOf(0x4F60), CharClass::kLetter);
  EXPECT_EQ(ClassOf(0x2460), CharClass::kNumber);  // circled digit one (No)
  EXPECT_EQ(ClassOf(-1), CharClass::kOther);
}

TEST(PretokenizeTest, Qwen2ScannerAgreesWithPcre2OnRandomText) {
  auto fast = MakeQwen2Splitter();
  auto pcre = MakeRegexSplitter(kQwen2SplitPattern, "test");
  // Atoms whose classes PCRE2 (UCP) and ECMAScript agree on.
  const std::vector<std::string> atoms = {
      "a", "Z", "q", " ", "  ", "\n", "\r", "\t", "\x0b", "\x0c", "1", "0", "'", "'s", "'T", "'re", "'LL", "'d",
      "'x", ".", ",", "$", "\\", "{", "}", "-", "\xc2\xa0", "\xe3\x80\x80", "\xe4\xbd\xa0", "\xc3\xa9",
      "\xf0\x9f\x98\x80", "\xe2\x91\xa0", "\xd9\xa1", "\xcc\x81", "\xe2\x80\xa8", "_", "\xe2\x80\x8b"};
  std::mt19937 rng(1234);
  int checked = 0;
  for (int t = 0; t < 3000; ++t) {
    std::string s;
    int n = 1 + rng() % 24;
    for (int i = 0; i < n; ++i) s += atoms[rng() % atoms.size()];
    auto a = Pieces(*fast, s), b = Pieces(*pcre, s);
    ASSERT_EQ(a, b) << DumpLine(Json(s));
    ++checked;
  }
  EXPECT_EQ(checked, 3000);
}

TEST(PretokenizeTest, DecodeUtf8RejectsOverlongsAndSurrogates) {
  int32_t cp;
  EXPECT_EQ(DecodeUtf8("\xc3\xa9", 0, &cp), 2);
  EXPECT_EQ(cp, 0xE9);
  EXPECT_EQ(DecodeUtf8("\xc0\xaf", 0, &cp), 1);
  EXPECT_EQ(cp, -1);
  EXPECT_EQ(DecodeUtf8("\xed\xa0\x80", 0, &cp), 1);
  EXPECT_EQ(cp, -1);
  EXPECT_EQ(DecodeUtf8("\xf4\x90\x80\x80", 0, &cp), 1);
  EXPECT_EQ(cp, -1);
  EXPECT_EQ(DecodeUtf8("\xf0\x9f\x98\x80", 0, &cp), 4);
  EXPECT_EQ(cp, 0x1F600);
}

}  // namespace
}  // namespace upt::lm
