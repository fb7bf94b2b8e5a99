// Character-level tokenizer.json for the toy world: one id per symbol, and the
// JavaScript reference loads the same file and agrees.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/strings.h"
#include "datasets/toy/toy_world.h"
#include "lm/tokenizer/char_level.h"
#include "lm/tokenizer/tokenizer.h"
#include "tests/lm/tokenizer/test_paths.h"

namespace upt::lm {
namespace {

// The toy world's symbols (datasets/toy ToyVocabularySymbols() at the time of
// writing), written out so this test does not depend on the datasets module.
std::vector<std::string> ToySymbols() {
  std::vector<std::string> s = {"\\boxed{", "}", " ", "+", "-", "*", "=", "(", ")", ":", "Q", "A", "x"};
  for (char c = '0'; c <= '9'; ++c) s.push_back(std::string(1, c));
  return s;
}

std::string RunNode(const std::string& tok_path, const std::vector<std::string>& texts) {
  char dir[] = "/tmp/upt_char_level_XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  std::string texts_path = std::string(dir) + "/texts.jsonl";
  std::string lines;
  for (const auto& t : texts) lines += DumpLine(Json(t)) + "\n";
  WriteFileAtomic(texts_path, lines);
  std::string cmd = "node " + testing::SourceDir() + "/tests/lm/tokenizer_reference/encode.js " + tok_path +
                    " " + texts_path + " 2>&1";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  std::filesystem::remove_all(dir);
  return out;
}

TEST(CharLevelTokenizerTest, EverySymbolIsOneToken) {
  auto symbols = ToySymbols();
  Tokenizer tok = Tokenizer::FromJsonText(MakeCharLevelTokenizerJson(symbols), "toy tokenizer.json");
  EXPECT_EQ(tok.TokenToId("<pad>"), 0);
  EXPECT_EQ(tok.TokenToId("<bos>"), 1);
  EXPECT_EQ(tok.TokenToId("<eos>"), 2);
  EXPECT_TRUE(tok.IsSpecial(2));
  for (const auto& s : symbols) {
    auto ids = tok.Encode(s);
    ASSERT_EQ(ids.size(), 1u) << s;
    EXPECT_EQ(tok.Decode(ids), s);
  }
  std::string prompt = "Q: 75+20-2*5-82= A:";
  EXPECT_EQ(tok.Encode(prompt).size(), prompt.size());
  std::string demo = "75+20=95 95-10=85 85-82=3 \\boxed{3}<eos>";
  auto ids = tok.Encode(demo);
  EXPECT_EQ(ids.size(), demo.size() - 6 - 4);  // "\boxed{" and "<eos>" are one id each
  EXPECT_EQ(ids.back(), 2);
  EXPECT_EQ(tok.Decode(ids), demo);
  EXPECT_EQ(tok.Decode(ids, /*skip_special=*/true), demo.substr(0, demo.size() - 5));
  // 3 specials + 28 distinct bytes + 5 proper prefixes of \boxed{ + \boxed{ itself.
  EXPECT_EQ(tok.vocab_size(), 3 + 28 + 6);
}

TEST(CharLevelTokenizerTest, CustomSpecialTokensAndErrors) {
  Tokenizer tok = Tokenizer::FromJsonText(MakeCharLevelTokenizerJson({"ab", "c"}, {"[P]", "[E]"}));
  EXPECT_EQ(tok.TokenToId("[E]"), 1);
  EXPECT_EQ(tok.Encode("abcab[E]"), (std::vector<int32_t>{5, 4, 5, 1}));
  EXPECT_THROW(MakeCharLevelTokenizerJson({"a", "a"}), Error);
  EXPECT_THROW(MakeCharLevelTokenizerJson({""}), Error);
}

// Real toy-world texts (problem + " " + demonstration): one id per symbol as
// the toy world splits them.
std::vector<std::string> ToyTexts(int n) {
  datasets::toy::ToyWorldOptions opts;
  opts.train_size = n;
  std::vector<std::string> texts;
  for (const auto& ex : datasets::toy::MakeToyTrainSet(opts)) texts.push_back(ex.problem.problem + " " + ex.demonstration);
  for (const auto& spec : datasets::toy::ToyBenchmarkSpecs()) {
    opts.benchmark_size = 4;
    for (const auto& p : datasets::toy::MakeToyBenchmark(spec.name, opts).problems) texts.push_back(p.problem);
  }
  return texts;
}

TEST(CharLevelTokenizerTest, ToyWorldTextsEncodeOneIdPerSymbol) {
  auto symbols = datasets::toy::ToyVocabularySymbols();
  Tokenizer tok = Tokenizer::FromJsonText(MakeCharLevelTokenizerJson(symbols), "toy tokenizer.json");
  // 3 specials + 26 one-byte symbols + 6 further bytes of `\boxed{` (x is a symbol)
  // + 6 merge results `\b` .. `\boxed{` = 41 ids.
  EXPECT_EQ(symbols.size(), 27u);
  EXPECT_EQ(tok.vocab_size(), 41);
  auto texts = ToyTexts(200);
  ASSERT_GT(texts.size(), 200u);
  for (const std::string& text : texts) {
    auto want = datasets::toy::ToySymbolize(text);
    auto ids = tok.Encode(text);
    ASSERT_EQ(ids.size(), want.size()) << text;
    EXPECT_EQ(tok.Decode(ids), text);
    for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(tok.Decode({ids[i]}), want[i]) << text;
  }
}

TEST(CharLevelTokenizerTest, JavaScriptReferenceAgrees) {
  ASSERT_TRUE(FileExists(testing::QwenTokenizerPath())) << testing::MissingQwenMessage();
  auto symbols = datasets::toy::ToyVocabularySymbols();
  std::string json = MakeCharLevelTokenizerJson(symbols);
  char path[] = "/tmp/upt_toy_tokenizer_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  WriteFileAtomic(path, json);
  std::vector<std::string> texts = {"Q: 75+20-2*5-82= A:", "75+20=95 95-10=85 85-82=3 \\boxed{3}",
                                    "<bos>Q: (3+4)*2= A: \\boxed{14}<eos><pad><pad>", "x=3", "\\boxed{",
                                    "\\b\\bo", ""};
  for (const auto& t : ToyTexts(50)) texts.push_back(t);
  std::string out = RunNode(path, texts);
  Tokenizer tok = Tokenizer::FromJsonText(json);
  auto lines = Split(out, '\n');
  ASSERT_GE(lines.size(), texts.size()) << out;
  for (size_t i = 0; i < texts.size(); ++i) {
    Json ref = Json::parse(lines[i]);
    EXPECT_EQ(tok.Encode(texts[i]), ref["ids"].get<std::vector<int32_t>>()) << texts[i];
    EXPECT_EQ(tok.Decode(tok.Encode(texts[i])), ref["decoded"].get<std::string>()) << texts[i];
  }
  std::remove(path);
}

}  // namespace
}  // namespace upt::lm
