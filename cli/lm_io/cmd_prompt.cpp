// `upt prompt`: render problems with a named chat template (lm/tokenizer/chat_template.h).
//   upt prompt --list
//   upt prompt --template qwen25-math --problem "What is 1+1?"
//   upt prompt --template qwen25-math --in problems.jsonl [--out prompts.jsonl]
// JSONL input lines: a JSON string, or an object with "problem" (or "text") and
// optional "choices" (formatted "A) ...", LUFFY style). Output: {"prompt": ...} per line.
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/jsonl.h"
#include "lm/tokenizer/chat_template.h"

namespace upt::cli {
namespace {

struct PromptCliOptions {
  bool list = false;
  std::string chat_template = "qwen25-math";
  std::optional<std::string> system;
  std::optional<std::string> problem;
  std::string in;
  std::string out;
  template <class V>
  void ForEach(V&& v) {
    v("list", list, "list the chat templates");
    v("template", chat_template, "chat template name");
    v("system", system, "system prompt (default: the template's)");
    v("problem", problem, "one problem text (prints the raw prompt)");
    v("in", in, "JSONL of problems (strings or {\"problem\", \"choices\"})");
    v("out", out, "output JSONL of {\"prompt\": ...} (default: stdout)");
  }
};

std::string UserText(const JsonlRecord& rec, const std::string& file) {
  if (rec.value.is_string()) return rec.value.get<std::string>();
  if (!rec.value.is_object())
    throw Error("expected a JSON string or an object with \"problem\" or \"text\"", Where(file, rec.line));
  JsonSource src{file, rec.line};
  std::string text = rec.value.contains("problem") ? RequireString(rec.value, "problem", src)
                                                   : RequireString(rec.value, "text", src);
  auto choices = rec.value.find("choices");
  if (choices == rec.value.end() || choices->is_null()) return text;
  if (!choices->is_array())
    throw Error("choices must be an array of strings", Where(file, rec.line, "choices"));
  std::vector<std::string> list;
  for (const auto& c : *choices) {
    if (!c.is_string()) throw Error("choices must be an array of strings", Where(file, rec.line, "choices"));
    list.push_back(c.get<std::string>());
  }
  return lm::FormatMultipleChoice(text, list);
}

int RunPrompt(const PromptCliOptions& o) {
  if (o.list) {
    for (const auto& name : lm::ChatTemplateNames())
      fmt::print("{:<12} {}\n", name, lm::ChatTemplates().Help(name));
    return 0;
  }
  if (o.problem.has_value() == !o.in.empty())
    throw Error("give exactly one of --problem and --in", "upt prompt", "see upt prompt --help");
  if (o.problem) {
    fmt::print("{}", lm::RenderPrompt(o.chat_template, *o.problem, o.system));
    return 0;
  }
  lm::ChatTemplates().Get(o.chat_template);
  std::unique_ptr<AtomicWriter> file;
  if (!o.out.empty()) file = std::make_unique<AtomicWriter>(o.out);
  JsonlReader reader(o.in);
  JsonlRecord rec;
  while (reader.Next(&rec)) {
    if (!rec.error.empty()) throw Error(rec.error, Where(o.in, rec.line), "each line must be valid UTF-8 JSON");
    std::string line = DumpLine(OrderedJson{{"prompt", lm::RenderPrompt(o.chat_template, UserText(rec, o.in), o.system)}});
    if (file) file->WriteLine(line);
    else fmt::print("{}\n", line);
  }
  if (file) file->Commit();
  return 0;
}

RunFn SetupPrompt(CLI::App& app) {
  auto o = std::make_shared<PromptCliOptions>();
  AddOptions(app, *o);
  return [o] { return RunPrompt(*o); };
}

}  // namespace

UPT_COMMAND(prompt, "Render problems with a named chat template (qwen25-math, qwen-chat, plain, llama-qa, toy)",
            SetupPrompt);

}  // namespace upt::cli
