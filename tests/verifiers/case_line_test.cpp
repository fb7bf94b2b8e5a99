// The fast cases-line reader agrees with a general JSON parser.
#include <gtest/gtest.h>

#include "core/json.h"
#include "verifiers/case_line.h"

namespace upt::verifiers {
namespace {

TEST(CaseLineTest, DecodesEscapesAndUnicodeLikeNlohmann) {
  Json j{{"gold", "\\frac{1}{2} \"q\" \u00e9 \U0001F600 \t"}, {"pred", "line1\nline2 \\boxed{x}"},
         {"mc", true}, {"choices", {"a", "b\\c"}}};
  GradeItem it;
  std::string err;
  ASSERT_TRUE(ParseCaseLine(j.dump(), &it, &err)) << err;
  EXPECT_EQ(it.gold, j["gold"].get<std::string>());
  EXPECT_EQ(it.completion, j["pred"].get<std::string>());
  EXPECT_TRUE(it.mc);
  EXPECT_EQ(it.choices, (std::vector<std::string>{"a", "b\\c"}));
  ASSERT_TRUE(ParseCaseLine(R"({"gold":"\u00e9\ud83d\ude00","pred":"x"})", &it, &err));
  EXPECT_EQ(it.gold, "\u00e9\U0001F600");
}

TEST(CaseLineTest, ExtraFieldsFallBackToTheGeneralParser) {
  GradeItem it;
  std::string err;
  ASSERT_TRUE(ParseCaseLine(R"({"id": 7, "gold": "1", "meta": {"a": [1, 2]}, "pred": "2"})", &it, &err));
  EXPECT_EQ(it.gold, "1");
  EXPECT_EQ(it.completion, "2");
}

TEST(CaseLineTest, MalformedLinesNameTheProblem) {
  GradeItem it;
  std::string err;
  EXPECT_FALSE(ParseCaseLine("not json", &it, &err));
  EXPECT_EQ(err, "invalid JSON object");
  EXPECT_FALSE(ParseCaseLine(R"({"gold": 5, "pred": "5"})", &it, &err));
  EXPECT_EQ(err, "field 'gold' must be a string");
  EXPECT_FALSE(ParseCaseLine(R"({"gold": "5"})", &it, &err));
  EXPECT_EQ(err, "field 'pred' must be a string");
  EXPECT_FALSE(ParseCaseLine(R"({"gold": "5", "pred": "5", "mc": 1})", &it, &err));
  EXPECT_EQ(err, "field 'mc' must be a boolean");
  EXPECT_FALSE(ParseCaseLine(R"({"gold": "5", "pred": "5"} trailing)", &it, &err));
  EXPECT_FALSE(ParseCaseLine("{\"gold\": \"a\nb\", \"pred\": \"5\"}", &it, &err));  // raw newline
}

}  // namespace
}  // namespace upt::verifiers
