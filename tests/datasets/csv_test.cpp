// CSV import (fast-cpp-csv-parser): chosen columns, quoting, choices as JSON or
// separated text, generated ids, line-precise errors, round trip through JSONL.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/fs.h"
#include "datasets/load.h"
#include "tests/core/test_util.h"

namespace upt::datasets {
namespace {

LoadOptions Cols(const char* id, const char* problem, const char* answer, const char* choices) {
  LoadOptions o;
  o.id_col = id;
  o.problem_col = problem;
  o.answer_col = answer;
  o.choices_col = choices;
  return o;
}

TEST(CsvLoadTest, ChosenColumnsQuotedCellsAndJsonChoicesRoundTripThroughJsonl) {
  std::string csv =
      "qid,extra,question,gold,options\n"
      "q1,zz,\"Which, if any, is \"\"largest\"\"?\",B,\"[\"\"1\"\", \"\"2, or 3\"\", \"\"0\"\"]\"\n"
      "q2,zz,Pick the vowel,A,\"[\"\"a\"\",\"\"b\"\"]\"\n";
  Benchmark b = ParseCsv(csv, "data/quiz.csv", Cols("qid", "question", "gold", "options"));
  EXPECT_EQ(b.name, "quiz");
  EXPECT_EQ(b.kind, Kind::kMultipleChoice);
  ASSERT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(b.problems[0].id, "q1");
  EXPECT_EQ(b.problems[0].problem, "Which, if any, is \"largest\"?");
  EXPECT_EQ(b.problems[0].choices, (std::vector<std::string>{"1", "2, or 3", "0"}));
  EXPECT_EQ(b.problems[0].answer, "B");

  Benchmark back = ParseJsonl(BenchmarkToJsonl(b), "quiz.jsonl", LoadOptions{});
  ASSERT_EQ(back.problems.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back.problems[i].id, b.problems[i].id);
    EXPECT_EQ(back.problems[i].problem, b.problems[i].problem);
    EXPECT_EQ(back.problems[i].choices, b.problems[i].choices);
    EXPECT_EQ(back.problems[i].answer, b.problems[i].answer);
  }
}

TEST(CsvLoadTest, MissingIdColumnGivesStemRowIdsAndKeepsCellsVerbatim) {
  std::string csv = "problem,answer\n  What is 5*5? ,025\nWhat is 1/2?,\\frac{1}{2}\n";
  Benchmark b = ParseCsv(csv, "mine.csv", LoadOptions{});
  EXPECT_EQ(b.kind, Kind::kMath);
  ASSERT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(b.problems[0].id, "mine-0");
  EXPECT_EQ(b.problems[1].id, "mine-1");
  EXPECT_EQ(b.problems[0].problem, "  What is 5*5? ");
  EXPECT_EQ(b.problems[0].answer, "025");
  EXPECT_EQ(b.problems[1].answer, "\\frac{1}{2}");
}

TEST(CsvLoadTest, SeparatedChoicesAreSplitAndTrimmed) {
  LoadOptions o;
  o.choices_sep = "|";
  Benchmark b = ParseCsv("id,problem,choices,answer\nx,Q?, red | green |blue,C\n", "c.csv", o);
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_EQ(b.problems[0].choices, (std::vector<std::string>{"red", "green", "blue"}));
}

TEST(CsvLoadTest, AcceptsByteOrderMarkAndCrlfLineEnds) {
  Benchmark b = ParseCsv("\xEF\xBB\xBFid,problem,answer\r\nq7,1+1,2\r\nq8,2+2,4\r\n", "bom.csv", LoadOptions{});
  ASSERT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(b.problems[0].id, "q7");
  EXPECT_EQ(b.problems[0].answer, "2");
  EXPECT_EQ(b.problems[1].answer, "4");
}

TEST(CsvLoadTest, MissingRequiredColumnNamesTheHeader) {
  try {
    ParseCsv("id,question,answer\n1,q,2\n", "h.csv", LoadOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "h.csv:1");
    EXPECT_NE(e.message().find("'problem'"), std::string::npos);
    EXPECT_NE(e.hint().find("id,question,answer"), std::string::npos);
  }
}

TEST(CsvLoadTest, ErrorsNameTheFileLineAndColumn) {
  const std::string head = "id,problem,answer,choices\n";
  struct Case {
    std::string row;
    BadLineKind kind;
    std::string field;
  };
  std::vector<Case> cases = {
      {"b,p,,", BadLineKind::kEmptyAnswer, "answer"},
      {"b,,1,", BadLineKind::kEmptyProblem, "problem"},
      {"a,p,1,", BadLineKind::kDuplicateId, "id"},
      {"b,p,E,\"[\"\"x\"\",\"\"y\"\"]\"", BadLineKind::kBadAnswerLetter, "answer"},
      {"b,p,A,not json", BadLineKind::kWrongType, "choices"},
      {"b,p", BadLineKind::kMalformed, ""},
      {"b,\"p\xff\",1,", BadLineKind::kInvalidUtf8, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.row);
    std::string first = c.kind == BadLineKind::kBadAnswerLetter ? "a,p,A,\"[\"\"x\"\",\"\"y\"\"]\"\n" : "a,p,1,\n";
    std::string csv = head + first + c.row + "\n" + (c.kind == BadLineKind::kBadAnswerLetter ? "c,p,B,\"[\"\"x\"\",\"\"y\"\"]\"\n" : "c,p,3,\n");
    try {
      ParseCsv(csv, "e.csv", LoadOptions{});
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.where(), Where("e.csv", 3, c.field)) << e.what();
    }
    LoadOptions skip;
    skip.skip_bad_lines = true;
    LoadReport report;
    Benchmark b = ParseCsv(csv, "e.csv", skip, &report);
    EXPECT_EQ(b.problems.size(), 2u);
    EXPECT_EQ(report.skipped, 1);
    EXPECT_EQ(report.first_line_by_kind[BadLineKindName(c.kind)], 3);
  }
}

TEST(CsvLoadTest, LoadBenchmarkFilePicksTheFormatByExtensionAndHashesBytes) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("s.csv"), "problem,answer\n1+1,2\n");
  WriteFileAtomic(dir.file("s.jsonl"), "{\"id\":\"a\",\"problem\":\"1+1\",\"answer\":\"2\"}\n");
  Benchmark c = LoadBenchmarkFile(dir.file("s.csv"));
  Benchmark j = LoadBenchmarkFile(dir.file("s.jsonl"));
  EXPECT_EQ(c.problems.at(0).id, "s-0");
  EXPECT_EQ(j.problems.at(0).id, "a");
  EXPECT_EQ(j.sha256.size(), 64u);
  EXPECT_NE(c.sha256, j.sha256);
  LoadOptions bad;
  bad.format = "xml";
  EXPECT_THROW(LoadBenchmarkFile(dir.file("s.csv"), bad), Error);
  EXPECT_THROW(LoadBenchmarkFile(dir.file("missing.jsonl")), Error);
}

}  // namespace
}  // namespace upt::datasets
