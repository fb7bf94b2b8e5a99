// Chat templates as named, tested renderers (no Jinja engine). Each renders a
// single-turn prompt for one problem, ending where the model's answer begins
// (the `add_generation_prompt=True` form of the Hugging Face templates).
//
//   qwen25-math  Qwen2.5-Math chat format, default system prompt
//                "Please reason step by step, and put your final answer within \boxed{}."
//   qwen-chat    Qwen2.5 chat format, default system prompt
//                "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
//   plain        the problem text as is
//   llama-qa     "Question:\n{q}\nPlease reason step by step, and put your final answer
//                within \boxed{}.\nAnswer:\nLet's think step by step." (HPT's LLaMA prompt,
//                hpt_spec.md §7.2)
//   toy          the toy world's prompt: the problem text unchanged ("Q: 75+20-2*5-82= A:")
//   llama31-chat LLaMA-3.1-Instruct header format (system header with the knowledge-cutoff
//                preamble, user turn, assistant header); bos is not rendered (the
//                caller prepends it, see PrependsBos)
//
// A template declares the special tokens that end the model's turn (`end_tokens`:
// <|im_end|> for ChatML, <|eot_id|> for LLaMA-3.1); generation stops on them
// whatever the checkpoint's generation_config.json lists (lm/generate/stop_set.h).
// upt has no Jinja engine: a checkpoint's own tokenizer_config.json `chat_template`
// is recognised by marker substrings (`hf_markers`) and mapped to its renderer.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/registry.h"

namespace upt::lm {

struct ChatTemplate {
  // Renders (problem, system or nullopt for the default) to the prompt text.
  std::function<std::string(std::string_view problem, const std::optional<std::string>& system)> render;
  bool has_system = false;             // false: passing a system prompt is an error
  std::string default_system;          // used when has_system and none is given
  std::vector<std::string> stop;       // strings that end the model's turn (besides EOS)
  std::vector<std::string> end_tokens; // special tokens that end the model's turn
  // All of these occur in the Hugging Face chat_template this renderer reproduces;
  // empty = never matched automatically (plain, llama-qa, toy).
  std::vector<std::string> hf_markers;
};

// Fills `reg` with the templates above (explicit registration, see core/registry.h).
void RegisterChatTemplates(Registry<ChatTemplate>* reg);
// The process-wide registry (filled on first use).
const Registry<ChatTemplate>& ChatTemplates();
std::vector<std::string> ChatTemplateNames();

// Renders `problem` with the named template. `system` overrides the default
// system prompt (used verbatim, even when empty). Throws upt::Error listing the
// valid names for an unknown template, or when a system prompt is given to a
// template without one.
std::string RenderPrompt(const std::string& template_name, std::string_view problem,
                         const std::optional<std::string>& system = std::nullopt);

// The registered template whose hf_markers all occur in `hf_template` (a Jinja
// chat_template string), or "" when none does. The most specific match wins
// (most markers).
std::string MatchHfChatTemplate(std::string_view hf_template);

// The checkpoint's chat template as a Jinja string: tokenizer_config.json's
// `chat_template` (a string, or a list of {name, template} where "default" is
// taken), else chat_template.jinja; "" when the checkpoint has none.
std::string ReadHfChatTemplate(const std::string& model_dir);

// `requested` when non-empty and not "auto" (validated against the registry); else the template
// matching the checkpoint's own chat_template. Throws upt::Error naming the file
// and listing the --template names when the checkpoint has none or it is not one
// upt can render.
std::string ResolveChatTemplate(const std::string& model_dir, const std::string& requested);

// Multiple-choice user text in LUFFY's ARC-c layout:
//   "{stem}\n\nA) {c0}\nB) {c1}\n..." (each choice line ends with '\n').
// Throws upt::Error for more than 26 choices.
std::string FormatMultipleChoice(std::string_view stem, const std::vector<std::string>& choices);

}  // namespace upt::lm
