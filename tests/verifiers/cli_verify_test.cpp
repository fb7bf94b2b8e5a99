// `upt verify` contract: ordered JSONL output, malformed lines reported, exit codes.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/json.h"
#include "tests/core/test_util.h"

namespace upt::verifiers {
namespace {

std::string UptBin() {
  const char* b = std::getenv("UPT_BIN");
  return b ? b : std::string(UPT_BINARY_DIR) + "/cli/upt";
}

int RunShell(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::vector<Json> ReadLines(const std::string& path) {
  std::ifstream f(path);
  std::vector<Json> out;
  std::string line;
  while (std::getline(f, line)) out.push_back(Json::parse(line));
  return out;
}

TEST(VerifyCliTest, CasesFileKeepsOrderAndReportsMalformedLines) {
  upt::testing::TempDir dir;
  std::string in = dir.file("in.jsonl"), out = dir.file("out.jsonl");
  {
    std::ofstream f(in);
    for (int i = 0; i < 3000; ++i)
      f << "{\"gold\": \"" << i << "\", \"pred\": \"\\\\boxed{" << (i % 3 ? i : i + 1) << "}\"}\n";
    f << "not json\n";
    f << "{\"gold\": 5, \"pred\": \"5\"}\n";
    f << "{\"gold\": \"C\", \"pred\": \"ANSWER: C\", \"mc\": true}\n";
  }
  int rc = RunShell(UptBin() + " verify --cases " + in + " --threads 2 --out " + out);
  EXPECT_EQ(rc, 1);
  std::vector<Json> lines = ReadLines(out);
  ASSERT_EQ(lines.size(), 3003u);
  for (int i = 0; i < 3000; ++i) {
    EXPECT_EQ(lines[i]["correct"].get<bool>(), i % 3 != 0) << i;
    EXPECT_EQ(lines[i]["extracted"].get<std::string>(), std::to_string(i % 3 ? i : i + 1));
  }
  EXPECT_TRUE(lines[3000].contains("error"));
  EXPECT_TRUE(lines[3001].contains("error"));
  EXPECT_TRUE(lines[3002]["correct"].get<bool>());
}

TEST(VerifyCliTest, AllGoodLinesExitZero) {
  upt::testing::TempDir dir;
  std::string in = dir.file("in.jsonl"), out = dir.file("out.jsonl");
  {
    std::ofstream f(in);
    f << "{\"gold\": \"\\\\frac{1}{2}\", \"pred\": \"\\\\boxed{0.5}\"}\n";
    f << "{\"gold\": \"2\", \"pred\": \"no answer\"}\n";
  }
  EXPECT_EQ(RunShell(UptBin() + " verify --cases " + in + " --out " + out), 0);
  std::vector<Json> lines = ReadLines(out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0]["correct"].get<bool>());
  EXPECT_FALSE(lines[1]["correct"].get<bool>());
}

TEST(VerifyCliTest, SingleVerdictAndUnknownPolicy) {
  upt::testing::TempDir dir;
  std::string out = dir.file("o.txt");
  EXPECT_EQ(RunShell(UptBin() + " verify --gold '\\frac12' --pred 'so \\boxed{0.5}' > " + out), 0);
  std::ifstream f(out);
  std::stringstream ss;
  ss << f.rdbuf();
  Json j = Json::parse(ss.str());
  EXPECT_TRUE(j["correct"].get<bool>());
  EXPECT_EQ(j["reason"].get<std::string>(), "equal_rational");
  EXPECT_EQ(RunShell(UptBin() + " verify --gold 1 --pred 1 --policy nope 2>/dev/null"), 2);
}

}  // namespace
}  // namespace upt::verifiers
