#include "lm/tokenizer/chat_template.h"

#include "core/error.h"

namespace upt::lm {
namespace {

const char* kQwenMathSystem = "Please reason step by step, and put your final answer within \\boxed{}.";
const char* kQwenChatSystem = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

// ChatML as rendered by the Qwen2.5 / Qwen2.5-Math tokenizer_config.json
// templates for [system, user] with add_generation_prompt.
std::string ChatMl(std::string_view system, std::string_view user) {
  std::string s;
  s.reserve(system.size() + user.size() + 80);
  s.append("<|im_start|>system\n").append(system).append("<|im_end|>\n");
  s.append("<|im_start|>user\n").append(user).append("<|im_end|>\n");
  s.append("<|im_start|>assistant\n");
  return s;
}

ChatTemplate MakeChatMl(const char* default_system) {
  ChatTemplate t;
  t.has_system = true;
  t.default_system = default_system;
  std::string def = default_system;
  t.render = [def](std::string_view problem, const std::optional<std::string>& system) {
    return ChatMl(system ? *system : def, problem);
  };
  t.stop = {"<|im_end|>", "<|endoftext|>"};
  return t;
}

ChatTemplate MakeVerbatim() {
  ChatTemplate t;
  t.render = [](std::string_view problem, const std::optional<std::string>&) {
    return std::string(problem);
  };
  return t;
}

ChatTemplate MakeLlamaQa() {
  ChatTemplate t;
  t.render = [](std::string_view problem, const std::optional<std::string>&) {
    std::string s = "Question:\n";
    s.append(problem);
    s.append("\nPlease reason step by step, and put your final answer within \\boxed{}.\nAnswer:\n"
             "Let's think step by step.");
    return s;
  };
  t.stop = {"\nQuestion:"};
  return t;
}

}  // namespace

void RegisterChatTemplates(Registry<ChatTemplate>* reg) {
  reg->Add("qwen25-math", MakeChatMl(kQwenMathSystem),
           "Qwen2.5-Math ChatML; default system: step by step + \\boxed{}");
  reg->Add("qwen-chat", MakeChatMl(kQwenChatSystem), "Qwen2.5 ChatML; default system: You are Qwen...");
  reg->Add("plain", MakeVerbatim(), "the problem text as is");
  reg->Add("llama-qa", MakeLlamaQa(), "HPT's LLaMA 'Question: ... Answer: Let's think step by step.'");
  reg->Add("toy", MakeVerbatim(), "toy world prompt (problem text unchanged, e.g. 'Q: 1+2= A:')");
}

const Registry<ChatTemplate>& ChatTemplates() {
  static const Registry<ChatTemplate>* reg = [] {
    auto* r = new Registry<ChatTemplate>("chat template");
    RegisterChatTemplates(r);
    return r;
  }();
  return *reg;
}

std::vector<std::string> ChatTemplateNames() { return ChatTemplates().Names(); }

std::string RenderPrompt(const std::string& template_name, std::string_view problem,
                         const std::optional<std::string>& system) {
  const ChatTemplate& t = ChatTemplates().Get(template_name);
  if (system && !t.has_system)
    throw Error("chat template '" + template_name + "' has no system prompt", "--system",
                "drop the system prompt or use qwen25-math / qwen-chat");
  return t.render(problem, system);
}

std::string FormatMultipleChoice(std::string_view stem, const std::vector<std::string>& choices) {
  if (choices.size() > 26)
    throw Error("too many choices (" + std::to_string(choices.size()) + "; at most 26 letters)", "choices");
  std::string s(stem);
  s.append("\n\n");
  for (size_t i = 0; i < choices.size(); ++i) {
    s.push_back(static_cast<char>('A' + i));
    s.append(") ").append(choices[i]).push_back('\n');
  }
  return s;
}

}  // namespace upt::lm
