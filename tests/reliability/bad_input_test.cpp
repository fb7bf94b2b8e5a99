// Bad and hostile input (issue 14, items 6 and 7): each case exits non-zero at
// once with a message naming the file, line or field, and the limit or the
// valid range; nothing is silently replaced, dropped or counted twice.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/fs.h"
#include "core/json.h"
#include "rel_util.h"
#include "tests/core/test_util.h"

namespace upt::reliability {
namespace {

void ExpectError(const Result& r, std::initializer_list<const char*> parts, int code = 2) {
  EXPECT_EQ(r.code, code) << r.err;
  for (const char* p : parts) EXPECT_TRUE(Contains(r.err, p)) << "missing '" << p << "' in:\n" << r.err;
}

TEST(BadInputTest, HugeCountInACountsFileIsBoundedNotAllocated) {
  testing::TempDir tmp;
  WriteFileAtomic(tmp.file("c.csv"), "id,n,c\np0,4,2\np1,2000000000,3\n");
  auto t0 = std::chrono::steady_clock::now();
  Result r = Upt("passk --counts " + tmp.file("c.csv"), tmp.path());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ExpectError(r, {"c.csv:3: field 'n'", "2000000000 exceeds the limit of 1048576", "UPT_MAX_SAMPLES_PER_PROBLEM"});
  EXPECT_LT(secs, 10.0);
}

TEST(BadInputTest, DuplicateIdsInACountsFileAreAnErrorNotCountedTwice) {
  testing::TempDir tmp;
  WriteFileAtomic(tmp.file("c.csv"), "id,n,c\np1,4,2\np2,4,1\np1,4,4\n");
  ExpectError(Upt("passk --counts " + tmp.file("c.csv"), tmp.path()),
              {"c.csv:4: field 'id'", "duplicate id 'p1' (first on line 2)"});
}

TEST(BadInputTest, YamlAliasBombStopsAtTheNodeLimitQuickly) {
  testing::TempDir tmp;
  std::string y = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    std::string p = "*a" + std::to_string(i - 1);
    y += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + p + "," + p + "," + p + "," + p + "," + p +
         "," + p + "," + p + "," + p + "," + p + "," + p + "]\n";
  }
  WriteFileAtomic(tmp.file("bomb.yaml"), y);  // 10^9 leaves once expanded
  auto t0 = std::chrono::steady_clock::now();
  Result r = Upt("train --config " + tmp.file("bomb.yaml") + " --dry-run", tmp.path());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ExpectError(r, {"bomb.yaml:", "YAML nodes (aliases expanded)", "exceeds the limit of 100000", "UPT_MAX_YAML_NODES"});
  EXPECT_LT(secs, 10.0);
}

TEST(BadInputTest, DeeplyNestedYamlIsBounded) {
  testing::TempDir tmp;
  WriteFileAtomic(tmp.file("deep.yaml"), "trainer:\n  x: " + std::string(100, '[') + std::string(100, ']') + "\n");
  ExpectError(Upt("train --config " + tmp.file("deep.yaml") + " --dry-run", tmp.path()),
              {"deep.yaml:2", "YAML nesting depth 65 exceeds the limit of 64", "UPT_MAX_YAML_DEPTH"});
  // Far deeper: yaml-cpp's own parser guard answers first; still an error with file:line, no crash.
  WriteFileAtomic(tmp.file("deeper.yaml"), "x: " + std::string(100000, '[') + "\n");
  ExpectError(Upt("train --config " + tmp.file("deeper.yaml") + " --dry-run", tmp.path()), {"deeper.yaml:"});
}

TEST(BadInputTest, NonFiniteLearningRateIsRejectedAtItsConfigLine) {
  testing::TempDir tmp;
  WriteFileAtomic(tmp.file("t.yaml"), "algorithm:\n  preset: grpo\nactor:\n  optim:\n    lr: .inf\n");
  ExpectError(Upt("train --config " + tmp.file("t.yaml") + " --dry-run", tmp.path()),
              {"t.yaml:5: key 'actor.optim.lr'", "must be a finite number"});
  WriteFileAtomic(tmp.file("u.yaml"), "algorithm:\n  preset: grpo\n");
  ExpectError(Upt("train --config " + tmp.file("u.yaml") + " --dry-run --set actor.optim.lr=nan", tmp.path()),
              {"option 'actor.optim.lr'", "a finite number"});
}

TEST(BadInputTest, DryRunRefusesAnUnknownValidationBenchmark) {
  testing::TempDir tmp;
  WriteFileAtomic(tmp.file("t.yaml"), "algorithm:\n  preset: grpo\ndata:\n  val_files: [toy_t1, aime42]\n");
  Result r = Upt("train --config " + tmp.file("t.yaml") + " --dry-run", tmp.path());
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "error: data.val_files")) << r.out;
  EXPECT_TRUE(Contains(r.out, "aime42")) << r.out;
  EXPECT_TRUE(Contains(r.out, "dry run: FAILED")) << r.out;
}

TEST(BadInputTest, ConfigJsonIntegerBeyond32BitsIsAnErrorNotWrapped) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  std::filesystem::copy(model, tmp.file("m"), std::filesystem::copy_options::recursive);
  Json cfg = Json::parse(ReadFile(tmp.file("m/config.json")));
  cfg["hidden_size"] = (1ULL << 32) + 96;
  WriteFileAtomic(tmp.file("m/config.json"), cfg.dump(2));
  ExpectError(Upt("model info " + tmp.file("m"), tmp.path()), {"field 'hidden_size'", "4294967392 is out of range"});
  cfg["hidden_size"] = 1LL << 30;  // fits 32 bits, but no model has it
  WriteFileAtomic(tmp.file("m/config.json"), cfg.dump(2));
  ExpectError(Upt("model info " + tmp.file("m"), tmp.path()),
              {"field 'hidden_size'", "exceeds the limit of 16777216", "UPT_MAX_MODEL_DIM"});
}

TEST(BadInputTest, NanWeightsGiveAnErrorNotNullLogprobs) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  std::filesystem::copy(model, tmp.file("m"), std::filesystem::copy_options::recursive);
  std::string st = ReadFile(tmp.file("m/model.safetensors"));
  uint64_t header = 0;
  for (int i = 7; i >= 0; --i) header = header << 8 | static_cast<unsigned char>(st[i]);
  for (size_t i = 8 + header; i < st.size(); ++i) st[i] = '\xff';  // every weight NaN (F32, BF16 or F16)
  WriteFileAtomic(tmp.file("m/model.safetensors"), st);
  WriteFileAtomic(tmp.file("t.jsonl"), "{\"text\": \"1+2=3\"}\n");
  Result r = Upt("model logprobs --model " + tmp.file("m") + " --in " + tmp.file("t.jsonl"), tmp.path());
  ExpectError(r, {"t.jsonl:1", "non-finite log-probability"});
  EXPECT_FALSE(Contains(r.out, "null")) << r.out;
}

TEST(BadInputTest, TokenizingCharactersOutsideTheToyVocabularyIsAnErrorNotADrop) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  WriteFileAtomic(tmp.file("t.jsonl"), "\"2+3=\"\n{\"text\": \"h\u00e9llo\"}\n");
  Result r = Upt("tokenize --tokenizer " + model + " --in " + tmp.file("t.jsonl") + " --out " + tmp.file("ids.jsonl"),
                 tmp.path());
  ExpectError(r, {"t.jsonl:2", "field 'text'", "would be dropped"});
  EXPECT_FALSE(FileExists(tmp.file("ids.jsonl")));  // no partial output
  WriteFileAtomic(tmp.file("ok.jsonl"), "\"2+3=\"\n");
  EXPECT_EQ(Upt("tokenize --tokenizer " + model + " --in " + tmp.file("ok.jsonl"), tmp.path()).code, 0);
}

TEST(BadInputTest, NonFiniteOrOutOfRangeFlagsAreRefusedNotReplacedByDefaults) {
  testing::TempDir tmp;
  Result r = Upt("verify --gold 1 --pred 1 --rel-tol inf", tmp.path());
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(Contains(r.err, "--rel-tol") && Contains(r.err, "finite")) << r.err;
  ExpectError(Upt("verify --gold 1 --pred 1 --rel-tol -1", tmp.path()), {"--rel-tol", "[0, 1)"});
  const std::string gen = "generate --model " + tmp.file("m") + " --dataset toy_t1 --out " + tmp.file("s.jsonl");
  r = Upt(gen + " --temperature nan", tmp.path());
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(Contains(r.err, "--temperature") && Contains(r.err, "finite")) << r.err;
  ExpectError(Upt(gen + " --n -5", tmp.path()), {"--n", "invalid value -5"});
  ExpectError(Upt(gen + " --temperature -0.5", tmp.path()), {"--temperature", "must be >= 0"});
  ExpectError(Upt(gen + " --top-p 1.5", tmp.path()), {"--top-p", "(0, 1]"});
  EXPECT_FALSE(FileExists(tmp.file("s.jsonl")));
  ExpectError(Upt("passk --counts x.csv --level 1.5", tmp.path()), {"--level", "(0, 1)"});
}

TEST(BadInputTest, ScoreChecksItsFlagsBeforeGrading) {
  testing::TempDir tmp;
  const std::string args = "score --dataset aime24 --samples " + Src("examples/aime24_samples.jsonl") + " --out " +
                           tmp.file("s");
  ExpectError(Upt(args + " --level 2", tmp.path()), {"--level", "confidence level must be in (0, 1), got 2"});
  ExpectError(Upt(args + " --bootstrap 0", tmp.path()), {"--bootstrap", "must be >= 1"});
  EXPECT_FALSE(FileExists(tmp.file("s")));  // nothing graded, nothing written
}

TEST(BadInputTest, ADirectoryGivenAsAnInputFileIsNamedAsADirectory) {
  testing::TempDir tmp;
  const std::string d = tmp.path();
  ExpectError(Upt("verify --cases " + d, d), {"is a directory, not a file"});
  ExpectError(Upt("passk --counts " + d, d), {"is a directory, not a file"});
  ExpectError(Upt("train --config " + d + " --dry-run", d), {"is a directory, not a file"});
  Result r = Upt("score --dataset aime24 --samples " + d + " --out " + tmp.file("s"), d);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "is a directory")) << r.err;
}

TEST(BadInputTest, DeeplyNestedSampleLineIsAnIngestionIssueNotACrash) {
  testing::TempDir tmp;
  std::string lines = ReadFile(Src("examples/aime24_samples.jsonl"));
  lines += std::string(200000, '[') + std::string(200000, ']') + "\n";
  WriteFileAtomic(tmp.file("s.jsonl"), lines);
  Result r = Upt("score --dataset aime24 --format upt --samples " + tmp.file("s.jsonl") + " --out " + tmp.file("o"),
                 tmp.path());
  EXPECT_EQ(r.code, 1) << r.out << r.err;  // scored, with one counted issue
  EXPECT_TRUE(Contains(r.out, "s.jsonl:481")) << r.out;
  EXPECT_EQ(CountLines(tmp.file("o/verdicts.jsonl")), 480);
}

TEST(BadInputTest, GenerateResumesWhateverTheModelPathSpelling) {
  testing::TempDir tmp;
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  const std::string common = " --dataset toy_t1 --n 2 --limit 3 --max-new-tokens 8 --template toy --out ";
  ASSERT_EQ(Upt("generate --model " + model + common + tmp.file("ref.jsonl"), tmp.path()).code, 0);
  std::string half = ReadFile(tmp.file("ref.jsonl"));
  half = half.substr(0, half.find('\n', half.size() / 2) + 1);
  ASSERT_EQ(Upt("generate --model " + model + "/" + common + tmp.file("b.jsonl"), tmp.path()).code, 0);
  WriteFileAtomic(tmp.file("b.jsonl"), half);  // an interrupted run's first half
  std::string dir = std::filesystem::path(model).parent_path().string();
  Result r = Upt("generate --model " + dir + "/./toy_model/" + common + tmp.file("b.jsonl"), tmp.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(ReadFile(tmp.file("b.jsonl")), ReadFile(tmp.file("ref.jsonl")));
}

}  // namespace
}  // namespace upt::reliability
