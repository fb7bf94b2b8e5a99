// Chat templates: exact rendered strings and registry behaviour.
#include <gtest/gtest.h>

#include "core/error.h"
#include "lm/tokenizer/chat_template.h"

namespace upt::lm {
namespace {

TEST(ChatTemplateTest, QwenMathRendersChatMlWithDefaultSystem) {
  EXPECT_EQ(RenderPrompt("qwen25-math", "What is $1+1$?"),
            "<|im_start|>system\nPlease reason step by step, and put your final answer within "
            "\\boxed{}.<|im_end|>\n<|im_start|>user\nWhat is $1+1$?<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplateTest, QwenChatRendersChatMlWithQwenSystem) {
  EXPECT_EQ(RenderPrompt("qwen-chat", "hi"),
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
            "assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplateTest, ExplicitSystemReplacesDefaultVerbatim) {
  EXPECT_EQ(RenderPrompt("qwen25-math", "q", std::string("S")),
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(RenderPrompt("qwen-chat", "q", std::string("")),
            "<|im_start|>system\n<|im_end|>\n<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplateTest, PlainAndToyReturnTheProblemUnchanged) {
  EXPECT_EQ(RenderPrompt("plain", "  x\n"), "  x\n");
  EXPECT_EQ(RenderPrompt("toy", "Q: 75+20-2*5-82= A:"), "Q: 75+20-2*5-82= A:");
}

TEST(ChatTemplateTest, LlamaQaMatchesHptPrompt) {
  EXPECT_EQ(RenderPrompt("llama-qa", "What is 2+3?"),
            "Question:\nWhat is 2+3?\nPlease reason step by step, and put your final answer within "
            "\\boxed{}.\nAnswer:\nLet's think step by step.");
}

TEST(ChatTemplateTest, UnknownNameListsValidNames) {
  try {
    RenderPrompt("qwen25-maths", "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    for (const char* n : {"qwen25-math", "qwen-chat", "plain", "llama-qa", "toy"})
      EXPECT_NE(m.find(n), std::string::npos) << m;
  }
  EXPECT_EQ(ChatTemplateNames(),
            (std::vector<std::string>{"llama-qa", "llama31-chat", "plain", "qwen-chat", "qwen25-math", "toy"}));
}

TEST(ChatTemplateTest, Llama31ChatRendersTheInstructHeaders) {
  EXPECT_EQ(RenderPrompt("llama31-chat", " What is 1+1? "),
            "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
            "Today Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
            "What is 1+1?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatTemplateTest, SystemPromptOnTemplateWithoutOneIsAnError) {
  EXPECT_THROW(RenderPrompt("plain", "x", std::string("sys")), Error);
  EXPECT_THROW(RenderPrompt("toy", "x", std::string("sys")), Error);
}

TEST(ChatTemplateTest, QwenTemplatesStopAtImEnd) {
  EXPECT_EQ(ChatTemplates().Get("qwen25-math").stop.front(), "<|im_end|>");
  EXPECT_TRUE(ChatTemplates().Get("toy").stop.empty());
}

TEST(MultipleChoiceTest, FormatsLuffyArcLayout) {
  EXPECT_EQ(FormatMultipleChoice("Which is largest?", {"1", "2", "3"}),
            "Which is largest?\n\nA) 1\nB) 2\nC) 3\n");
  EXPECT_EQ(RenderPrompt("qwen25-math", FormatMultipleChoice("S", {"x", "y"})),
            "<|im_start|>system\nPlease reason step by step, and put your final answer within "
            "\\boxed{}.<|im_end|>\n<|im_start|>user\nS\n\nA) x\nB) y\n<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_THROW(FormatMultipleChoice("S", std::vector<std::string>(27, "c")), Error);
}

}  // namespace
}  // namespace upt::lm
