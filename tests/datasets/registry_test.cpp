// The benchmark registry: every entry loads from the binary with its row count,
// kind and hash; suites expand; unknown names list the valid ones; GPQA decrypts
// in memory (only counts and letters are checked; its text is never printed).
#include <gtest/gtest.h>

#include <set>

#include "core/embedded.h"
#include "core/error.h"
#include "datasets/registry.h"
#include "datasets/zip_reader.h"

namespace upt::datasets {
std::vector<EmbeddedFile> EmbeddedDataFiles();
namespace {

TEST(RegistryTest, ListsThePaperBenchmarksWithExpectedRowsAndDefaults) {
  std::map<std::string, long> rows = {{"aime24", 30},   {"aime25", 30},  {"amc", 83},      {"amc23", 40},
                                      {"math500", 500}, {"minerva", 272}, {"olympiad", 675}, {"arc_c", 1172},
                                      {"gpqa_diamond", 198}};
  std::set<std::string> avg32 = {"aime24", "aime25", "amc", "amc23"};
  int found = 0;
  for (const auto& b : ListBenchmarks()) {
    if (!rows.count(b.name)) continue;
    ++found;
    EXPECT_EQ(b.rows, rows[b.name]) << b.name;
    EXPECT_EQ(b.defaults.samples_per_problem, avg32.count(b.name) ? 32 : 1) << b.name;
    EXPECT_DOUBLE_EQ(b.defaults.sampling.temperature, 0.6);
    EXPECT_DOUBLE_EQ(b.defaults.sampling.top_p, 0.95);
    EXPECT_EQ(b.defaults.sampling.max_new_tokens, 8192);
  }
  EXPECT_EQ(found, 9);
}

TEST(RegistryTest, EveryEntryLoadsWithItsRowCountKindAndHash) {
  for (const auto& info : ListBenchmarks()) {
    SCOPED_TRACE(info.name);
    Benchmark b = LoadBenchmark(info.name);
    EXPECT_EQ(static_cast<long>(b.problems.size()), info.rows);
    EXPECT_EQ(b.kind, info.kind);
    EXPECT_EQ(b.sha256, info.sha256);
    EXPECT_EQ(b.name, info.name);
    std::set<std::string> ids;
    for (const auto& p : b.problems) {
      ids.insert(p.id);
      if (b.kind == Kind::kMultipleChoice) {
        int idx = LetterIndex(p.answer);
        EXPECT_TRUE(idx >= 0 && idx < static_cast<int>(p.choices.size())) << p.id;
      } else {
        EXPECT_TRUE(p.choices.empty()) << p.id;
      }
    }
    EXPECT_EQ(ids.size(), b.problems.size());
  }
}

TEST(RegistryTest, AnswersStayVerbatim) {
  Benchmark aime = LoadBenchmark("aime24");
  bool leading_zero = false;
  for (const auto& p : aime.problems) leading_zero |= p.answer.size() == 3 && p.answer[0] == '0';
  EXPECT_TRUE(leading_zero);  // e.g. "025"
  Benchmark amc = LoadBenchmark("amc");
  EXPECT_NE(amc.problems.at(0).answer.find(".0"), std::string::npos);  // e.g. "142.0"
}

TEST(RegistryTest, GpqaDecryptsInMemoryWithFourChoices) {
  Benchmark g = LoadBenchmark("gpqa_diamond");
  ASSERT_EQ(g.problems.size(), 198u);  // no content printed on failure
  EXPECT_EQ(g.kind, Kind::kMultipleChoice);
  std::map<std::string, int> letters;
  for (const auto& p : g.problems) {
    EXPECT_EQ(p.choices.size(), 4u);
    ++letters[p.answer];
  }
  EXPECT_EQ(letters.size(), 4u);  // gold letters are spread over A-D
}

TEST(RegistryTest, GpqaZipRejectsAWrongPassword) {
  std::string_view zip;
  for (const auto& f : EmbeddedDataFiles())
    if (std::string(f.name) == "gpqa_diamond.zip") zip = f.view();
  ASSERT_FALSE(zip.empty());
  EXPECT_THROW(ReadZipEntry(zip, "gpqa_diamond.jsonl", "not-the-password", "gpqa"), Error);
  EXPECT_THROW(ReadZipEntry(zip, "other.jsonl", "deserted-untie-orchid", "gpqa"), Error);
  EXPECT_THROW(ReadZipEntry("not a zip", "x", "", "junk"), Error);
}

TEST(RegistryTest, NoPlainGpqaFileIsEmbedded) {
  for (const auto& f : EmbeddedDataFiles()) EXPECT_NE(std::string(f.name), "gpqa_diamond.jsonl");
}

TEST(RegistryTest, ExpandsSuitesAndCommaListsInOrderWithoutDuplicates) {
  EXPECT_EQ(ExpandBenchmarkNames("math6"),
            (std::vector<std::string>{"aime24", "aime25", "amc", "math500", "minerva", "olympiad"}));
  EXPECT_EQ(ExpandBenchmarkNames("ood2"), (std::vector<std::string>{"arc_c", "gpqa_diamond"}));
  EXPECT_EQ(ExpandBenchmarkNames(" amc23 , ood2,arc_c"),
            (std::vector<std::string>{"amc23", "arc_c", "gpqa_diamond"}));
  EXPECT_EQ(ExpandBenchmarkNames("toy6").size(), 6u);
  EXPECT_EQ(ExpandBenchmarkNames("toy_ood2"), (std::vector<std::string>{"toy_ood_paren", "toy_ood_mc"}));
}

TEST(RegistryTest, UnknownNamesListTheKnownOnesAndSuggest) {
  try {
    ExpandBenchmarkNames("aime24,aime2O");
    FAIL();
  } catch (const Error& e) {
    std::string m = e.message();
    EXPECT_NE(m.find("aime2O"), std::string::npos);
    EXPECT_NE(m.find("math6"), std::string::npos);
    EXPECT_NE(m.find("gpqa_diamond"), std::string::npos);
  }
  try {
    LoadBenchmark("math-500");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("math500"), std::string::npos);
  }
  EXPECT_THROW(ExpandBenchmarkNames(" , "), Error);
  EXPECT_THROW(LoadBenchmarkOrFile("/no/such/file.jsonl"), Error);
}

// The benchmark table is the one place reports and the pipeline read display
// names, groups, aliases and the paper's n from.
TEST(RegistryTest, TableNamesDisplayGroupAliasesAndThePapersN) {
  for (const auto& name : ExpandBenchmarkNames("math6,amc23")) {
    EXPECT_FALSE(GetBenchmarkInfo(name).display.empty()) << name;
    EXPECT_EQ(GetBenchmarkInfo(name).group, BenchmarkGroup::kInDistribution) << name;
  }
  for (const auto& name : ExpandBenchmarkNames("ood2,toy_ood2"))
    EXPECT_EQ(GetBenchmarkInfo(name).group, BenchmarkGroup::kOutOfDistribution) << name;
  for (const auto& name : ExpandBenchmarkNames("toy6")) {
    EXPECT_EQ(GetBenchmarkInfo(name).group, BenchmarkGroup::kInDistribution) << name;
    EXPECT_TRUE(GetBenchmarkInfo(name).display.empty()) << name << ": toy columns are shown by name";
  }
  EXPECT_EQ(GetBenchmarkInfo("math500").display, "MATH-500");
  for (const char* n : {"aime24", "aime25", "amc", "amc23"}) EXPECT_EQ(GetBenchmarkInfo(n).defaults.samples_per_problem, 32) << n;
  for (const char* n : {"math500", "minerva", "olympiad", "arc_c", "gpqa_diamond"})
    EXPECT_EQ(GetBenchmarkInfo(n).defaults.samples_per_problem, 1) << n;
}

TEST(RegistryTest, EveryAliasResolvesToItsBenchmarkAndNoAliasIsShared) {
  std::set<std::string> seen;
  for (const auto& b : ListBenchmarks()) {
    EXPECT_EQ(CanonicalBenchmarkName(b.name), b.name);
    EXPECT_EQ(CanonicalBenchmarkName(b.display.empty() ? b.name : b.display), b.name) << b.display;
    for (const auto& a : b.aliases) {
      EXPECT_EQ(CanonicalBenchmarkName(a), b.name) << a;
      EXPECT_TRUE(seen.insert(a).second) << a << " names two benchmarks";
    }
  }
  EXPECT_EQ(CanonicalBenchmarkName("OlympiadBench"), "olympiad");
  EXPECT_EQ(CanonicalBenchmarkName("AIME 2024"), "aime24");
  EXPECT_EQ(CanonicalBenchmarkName("ARC-Challenge"), "arc_c");
  EXPECT_EQ(CanonicalBenchmarkName("MyBench"), "mybench");
}

TEST(RegistryTest, MissingTrainFileHintNamesTheDatasetOfAKnownFile) {
  std::string hint = MissingTrainFileHint("data/openr1.parquet");
  EXPECT_NE(hint.find("huggingface-cli download Elliott/Openr1-Math-46k-8192"), std::string::npos) << hint;
  EXPECT_NE(hint.find("upt data import"), std::string::npos) << hint;
  EXPECT_NE(MissingTrainFileHint("x/openr1.complement.parquet").find("Elliott/Openr1-Math-48k-Complement"), std::string::npos);
  EXPECT_EQ(MissingTrainFileHint("mine.jsonl").find("huggingface-cli"), std::string::npos);
}

}  // namespace
}  // namespace upt::datasets
