// Tokenizer behaviour beyond the parity fixture: round trips, special tokens,
// invalid UTF-8, empty and very long inputs, and load errors naming the field.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "lm/tokenizer/tokenizer.h"
#include "tests/lm/tokenizer/test_paths.h"

namespace upt::lm {
namespace {

using testing::QwenTokenizerPath;

using testing::Qwen;

#define REQUIRE_QWEN() ASSERT_TRUE(FileExists(QwenTokenizerPath())) << testing::MissingQwenMessage()

TEST(TokenizerTest, EmptyStringEncodesToNothing) {
  REQUIRE_QWEN();
  EXPECT_TRUE(Qwen().Encode("").empty());
  EXPECT_EQ(Qwen().Decode({}), "");
}

TEST(TokenizerTest, SpecialTokensInTextAreMatchedOnlyWhenAllowed) {
  REQUIRE_QWEN();
  const Tokenizer& tok = Qwen();
  auto with = tok.Encode("a<|im_end|>b", true);
  auto without = tok.Encode("a<|im_end|>b", false);
  EXPECT_EQ(with, (std::vector<int32_t>{64, 151645, 65}));
  EXPECT_EQ(std::count(without.begin(), without.end(), 151645), 0);
  EXPECT_GT(without.size(), 3u);
  EXPECT_EQ(tok.Decode(without), "a<|im_end|>b");  // plain text round trip
  // Longest match wins and adjacent added tokens need no separator.
  EXPECT_EQ(tok.Encode("<|im_end|><|im_start|>"), (std::vector<int32_t>{151645, 151644}));
}

TEST(TokenizerTest, DecodeCanSkipSpecialTokensButKeepsOtherAddedTokens) {
  REQUIRE_QWEN();
  const Tokenizer& tok = Qwen();
  auto ids = tok.Encode("<|im_start|>x<think>y</think><|im_end|>");
  EXPECT_EQ(tok.Decode(ids, false), "<|im_start|>x<think>y</think><|im_end|>");
  EXPECT_EQ(tok.Decode(ids, true), "x<think>y</think>");
}

TEST(TokenizerTest, InvalidUtf8BytesRoundTripAsBytes) {
  REQUIRE_QWEN();
  const Tokenizer& tok = Qwen();
  const std::string bad[] = {std::string("ab\xff" "cd"), std::string("\xc3"), std::string("x\xe4\xbd"),
                             std::string("\xed\xa0\x80"), std::string("caf\xc3\xa9\x80 ok"),
                             std::string("\xc0\xaf\x00z", 4)};
  for (const std::string& s : bad) {
    auto ids = tok.Encode(s);
    EXPECT_FALSE(ids.empty());
    EXPECT_EQ(tok.Decode(ids), s) << DumpLine(Json(ids));
  }
}

TEST(TokenizerTest, RandomByteStringsRoundTrip) {
  REQUIRE_QWEN();
  const Tokenizer& tok = Qwen();
  std::mt19937 rng(7);
  const std::vector<std::string> atoms = {"a", "Z", " ", "\n", "\r", "\t", "1", "'", "'s", "\xe4\xbd\xa0",
                                          "\xf0\x9f\x98\x80", "\xc3\xa9", "\xff", "\x80", "\\", "{", "  "};
  for (int t = 0; t < 300; ++t) {
    std::string s;
    int n = rng() % 40;
    for (int i = 0; i < n; ++i) s += atoms[rng() % atoms.size()];
    EXPECT_EQ(tok.Decode(tok.Encode(s)), s) << DumpLine(Json(s));
  }
}

TEST(TokenizerTest, NfcNormalizationIsAppliedBeforeSplitting) {
  REQUIRE_QWEN();
  const Tokenizer& tok = Qwen();
  // "e" + COMBINING ACUTE composes to U+00E9.
  EXPECT_EQ(tok.Encode("caf\x65\xcc\x81"), tok.Encode("caf\xc3\xa9"));
  EXPECT_EQ(tok.Decode(tok.Encode("caf\x65\xcc\x81")), "caf\xc3\xa9");
}

TEST(TokenizerTest, VeryLongInputsRoundTripAndMatchPieceConcatenation) {
  REQUIRE_QWEN();
  const Tokenizer& tok = Qwen();
  std::string word(100000, 'a');
  auto ids = tok.Encode(word);
  EXPECT_LT(ids.size(), 100000u / 4);
  EXPECT_EQ(tok.Decode(ids), word);
  std::string spaces(50000, ' ');
  EXPECT_EQ(tok.Decode(tok.Encode(spaces + "x")), spaces + "x");
  // A long repeated sentence encodes to the repetition of one sentence's ids
  // (each sentence ends a pre-token with ".\n").
  std::string sentence = "The answer is \\boxed{42}.\n";
  auto one = tok.Encode(sentence);
  std::string text;
  std::vector<int32_t> want;
  for (int i = 0; i < 2000; ++i) {
    text += sentence;
    want.insert(want.end(), one.begin(), one.end());
  }
  EXPECT_EQ(tok.Encode(text), want);
}

TEST(TokenizerTest, ConcurrentEncodesAgree) {
  REQUIRE_QWEN();
  const Tokenizer& tok = Qwen();
  const std::string text = "Let $x^2 + 3x - 4 = 0$. Find all real x; answer in \\boxed{}. 你好 😀";
  auto want = tok.Encode(text);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) ok[t] += tok.Encode(text + std::to_string(i % 7)).size() > want.size() - 2;
    });
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 200);
}

TEST(TokenizerTest, CopiesAndMovesAgreeWithTheOriginal) {
  REQUIRE_QWEN();
  Tokenizer copy = Qwen();
  EXPECT_EQ(copy.Encode("copy me 123"), Qwen().Encode("copy me 123"));
  EXPECT_EQ(copy.json_text().size(), ReadFile(QwenTokenizerPath()).size());
  Tokenizer moved = std::move(copy);
  EXPECT_EQ(moved.Decode(moved.Encode("moved 4")), "moved 4");
  Tokenizer assigned;
  assigned = moved;
  EXPECT_EQ(assigned.vocab_size(), Qwen().vocab_size());
}

// --- load errors -----------------------------------------------------------

std::string MinimalJson(const std::string& model_extra = "", const std::string& pre = "",
                        const std::string& decoder = "") {
  std::string p = pre.empty() ? R"({"type":"ByteLevel","add_prefix_space":false,"use_regex":false})" : pre;
  std::string d = decoder.empty() ? R"({"type":"ByteLevel"})" : decoder;
  return R"({"added_tokens":[],"normalizer":null,"pre_tokenizer":)" + p + R"(,"decoder":)" + d +
         R"(,"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"])" + model_extra + "}}";
}

std::string LoadError(const std::string& json) {
  try {
    Tokenizer::FromJsonText(json, "tok.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TokenizerLoadTest, MinimalByteLevelBpeLoadsAndMerges) {
  Tokenizer t = Tokenizer::FromJsonText(MinimalJson());
  EXPECT_EQ(t.Encode("abab"), (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(t.Encode("ba"), (std::vector<int32_t>{1, 0}));
  EXPECT_EQ(t.vocab_size(), 3);
}

TEST(TokenizerLoadTest, Gpt2ByteLevelRegexSplitsBeforeMerging) {
  auto make = [](bool use_regex) {
    return std::string(R"({"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":)") +
           (use_regex ? "true" : "false") +
           R"(},"decoder":{"type":"ByteLevel"},"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"\u0120":3,"\u0120a":4,"\u0120ab":5,"b\u0120":6},"merges":["b \u0120","a b","\u0120 a","\u0120a b"]}})";
  };
  // GPT-2 regex: "ab ab" -> "ab" | " ab"; in " ab", "a b" (rank 1) beats "Ġ a" (rank 2).
  EXPECT_EQ(Tokenizer::FromJsonText(make(true)).Encode("ab ab"), (std::vector<int32_t>{2, 3, 2}));
  // One piece: the rank-0 merge "b Ġ" crosses the word boundary.
  EXPECT_EQ(Tokenizer::FromJsonText(make(false)).Encode("ab ab"), (std::vector<int32_t>{0, 6, 2}));
  EXPECT_EQ(Tokenizer::FromJsonText(make(true)).Decode({0, 6, 2}), "ab ab");
}

TEST(TokenizerLoadTest, ErrorsNameTheFileAndField) {
  EXPECT_NE(LoadError("{not json").find("tok.json: invalid JSON"), std::string::npos);
  EXPECT_NE(LoadError(R"({"model":{"type":"WordPiece","vocab":{}}})").find("field 'model.type'"),
            std::string::npos);
  EXPECT_NE(LoadError(MinimalJson(R"(,"byte_fallback":true)")).find("field 'model.byte_fallback'"),
            std::string::npos);
  EXPECT_NE(LoadError(MinimalJson("", R"({"type":"Metaspace"})")).find("field 'pre_tokenizer.type'"),
            std::string::npos);
  EXPECT_NE(LoadError(MinimalJson("", "", R"({"type":"WordPiece"})")).find("field 'decoder'"),
            std::string::npos);
  std::string bad_merge = MinimalJson();
  bad_merge.replace(bad_merge.find("\"a b\""), 5, "\"a c\"");
  EXPECT_NE(LoadError(bad_merge).find("field 'model.merges[0]'"), std::string::npos);
  std::string split_removed =
      R"({"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"a"},"behavior":"Removed"},{"type":"ByteLevel","use_regex":false}]})";
  EXPECT_NE(LoadError(MinimalJson("", split_removed)).find("field 'pre_tokenizer.pretokenizers[0].behavior'"),
            std::string::npos);
  std::string bad_regex =
      R"({"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"(a"},"behavior":"Isolated"},{"type":"ByteLevel","use_regex":false}]})";
  EXPECT_NE(LoadError(MinimalJson("", bad_regex)).find("pattern.Regex"), std::string::npos);
  std::string norm = MinimalJson();
  norm.replace(norm.find("\"normalizer\":null"), 17, R"("normalizer":{"type":"BertNormalizer"})");
  EXPECT_NE(LoadError(norm).find("field 'normalizer.type'"), std::string::npos);
  EXPECT_NE(LoadError(R"({"model":{"type":"BPE","vocab":{"a":-1},"merges":[]},"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"}})")
                .find("field 'model.vocab.a'"),
            std::string::npos);
}

TEST(TokenizerLoadTest, MissingFileIsAnErrorNamingThePath) {
  try {
    Tokenizer::FromFile("/nonexistent/tokenizer.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tokenizer.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace upt::lm
