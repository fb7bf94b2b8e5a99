#include "train/loop/prompt.h"

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "lm/tokenizer/chat_template.h"

namespace upt::train {
namespace {

int32_t FirstPresent(const lm::Tokenizer& tok, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    int32_t id = tok.TokenToId(n);
    if (id >= 0) return id;
  }
  return -1;
}

}  // namespace

PromptFormat::PromptFormat(std::string template_name, const lm::Tokenizer* tokenizer)
    : name_(std::move(template_name)), tok_(tokenizer) {
  const bool toy_vocab = tok_->TokenToId("\\boxed{") >= 0 && tok_->TokenToId("<eos>") >= 0;
  if (name_ == "auto") name_ = toy_vocab ? "toy" : "qwen25-math";
  lm::ChatTemplates().Get(name_);  // throws listing the valid names
  bos_ = FirstPresent(*tok_, {"<bos>", "<|begin_of_text|>"});
  const bool chatml = name_ == "qwen25-math" || name_ == "qwen-chat";
  if (chatml) eos_ = FirstPresent(*tok_, {"<|im_end|>", "<|eot_id|>", "<eos>", "<|endoftext|>"});
  else eos_ = FirstPresent(*tok_, {"<eos>", "<|endoftext|>", "<|end_of_text|>", "</s>"});
  if (eos_ < 0)
    throw Error("the tokenizer has no end-of-sequence token", "model.path",
                "expected one of <eos>, <|endoftext|>, <|im_end|>, </s>");
}

std::vector<int32_t> PromptFormat::Prompt(const std::string& problem) const {
  std::string text = lm::RenderPrompt(name_, problem);
  const bool chatml = name_ == "qwen25-math" || name_ == "qwen-chat";
  if (name_ == "toy") text += " ";
  std::vector<int32_t> ids;
  if (bos_ >= 0 && !chatml) ids.push_back(bos_);
  auto body = tok_->Encode(text, /*allow_special=*/chatml);
  ids.insert(ids.end(), body.begin(), body.end());
  return ids;
}

std::vector<int32_t> PromptFormat::Demonstration(const std::string& target, int max_tokens) const {
  std::vector<int32_t> ids = tok_->Encode(target, /*allow_special=*/false);
  if (static_cast<int>(ids.size()) >= max_tokens) ids.resize(std::max(0, max_tokens - 1));
  ids.push_back(demo_eos_ >= 0 ? demo_eos_ : eos_);
  return ids;
}

void PromptFormat::UseTokenizerEos(const std::string& model_dir) {
  const std::string path = model_dir + "/tokenizer_config.json";
  if (!FileExists(path)) return;
  const Json j = Json::parse(ReadFile(path), nullptr, false);
  if (!j.is_object() || !j.contains("eos_token")) return;
  const Json& e = j["eos_token"];
  const std::string name = e.is_string() ? e.get<std::string>() : (e.is_object() && e.contains("content") ? e["content"].get<std::string>() : "");
  const int32_t id = name.empty() ? -1 : tok_->TokenToId(name);
  if (id >= 0) demo_eos_ = id;
}

std::vector<std::string> PromptFormat::stop() const { return lm::ChatTemplates().Get(name_).stop; }

}  // namespace upt::train
