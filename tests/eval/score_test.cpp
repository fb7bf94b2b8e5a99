// The scoring pipeline end to end with a verifier-free grader: outputs, issue
// accounting, strict mode, resume after a kill, and adding sample files.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include <tbb/info.h>
#include <tbb/task_arena.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/jsonl.h"
#include "eval/counts.h"
#include "eval/grade.h"
#include "eval/ingest.h"
#include "eval/score.h"
#include "eval_test_util.h"
#include "../core/test_util.h"

namespace upt::eval {
namespace {

using testing::BoxedGrade;
using testing::DataDir;
using testing::TinyBenchmark;

ScoreOptions Quiet() {
  ScoreOptions o;
  o.boot.replicates = 200;
  o.threads = 2;
  return o;
}

Json Results(const std::string& dir) { return Json::parse(ReadFile(dir + "/results.json")); }

std::string UptSamples(int n_per_problem, int first = 0) {
  // p1: every other sample correct; p2: all correct; p3: one correct.
  std::string s;
  for (int i = first; i < n_per_problem; ++i) {
    s += "{\"problem_id\":\"p1\",\"sample_index\":" + std::to_string(i) + ",\"text\":\"\\\\boxed{" +
         (i % 2 ? "2" : "5") + "}\",\"finish_reason\":\"" + (i % 3 == 0 ? "length" : "stop") + "\"}\n";
    s += "{\"problem_id\":\"p2\",\"sample_index\":" + std::to_string(i) + ",\"text\":\"\\\\boxed{9}\"}\n";
    s += "{\"problem_id\":\"p3\",\"sample_index\":" + std::to_string(i) + ",\"text\":\"\\\\boxed{" +
         (i == 0 ? "4" : "3") + "}\"}\n";
  }
  return s;
}

TEST(ScoreTest, WritesVerdictsProblemsAndResults) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("s.jsonl"), UptSamples(8));
  auto rep = Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("out"), "boxed-test", BoxedGrade, Quiet());
  EXPECT_EQ(rep.samples_total, 24);
  EXPECT_EQ(rep.samples_graded, 24);
  EXPECT_EQ(rep.issues, 0);
  Json r = Results(dir.file("out"));
  EXPECT_EQ(r["benchmark"]["problems_scored"], 3);
  EXPECT_EQ(r["benchmark"]["n_min"], 8);
  const double pass1 = (0.5 + 1.0 + 1.0 / 8) / 3;
  EXPECT_NEAR(r["metrics"]["pass_at_1"]["value"].get<double>(), pass1, 1e-12);
  EXPECT_EQ(r["metrics"]["pass_at_k"]["k"], Json({1, 2, 4, 8}));
  EXPECT_NEAR(r["metrics"]["pass_at_k"]["value"][3].get<double>(), 1.0, 1e-12);
  EXPECT_EQ(r["metrics"]["bootstrap_pass_at_k"]["B"], 200);
  // maj@n: p1 ties 4-4 between "5" (first at index 0) and "2": the earliest wins -> wrong.
  EXPECT_NEAR(r["metrics"]["maj_at_n"]["value"].get<double>(), 1.0 / 3, 1e-12);
  // maj@k over disjoint blocks of k consecutive samples (ties: first in the block).
  const Json& mk = r["metrics"]["maj_at_k"];
  EXPECT_EQ(mk["k"], Json({1, 2, 4, 8}));
  EXPECT_NEAR(mk["value"][0].get<double>(), (0.5 + 1 + 0.125) / 3, 1e-12);
  EXPECT_NEAR(mk["value"][1].get<double>(), (0.0 + 1 + 0.25) / 3, 1e-12);
  EXPECT_NEAR(mk["value"][2].get<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(mk["value"][3].get<double>(), r["metrics"]["maj_at_n"]["value"].get<double>(), 1e-12);
  EXPECT_EQ(r["truncation"]["truncated"], 3);  // indices 0, 3, 6 of p1
  EXPECT_EQ(r["provenance"]["verifier_policy"], "boxed-test");
  EXPECT_EQ(r["provenance"]["dataset_sha256"], "0123abcd");
  EXPECT_EQ(r["provenance"]["sample_files"][0]["sha256"].get<std::string>().size(), 64u);
  std::string csv = ReadFile(dir.file("out/problems.csv"));
  EXPECT_NE(csv.find("p2,8,8,1,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("p3,8,1,0.125,"), std::string::npos) << csv;
  auto counts = ReadCountsCsv(dir.file("out/problems.csv"));
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].c, 4);
  // Verdicts are sorted by problem order, then sample index.
  JsonlReader vr(dir.file("out/verdicts.jsonl"));
  JsonlRecord rec;
  ASSERT_TRUE(vr.Next(&rec));
  EXPECT_EQ(rec.value["problem_id"], "p1");
  EXPECT_EQ(rec.value["sample_index"], 0);
  EXPECT_EQ(rec.value["extracted"], "5");
  EXPECT_EQ(rec.value["finish_reason"], "length");
  EXPECT_FALSE(FileExists(dir.file("out/verdicts.partial.jsonl")));
}

// Majority voting groups wrong answers by verifiers::CanonicalKey: "0.5", "1/2"
// and "0.50" are one wrong answer with 3 votes, beating 2 votes for "4".
TEST(ScoreTest, MajorityVoteGroupsEquivalentAnswers) {
  upt::testing::TempDir dir;
  std::string s;
  const char* answers[] = {"0.5", "4", "1/2", "4", "0.50"};
  for (int i = 0; i < 5; ++i)
    s += "{\"problem_id\":\"p3\",\"sample_index\":" + std::to_string(i) + ",\"text\":\"\\\\boxed{" +
         answers[i] + "}\"}\n";
  WriteFileAtomic(dir.file("s.jsonl"), s);
  Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("out"), "boxed-test", BoxedGrade, Quiet());
  Json r = Results(dir.file("out"));
  EXPECT_NEAR(r["metrics"]["pass_at_1"]["value"].get<double>(), 0.4, 1e-12);
  EXPECT_NEAR(r["metrics"]["maj_at_n"]["value"].get<double>(), 0.0, 1e-12);
}

// "0.50001" is its own answer: grouped with "1/2"/"0.5" it would outvote "4".
TEST(ScoreTest, MajorityVoteKeepsANearbyDecimalApart) {
  upt::testing::TempDir dir;
  std::string s;
  const char* answers[] = {"1/2", "0.50001", "0.50001", "4", "4", "4", "0.5"};
  for (int i = 0; i < 7; ++i)
    s += "{\"problem_id\":\"p3\",\"sample_index\":" + std::to_string(i) + ",\"text\":\"\\\\boxed{" +
         answers[i] + "}\"}\n";
  WriteFileAtomic(dir.file("s.jsonl"), s);
  Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("out"), "boxed-test", BoxedGrade, Quiet());
  Json r = Results(dir.file("out"));
  EXPECT_NEAR(r["metrics"]["pass_at_1"]["value"].get<double>(), 3.0 / 7, 1e-12);
  EXPECT_NEAR(r["metrics"]["maj_at_n"]["value"].get<double>(), 1.0, 1e-12);
}

TEST(ScoreTest, CountsEveryIssueKindWithFirstLines) {
  upt::testing::TempDir dir;
  auto rep = Score(TinyBenchmark(), {DataDir() + "bad.jsonl"}, dir.file("out"), "t", BoxedGrade, Quiet());
  Json issues = Results(dir.file("out"))["ingestion"]["issues"];
  EXPECT_EQ(issues["duplicate"]["count"], 1);
  EXPECT_NE(issues["duplicate"]["first"][0].get<std::string>().find("bad.jsonl:2"), std::string::npos);
  EXPECT_EQ(issues["unknown_id"]["count"], 1);
  EXPECT_NE(issues["unknown_id"]["first"][0].get<std::string>().find("bad.jsonl:3"), std::string::npos);
  EXPECT_EQ(issues["malformed"]["count"], 2);
  EXPECT_NE(issues["malformed"]["first"][1].get<std::string>().find("missing field 'text'"), std::string::npos);
  EXPECT_EQ(issues["empty_text"]["count"], 1);
  EXPECT_EQ(issues["missing_problem"]["count"], 1);
  EXPECT_NE(issues["missing_problem"]["first"][0].get<std::string>().find("p3"), std::string::npos);
  EXPECT_EQ(rep.issues, 6);
  EXPECT_EQ(rep.samples_total, 2);  // p1/0 and the empty p2/1 (scored as incorrect)
}

TEST(ScoreTest, StrictMakesAnyIssueAnError) {
  upt::testing::TempDir dir;
  ScoreOptions o = Quiet();
  o.strict = true;
  EXPECT_THROW(Score(TinyBenchmark(), {DataDir() + "bad.jsonl"}, dir.file("a"), "t", BoxedGrade, o), Error);
  // Clean input but a problem without samples: also an error under --strict.
  EXPECT_THROW(Score(TinyBenchmark(), {DataDir() + "upt.jsonl"}, dir.file("b"), "t", BoxedGrade, o), Error);
}

TEST(ScoreTest, EveryFormatScoresThroughThePipeline) {
  struct Case {
    const char* file;
    long long samples;
    long long by_prompt;
  };
  for (Case c : {Case{"upt.jsonl", 4, 0}, Case{"per_problem.jsonl", 6, 3}, Case{"vllm.jsonl", 3, 3},
                 Case{"openai_batch.jsonl", 4, 0}, Case{"verl.jsonl", 2, 2}, Case{"lm_eval.jsonl", 3, 2},
                 Case{"samples.csv", 3, 0}}) {
    upt::testing::TempDir dir;
    auto rep = Score(TinyBenchmark(), {DataDir() + c.file}, dir.file("out"), "t", BoxedGrade, Quiet());
    EXPECT_EQ(rep.samples_total, c.samples) << c.file;
    Json f = Results(dir.file("out"))["ingestion"]["files"][0];
    EXPECT_EQ(f["matched_by_prompt"], c.by_prompt) << c.file;
    EXPECT_EQ(f["samples"], c.samples) << c.file;
  }
  upt::testing::TempDir dir;
  ScoreOptions o = Quiet();
  o.id_field = "meta.qid";
  o.text_field = "gen";
  auto rep = Score(TinyBenchmark(), {DataDir() + "mapped.jsonl"}, dir.file("out"), "t", BoxedGrade, o);
  EXPECT_EQ(rep.samples_total, 3);
}

TEST(ScoreTest, ResumeAfterKillGivesIdenticalBytes) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("s.jsonl"), UptSamples(16));
  auto bench = TinyBenchmark();
  Score(bench, {dir.file("s.jsonl")}, dir.file("full"), "t", BoxedGrade, Quiet());
  // Simulate a kill: run.json from the first run, some verdicts appended, a torn last line.
  std::filesystem::create_directories(dir.file("resumed"));
  std::filesystem::copy_file(dir.file("full/run.json"), dir.file("resumed/run.json"));
  std::string all = ReadFile(dir.file("full/verdicts.jsonl"));
  size_t cut = 0;
  for (int i = 0; i < 10; ++i) cut = all.find('\n', cut) + 1;
  {
    std::ofstream part(dir.file("resumed/verdicts.partial.jsonl"), std::ios::binary);
    part << all.substr(0, cut) << all.substr(cut, 25);  // 10 whole lines + a torn one
  }
  auto rep = Score(bench, {dir.file("s.jsonl")}, dir.file("resumed"), "t", BoxedGrade, Quiet());
  EXPECT_EQ(rep.samples_graded, 48 - 10);
  for (const char* f : {"verdicts.jsonl", "problems.csv", "results.json", "run.json"})
    EXPECT_EQ(ReadFile(dir.file(std::string("full/") + f)), ReadFile(dir.file(std::string("resumed/") + f))) << f;
  // A second rerun grades nothing and changes nothing.
  auto again = Score(bench, {dir.file("s.jsonl")}, dir.file("resumed"), "t", BoxedGrade, Quiet());
  EXPECT_EQ(again.samples_graded, 0);
  EXPECT_EQ(ReadFile(dir.file("full/results.json")), ReadFile(dir.file("resumed/results.json")));
}

// Score's loops run in an arena of opts.threads slots (no process-wide limit),
// and the bytes do not depend on how many.
TEST(ScoreTest, GradesInAnArenaOfTheRequestedThreadsWithIdenticalBytes) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("s.jsonl"), UptSamples(16));
  auto bench = TinyBenchmark();
  for (int threads : {1, 2, 0}) {
    std::atomic<int> widest{0};
    Grader grader = [&](const datasets::Problem& p, std::string_view text) {
      const int c = tbb::this_task_arena::max_concurrency();
      for (int m = widest; c > m && !widest.compare_exchange_weak(m, c);) {
      }
      return BoxedGrade(p, text);
    };
    ScoreOptions o = Quiet();
    o.threads = threads;
    Score(bench, {dir.file("s.jsonl")}, dir.file("t" + std::to_string(threads)), "t", grader, o);
    EXPECT_EQ(widest, threads > 0 ? threads : tbb::info::default_concurrency()) << threads;
    EXPECT_EQ(tbb::this_task_arena::max_concurrency(), tbb::info::default_concurrency()) << "no process-wide limit left";
  }
  for (const char* t : {"t2", "t0"}) {
    for (const char* f : {"verdicts.jsonl", "problems.csv"})
      EXPECT_EQ(ReadFile(dir.file(std::string("t1/") + f)), ReadFile(dir.file(std::string(t) + "/" + f))) << t << f;
    EXPECT_EQ(Results(dir.file("t1"))["metrics"].dump(), Results(dir.file(t))["metrics"].dump()) << t;  // beside the date
  }
}

TEST(ScoreTest, AddingASampleFileUpdatesResults) {
  upt::testing::TempDir dir;
  std::string all = UptSamples(8);
  WriteFileAtomic(dir.file("a.jsonl"), UptSamples(4));
  WriteFileAtomic(dir.file("b.jsonl"), all.substr(UptSamples(4).size()));
  auto bench = TinyBenchmark();
  Score(bench, {dir.file("a.jsonl")}, dir.file("inc"), "t", BoxedGrade, Quiet());
  EXPECT_EQ(Results(dir.file("inc"))["benchmark"]["samples"], 12);
  auto rep = Score(bench, {dir.file("a.jsonl"), dir.file("b.jsonl")}, dir.file("inc"), "t", BoxedGrade, Quiet());
  EXPECT_EQ(rep.samples_graded, 12);
  Score(bench, {dir.file("a.jsonl"), dir.file("b.jsonl")}, dir.file("once"), "t", BoxedGrade, Quiet());
  EXPECT_EQ(ReadFile(dir.file("inc/verdicts.jsonl")), ReadFile(dir.file("once/verdicts.jsonl")));
  EXPECT_EQ(ReadFile(dir.file("inc/problems.csv")), ReadFile(dir.file("once/problems.csv")));
  Json a = Results(dir.file("inc")), b = Results(dir.file("once"));
  EXPECT_EQ(a["metrics"], b["metrics"]);
  EXPECT_EQ(a["benchmark"]["samples"], 24);
}

TEST(ScoreTest, ResumeRefusesAnotherPolicyOrDataset) {
  upt::testing::TempDir dir;
  Score(TinyBenchmark(), {DataDir() + "upt.jsonl"}, dir.file("out"), "t", BoxedGrade, Quiet());
  EXPECT_THROW(Score(TinyBenchmark(), {DataDir() + "upt.jsonl"}, dir.file("out"), "other", BoxedGrade, Quiet()),
               Error);
  auto b = TinyBenchmark();
  b.sha256 = "ffff";
  EXPECT_THROW(Score(b, {DataDir() + "upt.jsonl"}, dir.file("out"), "t", BoxedGrade, Quiet()), Error);
}

TEST(ScoreTest, ImplicitIndicesAndPromptMatchingAcrossLines) {
  upt::testing::TempDir dir;
  // The same prompt on two vLLM lines: samples are numbered 0, 1, 2 in order.
  std::string line1 = R"({"prompt": "Q: Compute 3*3.", "outputs": [{"text": "\\boxed{9}"}, {"text": "\\boxed{1}"}]})";
  std::string line2 = R"({"prompt": "Q: Compute 3*3.", "outputs": [{"text": "\\boxed{9}"}]})";
  WriteFileAtomic(dir.file("v.jsonl"), line1 + "\n" + line2 + "\n");
  Score(TinyBenchmark(), {dir.file("v.jsonl")}, dir.file("out"), "t", BoxedGrade, Quiet());
  std::string csv = ReadFile(dir.file("out/problems.csv"));
  EXPECT_NE(csv.find("p2,3,2,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("p1,0,0,"), std::string::npos) << csv;
}

TEST(ScoreTest, SamplingMetadataFileIsCopiedIntoProvenance) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("s.jsonl"), UptSamples(2));
  WriteFileAtomic(dir.file("s.jsonl.meta.json"), R"({"command": "generate", "settings": {"temperature": 0.6, "seed": 42}})");
  Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("out"), "t", BoxedGrade, Quiet());
  Json meta = Results(dir.file("out"))["provenance"]["sample_files"][0]["meta"];
  EXPECT_EQ(meta["settings"]["temperature"], 0.6);
  EXPECT_EQ(meta["settings"]["seed"], 42);
}

TEST(ScoreTest, NoMatchingSampleIsAnError) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("s.jsonl"), "{\"problem_id\": \"zz\", \"text\": \"\\\\boxed{1}\"}\n");
  EXPECT_THROW(Score(TinyBenchmark(), {dir.file("s.jsonl")}, dir.file("out"), "t", BoxedGrade, Quiet()), Error);
  EXPECT_THROW(Score(TinyBenchmark(), {}, dir.file("out2"), "t", BoxedGrade, Quiet()), Error);
}

TEST(ScoreTest, MultipleChoiceBenchmarksUseGradeChoice) {
  upt::testing::TempDir dir;
  datasets::Benchmark b;
  b.name = "mc";
  b.kind = datasets::Kind::kMultipleChoice;
  b.sha256 = "mc";
  b.problems = {{"m1", "Which is largest?", "C", {"1", "2", "3", "0"}, Json::object()}};
  WriteFileAtomic(dir.file("s.jsonl"), "{\"problem_id\": \"m1\", \"sample_index\": 0, \"text\": \"so \\\\boxed{C}\"}\n"
                                       "{\"problem_id\": \"m1\", \"sample_index\": 1, \"text\": \"so \\\\boxed{A}\"}\n");
  auto grader = MakeVerifierGrader(b.kind, verifiers::GradeOptions{});
  Score(b, {dir.file("s.jsonl")}, dir.file("out"), "p", grader, Quiet());
  std::string csv = ReadFile(dir.file("out/problems.csv"));
  EXPECT_NE(csv.find("m1,2,1,0.5,"), std::string::npos) << csv;
  EXPECT_EQ(Results(dir.file("out"))["benchmark"]["kind"], "multiple_choice");
}

}  // namespace
}  // namespace upt::eval

namespace upt::eval {
namespace {

TEST(CountsCsvTest, ReadsIdNcInAnyOrderAndRejectsBadRows) {
  upt::testing::TempDir dir;
  WriteFileAtomic(dir.file("c.csv"), "c,extra,id,n\n1,x,a,4\n0,y,\"b,2\",3\n0,z,gone,0\n");
  long long skipped = 0;
  auto counts = ReadCountsCsv(dir.file("c.csv"), &skipped);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[1].id, "b,2");
  EXPECT_EQ(counts[1].n, 3);
  EXPECT_EQ(skipped, 1);
  WriteFileAtomic(dir.file("bad.csv"), "id,n,c\na,4,5\n");
  try {
    ReadCountsCsv(dir.file("bad.csv"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:2"), std::string::npos) << e.what();
  }
  WriteFileAtomic(dir.file("nohdr.csv"), "id,count\na,4\n");
  EXPECT_THROW(ReadCountsCsv(dir.file("nohdr.csv")), Error);
}

TEST(IssueLogTest, KeepsCountsAndTheFirstFivePlaces) {
  IssueLog log;
  for (int i = 1; i <= 7; ++i) log.Add(kDuplicate, "f:" + std::to_string(i), "d");
  log.Add(kUnknownId, "f:9");
  EXPECT_EQ(log.Count(kDuplicate), 7);
  EXPECT_EQ(log.Total(), 8);
  OrderedJson j = log.ToJson();
  EXPECT_EQ(j["duplicate"]["first"].size(), 5u);
  EXPECT_EQ(j["duplicate"]["first"][0], "f:1: d");
  EXPECT_EQ(j["unknown_id"]["first"][0], "f:9");
}

}  // namespace
}  // namespace upt::eval
