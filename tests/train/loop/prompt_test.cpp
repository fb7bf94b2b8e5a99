// Demonstrations end with the tokenizer's EOS (tokenizer_config.json eos_token),
// as upstream appends tokenizer.eos_token_id; the template's token otherwise.
#include "train/loop/prompt.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "tests/train/loop/tiny_run.h"

namespace upt::train {
namespace {
using namespace upt::train::testing;  // NOLINT: the shared tiny-run fixture

TEST(PromptFormatTest, DemonstrationsEndWithTheTokenizerConfigEos) {
  lm::Tokenizer tok = lm::Tokenizer::FromFile(TinyModel() + "/tokenizer.json");
  PromptFormat fmt("toy", &tok);
  const auto plain = fmt.Demonstration("1+1=2", 40);
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(plain.back(), fmt.eos());
  fmt.UseTokenizerEos(Root() + "/no_such_dir");  // no file: keeps the template's token
  EXPECT_EQ(fmt.Demonstration("1+1=2", 40).back(), fmt.eos());
  const std::string dir = Root() + "/tok_cfg";
  MakeDirs(dir);
  WriteFileAtomic(dir + "/tokenizer_config.json", R"({"eos_token": {"content": "<pad>"}})");
  fmt.UseTokenizerEos(dir);
  const auto ended = fmt.Demonstration("1+1=2", 40);
  EXPECT_EQ(ended.back(), tok.TokenToId("<pad>"));
  EXPECT_EQ(ended.size(), plain.size());
  EXPECT_LE(static_cast<int>(fmt.Demonstration("1+1=2", 3).size()), 3);
}

}  // namespace
}  // namespace upt::train
