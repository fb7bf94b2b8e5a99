// Every sample format: detection and parsing of the fixtures in tests/eval/data/.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/fs.h"
#include "eval/samples.h"
#include "eval/ingest.h"
#include "eval/formats_internal.h"
#include "eval_test_util.h"
#include "../core/test_util.h"

namespace upt::eval {
namespace {

using testing::DataDir;

std::string Detect(const std::string& file, FieldMap f = {}) { return DetectFormat(DataDir() + file, f); }

TEST(FormatDetectTest, RecognisesEveryFixture) {
  EXPECT_EQ(Detect("upt.jsonl"), "upt");
  EXPECT_EQ(Detect("per_problem.jsonl"), "per_problem");
  EXPECT_EQ(Detect("vllm.jsonl"), "vllm");
  EXPECT_EQ(Detect("openai_batch.jsonl"), "openai_batch");
  EXPECT_EQ(Detect("verl.jsonl"), "verl");
  EXPECT_EQ(Detect("lm_eval.jsonl"), "lm_eval");
  EXPECT_EQ(Detect("samples.csv"), "csv");
  EXPECT_EQ(Detect("mapped.jsonl", {"meta.qid", "gen", ""}), "jsonl");
}

TEST(FormatDetectTest, UnknownFieldsAreAnErrorListingFormats) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("x.jsonl"), "{\"foo\": 1}\n");
  try {
    DetectFormat(dir.file("x.jsonl"), {});
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("foo"), std::string::npos) << m;
    EXPECT_NE(m.find("openai_batch"), std::string::npos) << m;
    EXPECT_NE(m.find("--id-field"), std::string::npos) << m;
  }
}

TEST(FormatReadTest, Upt) {
  auto s = ReadAllSamples(DataDir() + "upt.jsonl", "auto");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[1].id, "p1");
  EXPECT_EQ(s[1].sample_index, 1);
  EXPECT_EQ(s[1].finish_reason, "length");
  EXPECT_EQ(s[1].num_tokens, 9);
  EXPECT_EQ(s[1].text, "I think \\boxed{3}");
}

TEST(FormatReadTest, PerProblemListsWithIdOrQuestion) {
  auto s = ReadAllSamples(DataDir() + "per_problem.jsonl", "auto");
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(s[0].id, "p1");
  EXPECT_EQ(s[2].sample_index, 2);
  EXPECT_EQ(s[2].finish_reason, "length");
  EXPECT_EQ(s[2].num_tokens, 8192);
  EXPECT_EQ(s[3].id, "");
  EXPECT_EQ(s[3].prompt, "Compute 3*3.");
  EXPECT_EQ(s[4].text, "\\boxed{6}");
}

TEST(FormatReadTest, VllmOutputs) {
  auto s = ReadAllSamples(DataDir() + "vllm.jsonl", "auto");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_NE(s[0].prompt.find("What is 1+1?"), std::string::npos);
  EXPECT_EQ(s[1].finish_reason, "length");
  EXPECT_EQ(s[1].num_tokens, 4);
  EXPECT_EQ(s[1].sample_index, -1);
}

TEST(FormatReadTest, OpenAiBatchWithIndexSuffix) {
  auto s = ReadAllSamples(DataDir() + "openai_batch.jsonl", "auto");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].id, "p1-0");
  EXPECT_EQ(s[0].alt_id, "p1");
  EXPECT_EQ(s[1].alt_index, 1);
  EXPECT_EQ(s[1].num_tokens, 50);
  EXPECT_EQ(s[1].finish_reason, "length");
  EXPECT_EQ(s[2].id, "p3");
  EXPECT_EQ(s[3].text, "\\boxed{4}");
}

TEST(FormatReadTest, VerlDump) {
  auto s = ReadAllSamples(DataDir() + "verl.jsonl", "auto");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_NE(s[0].prompt.find("Compute 3*3."), std::string::npos);
  EXPECT_EQ(s[1].text, "\\boxed{8}");
}

TEST(FormatReadTest, LmEvalLogSamples) {
  auto s = ReadAllSamples(DataDir() + "lm_eval.jsonl", "auto");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].prompt, "What is 1+1?");
  EXPECT_EQ(s[1].text, "\\boxed{1}");
  EXPECT_EQ(s[2].id, "p3");
}

TEST(FormatReadTest, CsvWithQuotedMultilineFields) {
  auto s = ReadAllSamples(DataDir() + "samples.csv", "auto");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].text, "line one\nline, two \\boxed{9}");
  EXPECT_EQ(s[2].text, "he said \"\\boxed{9}\"");
  EXPECT_EQ(s[2].finish_reason, "length");
  EXPECT_EQ(s[2].sample_index, 1);
}

TEST(FormatReadTest, CsvMappedColumnsAndMissingColumn) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("m.csv"), "qid,answer_text\np1,\\boxed{2}\n");
  auto s = ReadAllSamples(dir.file("m.csv"), "csv", {"qid", "answer_text", ""});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].id, "p1");
  EXPECT_EQ(s[0].sample_index, -1);
  EXPECT_THROW(ReadAllSamples(dir.file("m.csv"), "csv"), Error);
}

TEST(FormatReadTest, MappedJsonlDottedPathsAndLists) {
  auto s = ReadAllSamples(DataDir() + "mapped.jsonl", "auto", {"meta.qid", "gen", ""});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].id, "p2");
  EXPECT_EQ(s[1].text, "\\boxed{1}");
  EXPECT_EQ(s[2].id, "p3");
}

TEST(FormatReadTest, UnknownFormatNameListsValidOnes) {
  try {
    OpenSamples(DataDir() + "upt.jsonl", "vlm", {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("vllm"), std::string::npos);
  }
}

TEST(FormatReadTest, MalformedRecordsReportTheReason) {
  auto reader = OpenSamples(DataDir() + "bad.jsonl", "upt", {});
  std::vector<RawRecord> recs;
  ASSERT_TRUE(reader->ReadBatch(&recs, 100));
  ASSERT_EQ(recs.size(), 6u);
  ParsedRecord p;
  reader->Parse(recs[3], &p);
  EXPECT_EQ(recs[3].line, 4);
  EXPECT_EQ(p.error, "invalid JSON");
  reader->Parse(recs[4], &p);
  EXPECT_EQ(p.error, "missing field 'text'");
  reader->Parse(recs[5], &p);
  EXPECT_TRUE(p.error.empty());
}

TEST(CsvSplitTest, QuotesAndEmbeddedSeparators) {
  std::vector<std::string> f;
  ASSERT_TRUE(formats::SplitCsvRecord("a,\"b,c\",\"d\"\"e\",", &f));
  EXPECT_EQ(f, (std::vector<std::string>{"a", "b,c", "d\"e", ""}));
  EXPECT_FALSE(formats::SplitCsvRecord("a,\"open", &f));
}

TEST(MatcherTest, IdThenAltIdThenLongestContainedProblemText) {
  datasets::Benchmark b = testing::TinyBenchmark();
  b.problems.push_back({"p4", "What is 1+1? Explain twice.", "2", {}, Json::object()});
  ProblemMatcher m(b);
  MatchKind how;
  RawSample s;
  s.id = "p2";
  EXPECT_EQ(m.Match(s, &how), 1);
  EXPECT_EQ(how, MatchKind::kId);
  s.id = "p2-5";
  s.alt_id = "p2";
  EXPECT_EQ(m.Match(s, &how), 1);
  EXPECT_EQ(how, MatchKind::kAltId);
  RawSample q;
  q.prompt = "<user>What is 1+1? Explain twice.</user>";
  EXPECT_EQ(m.Match(q, &how), 3);  // the longer text wins over "What is 1+1?"
  EXPECT_EQ(how, MatchKind::kPrompt);
  q.prompt = "nothing relevant";
  EXPECT_EQ(m.Match(q, &how), -1);
}


}  // namespace
}  // namespace upt::eval

namespace upt::eval {
namespace {

std::vector<RawSample> Fast(std::string line, bool* ok) {
  line.reserve(line.size() + formats::FastParsePadding());
  std::vector<RawSample> out;
  *ok = formats::FastParseUpt(line, &out);
  return out;
}

TEST(FastParseTest, AgreesWithTheReferenceParserAndDefersOnAnythingUnusual) {
  bool ok = false;
  auto s = Fast(R"({"problem_id": 17, "sample_index": 3, "text": "caf\u00e9 \\boxed{2}\n", "finish_reason": null, "extra": [1]})", &ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].id, "17");
  EXPECT_EQ(s[0].sample_index, 3);
  EXPECT_EQ(s[0].text, "caf\xc3\xa9 \\boxed{2}\n");
  EXPECT_EQ(s[0].finish_reason, "");
  EXPECT_EQ(s[0].num_tokens, -1);
  // Wrong types, missing text, negative index, invalid UTF-8: left to the reference parser.
  for (const char* bad : {R"({"problem_id": "a", "text": 5})", R"({"problem_id": "a"})",
                          R"({"problem_id": "a", "sample_index": -1, "text": ""})", "{\"problem_id\": \"a\", \"text\": \"\xff\"}",
                          R"({"problem_id": 1.5, "text": ""})", "not json"}) {
    Fast(bad, &ok);
    EXPECT_FALSE(ok) << bad;
  }
  std::vector<RawSample> out;
  std::string unpadded = R"({"problem_id": "a", "text": "x"})";
  unpadded.shrink_to_fit();
  EXPECT_FALSE(formats::FastParseUpt(unpadded, &out));
}

}  // namespace
}  // namespace upt::eval
