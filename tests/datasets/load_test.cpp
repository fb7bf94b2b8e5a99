// JSONL loader: every bad-line kind names the right line and field, skips are
// counted by kind with the first line, and canonical serialisation round-trips.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/hash.h"
#include "datasets/load.h"

namespace upt::datasets {
namespace {

const char* kGood1 = R"({"id": "g1", "problem": "1+1?", "answer": "2"})";
const char* kGood2 = R"({"id": "g2", "problem": "2+2?", "answer": "4", "meta": {"level": 1}})";
const char* kGood5 = R"({"id": "g5", "problem": "3+3?", "answer": "6"})";
const char* kMc1 = R"({"id": "m1", "problem": "Pick", "choices": ["x", "y", "z", "w"], "answer": "B"})";
const char* kMc2 = R"({"id": "m2", "problem": "Pick", "choices": ["x", "y"], "answer": "A"})";
const char* kMc5 = R"({"id": "m5", "problem": "Pick", "choices": ["x", "y", "z"], "answer": "C"})";

struct BadCase {
  const char* label;
  bool mc;           // embed in a multiple-choice file
  std::string line;  // placed at line 4 (line 3 is blank)
  BadLineKind kind;
  const char* field;
};

std::vector<BadCase> Cases() {
  return {
      {"truncated_json", false, R"({"id": "b", "problem": )", BadLineKind::kMalformed, ""},
      {"not_an_object", false, "[1, 2]", BadLineKind::kMalformed, ""},
      {"invalid_utf8", false, "{\"id\": \"b\", \"problem\": \"\xff\xfe\", \"answer\": \"1\"}", BadLineKind::kInvalidUtf8, ""},
      {"missing_answer", false, R"({"id": "b", "problem": "p"})", BadLineKind::kMissingField, "answer"},
      {"missing_problem", false, R"({"id": "b", "answer": "1"})", BadLineKind::kMissingField, "problem"},
      {"missing_id", false, R"({"problem": "p", "answer": "1"})", BadLineKind::kMissingField, "id"},
      {"null_answer", false, R"({"id": "b", "problem": "p", "answer": null})", BadLineKind::kMissingField, "answer"},
      {"numeric_answer", false, R"({"id": "b", "problem": "p", "answer": 25})", BadLineKind::kWrongType, "answer"},
      {"array_problem", false, R"({"id": "b", "problem": ["p"], "answer": "1"})", BadLineKind::kWrongType, "problem"},
      {"float_id", false, R"({"id": 1.5, "problem": "p", "answer": "1"})", BadLineKind::kWrongType, "id"},
      {"meta_not_object", false, R"({"id": "b", "problem": "p", "answer": "1", "meta": 3})", BadLineKind::kWrongType, "meta"},
      {"duplicate_id", false, R"({"id": "g1", "problem": "p", "answer": "1"})", BadLineKind::kDuplicateId, "id"},
      {"empty_answer", false, R"({"id": "b", "problem": "p", "answer": "  "})", BadLineKind::kEmptyAnswer, "answer"},
      {"empty_problem", false, R"({"id": "b", "problem": "", "answer": "1"})", BadLineKind::kEmptyProblem, "problem"},
      {"choices_in_math_file", false, R"({"id": "b", "problem": "p", "choices": ["a", "b"], "answer": "A"})",
       BadLineKind::kKindMismatch, "choices"},
      {"letter_out_of_range", true, R"({"id": "b", "problem": "p", "choices": ["a", "b", "c", "d"], "answer": "E"})",
       BadLineKind::kBadAnswerLetter, "answer"},
      {"lowercase_letter", true, R"({"id": "b", "problem": "p", "choices": ["a", "b"], "answer": "a"})",
       BadLineKind::kBadAnswerLetter, "answer"},
      {"answer_is_option_text", true, R"({"id": "b", "problem": "p", "choices": ["a", "b"], "answer": "b"})",
       BadLineKind::kBadAnswerLetter, "answer"},
      {"choices_not_array", true, R"({"id": "b", "problem": "p", "choices": "a|b", "answer": "A"})",
       BadLineKind::kWrongType, "choices"},
      {"choice_not_string", true, R"({"id": "b", "problem": "p", "choices": ["a", 2], "answer": "A"})",
       BadLineKind::kWrongType, "choices"},
      {"single_choice", true, R"({"id": "b", "problem": "p", "choices": ["a"], "answer": "A"})",
       BadLineKind::kBadChoices, "choices"},
      {"empty_choice", true, R"({"id": "b", "problem": "p", "choices": ["a", " "], "answer": "A"})",
       BadLineKind::kBadChoices, "choices"},
      {"missing_choices_in_mc_file", true, R"({"id": "b", "problem": "p", "answer": "A"})", BadLineKind::kKindMismatch,
       "choices"},
  };
}

std::string FileWith(const BadCase& c) {
  std::string s = std::string(c.mc ? kMc1 : kGood1) + "\n" + (c.mc ? kMc2 : kGood2) + "\n\n" + c.line + "\n" +
                  (c.mc ? kMc5 : kGood5) + "\n";
  return s;
}

TEST(JsonlLoadTest, EachBadLineKindNamesLineAndField) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c.label);
    try {
      ParseJsonl(FileWith(c), "bench.jsonl", LoadOptions{});
      ADD_FAILURE() << "no error for " << c.label;
    } catch (const Error& e) {
      EXPECT_EQ(e.where(), Where("bench.jsonl", 4, c.field));
      EXPECT_FALSE(e.hint().empty());
    }
  }
}

TEST(JsonlLoadTest, SkipBadLinesCountsEachKindOnce) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c.label);
    LoadOptions opts;
    opts.skip_bad_lines = true;
    LoadReport report;
    Benchmark b = ParseJsonl(FileWith(c), "bench.jsonl", opts, &report);
    EXPECT_EQ(b.problems.size(), 3u);
    EXPECT_EQ(report.rows_seen, 4);
    EXPECT_EQ(report.loaded, 3);
    EXPECT_EQ(report.skipped, 1);
    EXPECT_EQ(report.skipped_by_kind[BadLineKindName(c.kind)], 1);
    EXPECT_EQ(report.first_line_by_kind[BadLineKindName(c.kind)], 4);
    ASSERT_EQ(report.first_bad.size(), 1u);
    EXPECT_EQ(report.first_bad[0].field, c.field);
    EXPECT_EQ(b.kind, c.mc ? Kind::kMultipleChoice : Kind::kMath);
  }
}

TEST(JsonlLoadTest, ReportCountsSeveralKindsWithFirstLines) {
  std::string s = std::string(kGood1) + "\n" +                            // 1
                  R"({"id": "a", "problem": "p", "answer": ""})" "\n" +  // 2 empty answer
                  "not json\n" +                                          // 3 malformed
                  R"({"id": "c", "problem": "p", "answer": ""})" "\n" +  // 4 empty answer
                  kGood1 + "\n" +                                         // 5 duplicate
                  kGood2 + "\n";                                          // 6
  LoadOptions opts;
  opts.skip_bad_lines = true;
  LoadReport report;
  Benchmark b = ParseJsonl(s, "x.jsonl", opts, &report);
  EXPECT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(report.skipped, 4);
  EXPECT_EQ(report.skipped_by_kind["empty_answer"], 2);
  EXPECT_EQ(report.first_line_by_kind["empty_answer"], 2);
  EXPECT_EQ(report.skipped_by_kind["malformed"], 1);
  EXPECT_EQ(report.first_line_by_kind["malformed"], 3);
  EXPECT_EQ(report.first_line_by_kind["duplicate_id"], 5);
  std::string summary = report.Summary();
  EXPECT_NE(summary.find("x.jsonl: 6 rows, 2 loaded, 4 skipped"), std::string::npos) << summary;
  EXPECT_NE(summary.find("x.jsonl:3"), std::string::npos) << summary;
  EXPECT_EQ(report.ToJson()["skipped_by_kind"]["empty_answer"], 2);
}

TEST(JsonlLoadTest, AllLinesBadIsAnErrorEvenWhenSkipping) {
  LoadOptions opts;
  opts.skip_bad_lines = true;
  EXPECT_THROW(ParseJsonl("nope\n{}\n", "x.jsonl", opts), Error);
  EXPECT_THROW(ParseJsonl("\n\n", "x.jsonl", LoadOptions{}), Error);
}

TEST(JsonlLoadTest, KeepsAnswersAndTextVerbatimAndAcceptsCrlfAndIntegerIds) {
  std::string s = "{\"id\": 7, \"problem\": \" Find x. \", \"answer\": \"025\"}\r\n"
                  "{\"id\": \"b\", \"problem\": \"y\", \"answer\": \"142.0\"}";  // no final newline
  Benchmark b = ParseJsonl(s, "dir/my_set.jsonl", LoadOptions{});
  ASSERT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(b.name, "my_set");
  EXPECT_EQ(b.problems[0].id, "7");
  EXPECT_EQ(b.problems[0].problem, " Find x. ");
  EXPECT_EQ(b.problems[0].answer, "025");
  EXPECT_EQ(b.problems[1].answer, "142.0");
  EXPECT_EQ(FindProblem(b, "b"), &b.problems[1]);
  EXPECT_EQ(FindProblem(b, "zz"), nullptr);
}

TEST(JsonlLoadTest, ForcedKindRejectsTheOtherKind) {
  LoadOptions opts;
  opts.kind = "multiple_choice";
  try {
    ParseJsonl(std::string(kGood1) + "\n", "k.jsonl", opts);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), Where("k.jsonl", 1, "choices"));
  }
  opts.kind = "bogus";
  EXPECT_THROW(ParseJsonl(std::string(kGood1) + "\n", "k.jsonl", opts), Error);
}

TEST(JsonlLoadTest, CanonicalSerialisationRoundTrips) {
  std::string s = std::string(kMc1) + "\n" + kMc2 + "\n";
  Benchmark b = ParseJsonl(s, "mc.jsonl", LoadOptions{});
  std::string canon = BenchmarkToJsonl(b);
  EXPECT_EQ(canon.substr(0, canon.find('\n')),
            R"({"id":"m1","problem":"Pick","choices":["x","y","z","w"],"answer":"B"})");
  Benchmark again = ParseJsonl(canon, "mc.jsonl", LoadOptions{});
  ASSERT_EQ(again.problems.size(), 2u);
  EXPECT_EQ(again.problems[0].choices, b.problems[0].choices);
  EXPECT_EQ(again.problems[1].answer, "A");
  EXPECT_EQ(BenchmarkToJsonl(again), canon);
}

TEST(Sha256CheckTest, AcceptsMatchingBytesAndRejectsChangedOnes) {
  const std::string bytes = "{\"id\": \"a\"}\n";
  const std::string hash = Sha256Hex(bytes);
  EXPECT_NO_THROW(CheckSha256(bytes, hash, "bench 'a'"));
  try {
    CheckSha256(bytes + " ", hash, "bench 'a'");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("SHA-256 mismatch"), std::string::npos);
    EXPECT_EQ(e.where(), "bench 'a'");
    EXPECT_NE(e.hint().find("registry.cpp"), std::string::npos);
  }
}

TEST(LetterTest, LettersAndIndicesAgree) {
  EXPECT_EQ(ChoiceLetter(0), "A");
  EXPECT_EQ(ChoiceLetter(25), "Z");
  EXPECT_EQ(LetterIndex("C"), 2);
  EXPECT_EQ(LetterIndex("c"), -1);
  EXPECT_EQ(LetterIndex("AB"), -1);
  EXPECT_EQ(LetterIndex(""), -1);
}

}  // namespace
}  // namespace upt::datasets
