// Bounded and checked input: limits, finite option values, range-checked
// integers, torn JSONL tails, directories given as files, checked stdout.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "core/fs.h"
#include "core/jsonl.h"
#include "core/limits.h"
#include "core/options.h"
#include "test_util.h"

namespace upt {
namespace {

struct Opts {
  double lr = 1e-3;
  float eps = 1e-6f;
  int n = 8;
  long long seed = 0;
  template <class V>
  void ForEach(V&& v) {
    v("lr", lr, "learning rate");
    v("eps", eps, "epsilon");
    v("n", n, "rollouts");
    v("seed", seed, "seed");
  }
};

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(InputBoundsTest, OptionValuesMustBeFiniteFromTextAndFromJson) {
  Opts o;
  for (const char* bad : {"inf", "-inf", "nan", "1e999"})
    EXPECT_NE(ErrorOf([&] { SetOption(o, "lr", bad); }).find("finite"), std::string::npos) << bad;
  EXPECT_NE(ErrorOf([&] { SetOption(o, "eps", "1e39"); }).find("finite"), std::string::npos);  // overflows float
  std::string msg = ErrorOf([&] { OptionsFromJson(o, Json{{"lr", INFINITY}}, "cfg.yaml:3"); });
  EXPECT_NE(msg.find("cfg.yaml:3: key 'lr'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("finite"), std::string::npos) << msg;
  EXPECT_DOUBLE_EQ(o.lr, 1e-3);  // untouched
  SetOption(o, "lr", "1e30");    // large but finite: a valid option value
  EXPECT_DOUBLE_EQ(o.lr, 1e30);
}

TEST(InputBoundsTest, IntegerOptionsAreRangeCheckedNotWrapped) {
  Opts o;
  const unsigned long long big = (1ULL << 32) + 96;
  std::string msg = ErrorOf([&] { OptionsFromJson(o, Json{{"n", big}}, "c.json"); });
  EXPECT_NE(msg.find("out of range"), std::string::npos) << msg;
  EXPECT_EQ(o.n, 8);
  EXPECT_NE(ErrorOf([&] { OptionsFromJson(o, Json{{"seed", 18446744073709551615ULL}}, "c.json"); }).find("out of range"),
            std::string::npos);
  OptionsFromJson(o, Json{{"n", -3}}, "c.json");  // in range: semantic checks are the command's
  EXPECT_EQ(o.n, -3);
}

TEST(InputBoundsTest, RequireIntRejectsValuesAbove2To63) {
  Json j = Json::parse(R"({"n": 18446744073709551615})");
  EXPECT_THROW(RequireInt(j, "n", {"f.jsonl", 4}), Error);
}

TEST(InputBoundsTest, LimitNamesValueLimitAndVariableAndCanBeRaised) {
  ::unsetenv(kMaxSamplesPerProblem.env);
  std::string msg = ErrorOf([] { CheckLimit(kMaxSamplesPerProblem, 2000000000LL, "c.csv:2: field 'n'"); });
  EXPECT_NE(msg.find("c.csv:2: field 'n'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("2000000000 exceeds the limit of 1048576"), std::string::npos) << msg;
  EXPECT_NE(msg.find("UPT_MAX_SAMPLES_PER_PROBLEM"), std::string::npos) << msg;
  ::setenv(kMaxSamplesPerProblem.env, "3000000000", 1);
  EXPECT_NO_THROW(CheckLimit(kMaxSamplesPerProblem, 2000000000LL, "x"));
  ::unsetenv(kMaxSamplesPerProblem.env);
}

TEST(InputBoundsTest, JsonNestingDepthIgnoresBracketsInStrings) {
  EXPECT_EQ(JsonNestingDepth(R"({"a": [1, {"b": "[[[["}]})"), 3);
  EXPECT_EQ(JsonNestingDepth(R"("\"[")"), 0);
  EXPECT_EQ(JsonNestingDepth(std::string(10000, '[')), 10000);
}

TEST(InputBoundsTest, DeeplyNestedJsonlLineIsARecordErrorNotACrash) {
  testing::TempDir tmp;
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  WriteFileAtomic(tmp.file("a.jsonl"), "{\"x\": 1}\n" + deep + "\n{\"x\": 2}\n");
  JsonlReader r(tmp.file("a.jsonl"));
  JsonlRecord rec;
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_TRUE(rec.error.empty());
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.line, 2);
  EXPECT_NE(rec.error.find("nesting depth 100000 exceeds the limit of 256"), std::string::npos) << rec.error;
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.value["x"], 2);
}

TEST(InputBoundsTest, CutTornTailDropsALastLineWithoutNewlineEvenIfItParses) {
  testing::TempDir tmp;
  const std::string p = tmp.file("s.jsonl");
  WriteFileAtomic(p, "{\"a\":1}\n{\"a\":2}");  // the second line is valid JSON but torn
  EXPECT_EQ(CutTornTail(p), 8u);
  EXPECT_EQ(ReadFile(p), "{\"a\":1}\n");
  EXPECT_EQ(CutTornTail(p), 8u);  // idempotent
  std::string big(10000, 'x');
  WriteFileAtomic(p, "1\n" + big);  // the tail spans several scan blocks
  EXPECT_EQ(CutTornTail(p), 2u);
  WriteFileAtomic(p, big);
  EXPECT_EQ(CutTornTail(p), 0u);
  EXPECT_EQ(ReadFile(p), "");
  EXPECT_EQ(CutTornTail(tmp.file("missing")), 0u);
  EXPECT_FALSE(FileExists(tmp.file("missing")));
}

TEST(InputBoundsTest, ADirectoryGivenAsAFileIsNamedAsSuch) {
  testing::TempDir tmp;
  std::string msg = ErrorOf([&] { ReadFile(tmp.path()); });
  EXPECT_NE(msg.find("is a directory"), std::string::npos) << msg;
  msg = ErrorOf([&] { LineReader r(tmp.path()); });
  EXPECT_NE(msg.find("is a directory"), std::string::npos) << msg;
  WriteFileAtomic(tmp.file("f"), std::string(100, 'a'));
  EXPECT_NE(ErrorOf([&] { ReadFile(tmp.file("f"), 10); }).find("larger than the limit of 10 bytes"), std::string::npos);
}

TEST(InputBoundsTest, CanonicalPathGivesOneSpellingPerFolder) {
  testing::TempDir tmp;
  MakeDirs(tmp.file("m"));
  const std::string canon = CanonicalPath(tmp.file("m"));
  EXPECT_EQ(CanonicalPath(tmp.file("m") + "/"), canon);
  EXPECT_EQ(CanonicalPath(tmp.path() + "/./m"), canon);
  EXPECT_EQ(CanonicalPath(tmp.path() + "/m/../m"), canon);
  auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(tmp.path());
  EXPECT_EQ(CanonicalPath("./m"), canon);
  EXPECT_EQ(CanonicalPath("m/"), canon);
  std::filesystem::current_path(cwd);
}

TEST(InputBoundsTest, WritingStdoutToAFullDiskThrows) {
  pid_t child = ::fork();
  if (child == 0) {
    if (!std::freopen("/dev/full", "w", stdout)) ::_exit(10);
    try {
      for (int i = 0; i < 100; ++i) WriteStdout(std::string(1 << 16, 'x'));
      CloseStdout();
    } catch (const Error& e) {
      ::_exit(std::string(e.what()).find("No space left") != std::string::npos ? 0 : 11);
    }
    ::_exit(12);  // the failure went unnoticed
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(InputBoundsTest, AFailedCommitLeavesNoTemporaryFile) {
  testing::TempDir tmp;
  {
    AtomicWriter w(tmp.file("out.json"));
    w.Write("partial");
    // destroyed without Commit (an exception unwinding): no temp, no output
  }
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

}  // namespace
}  // namespace upt
