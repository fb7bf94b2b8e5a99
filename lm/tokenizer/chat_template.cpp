#include "lm/tokenizer/chat_template.h"

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/strings.h"

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

ChatTemplate MakeChatMl(const char* default_system, const char* marker) {
  ChatTemplate t;
  t.has_system = true;
  t.default_system = default_system;
  std::string def = default_system;
  t.render = [def](std::string_view problem, const std::optional<std::string>& system) {
    return ChatMl(system ? *system : def, problem);
  };
  t.stop = {"<|im_end|>", "<|endoftext|>"};
  t.end_tokens = {"<|im_end|>"};
  t.hf_markers = {"<|im_start|>", marker};
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

// LLaMA-3.1-Instruct's tokenizer_config.json template for [user] (no tools, no
// system message: an empty system turn after the knowledge-cutoff preamble, user
// content trimmed), without the leading bos_token.
ChatTemplate MakeLlama31Chat() {
  ChatTemplate t;
  t.has_system = true;
  t.render = [](std::string_view problem, const std::optional<std::string>& system) {
    std::string s = "<|start_header_id|>system<|end_header_id|>\n\n";
    s.append("Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n");
    if (system) s.append(Trim(*system));
    s.append("<|eot_id|>");
    s.append("<|start_header_id|>user<|end_header_id|>\n\n").append(Trim(problem)).append("<|eot_id|>");
    s.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
    return s;
  };
  t.stop = {"<|eot_id|>"};
  t.end_tokens = {"<|eot_id|>"};
  t.hf_markers = {"<|start_header_id|>", "Cutting Knowledge Date"};
  return t;
}

}  // namespace

void RegisterChatTemplates(Registry<ChatTemplate>* reg) {
  reg->Add("qwen25-math", MakeChatMl(kQwenMathSystem, "Please reason step by step, and put your final answer within"),
           "Qwen2.5-Math ChatML; default system: step by step + \\boxed{}");
  reg->Add("qwen-chat", MakeChatMl(kQwenChatSystem, "You are Qwen, created by Alibaba Cloud."), "Qwen2.5 ChatML; default system: You are Qwen...");
  reg->Add("plain", MakeVerbatim(), "the problem text as is");
  reg->Add("llama-qa", MakeLlamaQa(), "HPT's LLaMA 'Question: ... Answer: Let's think step by step.'");
  reg->Add("toy", MakeVerbatim(), "toy world prompt (problem text unchanged, e.g. 'Q: 1+2= A:')");
  reg->Add("llama31-chat", MakeLlama31Chat(), "LLaMA-3.1-Instruct headers; default system: none");
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

std::string MatchHfChatTemplate(std::string_view hf_template) {
  std::string best;
  size_t best_markers = 0;
  for (const auto& name : ChatTemplates().Names()) {
    const auto& markers = ChatTemplates().Get(name).hf_markers;
    if (markers.empty() || markers.size() <= best_markers) continue;
    bool all = true;
    for (const auto& m : markers) all = all && hf_template.find(m) != std::string_view::npos;
    if (all) {
      best = name;
      best_markers = markers.size();
    }
  }
  return best;
}

std::string ReadHfChatTemplate(const std::string& model_dir) {
  const std::string cfg_path = model_dir + "/tokenizer_config.json";
  if (FileExists(cfg_path)) {
    Json j = Json::parse(ReadFile(cfg_path), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error("invalid JSON", cfg_path);
    auto it = j.find("chat_template");
    if (it != j.end() && it->is_string()) return it->get<std::string>();
    if (it != j.end() && it->is_array())
      for (const auto& e : *it)
        if (e.is_object() && e.value("name", "") == "default" && e.contains("template") && e["template"].is_string())
          return e["template"].get<std::string>();
  }
  const std::string jinja = model_dir + "/chat_template.jinja";
  return FileExists(jinja) ? ReadFile(jinja) : std::string();
}

std::string ResolveChatTemplate(const std::string& model_dir, const std::string& requested) {
  if (!requested.empty() && requested != "auto") {
    ChatTemplates().Get(requested);  // throws listing the valid names
    return requested;
  }
  const std::string names = Join(ChatTemplateNames(), ", ");
  const std::string hf = ReadHfChatTemplate(model_dir);
  if (hf.empty())
    throw Error("the checkpoint has no chat template", model_dir + "/tokenizer_config.json: field 'chat_template'",
                "name one with --template (" + names + "); --template plain sends the problem text as is");
  std::string name = MatchHfChatTemplate(hf);
  if (name.empty())
    throw Error("the checkpoint's chat template is not one upt can render (no Jinja engine)",
                model_dir + "/tokenizer_config.json: field 'chat_template'",
                "name the equivalent one with --template (" + names + ")");
  return name;
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
