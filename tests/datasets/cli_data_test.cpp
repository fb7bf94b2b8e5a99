// `upt data ...` end to end through the binary (UPT_BIN).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <regex>

#include "core/fs.h"
#include "datasets/load.h"
#include "tests/core/test_util.h"

namespace {

struct CmdResult {
  int code = -1;
  std::string out;
};

// Runs `upt <args>` capturing stdout+stderr; skips when UPT_BIN is not set.
CmdResult Upt(const std::string& args) {
  const char* bin = std::getenv("UPT_BIN");
  CmdResult r;
  if (!bin || !upt::FileExists(bin)) return r;
  std::FILE* p = ::popen((std::string(bin) + " " + args + " 2>&1").c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

#define REQUIRE_UPT()                                                            \
  do {                                                                           \
    const char* bin = std::getenv("UPT_BIN");                                    \
    if (!bin || !upt::FileExists(bin)) GTEST_SKIP() << "UPT_BIN not set (run via ctest)"; \
  } while (0)

TEST(CliDataTest, ListShowsEveryBenchmarkWithItsRowCount) {
  REQUIRE_UPT();
  CmdResult r = Upt("data list");
  ASSERT_EQ(r.code, 0) << r.out;
  std::vector<std::pair<std::string, int>> rows = {{"aime24", 30},   {"aime25", 30},  {"amc", 83},
                                                   {"amc23", 40},    {"math500", 500}, {"minerva", 272},
                                                   {"olympiad", 675}, {"arc_c", 1172}, {"gpqa_diamond", 198},
                                                   {"toy_t3", 64}};
  for (const auto& [name, n] : rows) {
    std::regex line("\\n" + name + " +[a-z_]+ +" + std::to_string(n) + " ");
    EXPECT_TRUE(std::regex_search(r.out, line)) << name;
  }
  for (const char* suite : {"math6", "ood2", "toy6", "toy_ood2"}) EXPECT_NE(r.out.find(suite), std::string::npos);
}

TEST(CliDataTest, ShowWorksForToyAndForGpqaFromTheZip) {
  REQUIRE_UPT();
  CmdResult toy = Upt("data show toy_t3 --n 2");
  EXPECT_EQ(toy.code, 0) << toy.out;
  EXPECT_NE(toy.out.find("--- toy_t3-001"), std::string::npos) << toy.out;
  CmdResult gpqa = Upt("data show gpqa_diamond --n 1");
  EXPECT_EQ(gpqa.code, 0);  // output deliberately not printed
  EXPECT_NE(gpqa.out.find("rows: 198"), std::string::npos);
  EXPECT_NE(gpqa.out.find("--- gpqa_diamond-000"), std::string::npos);
  CmdResult bad = Upt("data show aime2O");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("aime24"), std::string::npos) << bad.out;
}

TEST(CliDataTest, ValidateReportsBadLinesAndExitsNonZero) {
  REQUIRE_UPT();
  upt::testing::TempDir dir;
  std::string f = dir.file("b.jsonl");
  upt::WriteFileAtomic(f, "{\"id\":\"a\",\"problem\":\"p\",\"answer\":\"1\"}\n{\"id\":\"a\",\"problem\":\"p\",\"answer\":\"2\"}\n"
                          "{\"id\":\"c\",\"problem\":\"p\",\"answer\":3}\n");
  CmdResult r = Upt("data validate " + f);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("b.jsonl:2: field 'id': duplicate id 'a'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b.jsonl:3: field 'answer'"), std::string::npos) << r.out;
  EXPECT_EQ(Upt("data validate --skip-bad-lines " + f).code, 0);
  upt::WriteFileAtomic(dir.file("ok.jsonl"), "{\"id\":\"a\",\"problem\":\"p\",\"answer\":\"1\"}\n");
  CmdResult ok = Upt("data validate " + dir.file("ok.jsonl"));
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("OK"), std::string::npos);
}

TEST(CliDataTest, ImportWritesCanonicalJsonlFromCsv) {
  REQUIRE_UPT();
  upt::testing::TempDir dir;
  upt::WriteFileAtomic(dir.file("q.csv"), "question,gold,opts\nPick one,B,x|y|z\nPick two,A,u|v\n");
  CmdResult r = Upt("data import " + dir.file("q.csv") + " --format csv --out " + dir.file("q.jsonl") +
              " --problem-col question --answer-col gold --choices-col opts --choices-sep '|'");
  ASSERT_EQ(r.code, 0) << r.out;
  auto b = upt::datasets::LoadBenchmarkFile(dir.file("q.jsonl"));
  ASSERT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(b.problems[0].id, "q-0");
  EXPECT_EQ(b.problems[0].choices, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(b.kind, upt::datasets::Kind::kMultipleChoice);
}

TEST(CliDataTest, ToyWritesTheWorldFiles) {
  REQUIRE_UPT();
  upt::testing::TempDir dir;
  CmdResult r = Upt("data toy --out " + dir.path() + "/w --seed 3 --train-size 20 --pretrain-size 50");
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* f : {"toy_t1.jsonl", "toy_t6.jsonl", "toy_ood_mc.jsonl", "train.jsonl", "pretrain.txt", "world.json"})
    EXPECT_TRUE(upt::FileExists(dir.path() + "/w/" + f)) << f;
  EXPECT_NE(upt::ReadFile(dir.path() + "/w/train.jsonl").find("\"demonstration\""), std::string::npos);
}

}  // namespace
