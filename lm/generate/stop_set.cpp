#include "lm/generate/stop_set.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "core/fs.h"
#include "lm/io/qwen2_config.h"
#include "lm/model/checkpoint.h"
#include "lm/tokenizer/chat_template.h"

namespace upt::lm {
namespace {

class Collector {
 public:
  explicit Collector(const Tokenizer& tok) : tok_(tok) {}
  void AddId(int32_t id, const std::string& source) {
    if (id < 0) return;
    if (std::find(ids_.begin(), ids_.end(), id) == ids_.end()) ids_.push_back(id);
    id_sources_[id].push_back(source);
  }
  void AddString(const std::string& s, const std::string& source) {
    if (s.empty()) return;
    if (std::find(strings_.begin(), strings_.end(), s) == strings_.end()) strings_.push_back(s);
    string_sources_[s].push_back(source);
  }
  StopSet Finish() const {
    StopSet out;
    out.ids = ids_;
    out.strings = strings_;
    OrderedJson ids = OrderedJson::array(), strings = OrderedJson::array();
    for (int32_t id : ids_)
      ids.push_back(OrderedJson{{"id", id}, {"token", tok_.IdToToken(id)}, {"sources", id_sources_.at(id)}});
    for (const auto& s : strings_) strings.push_back(OrderedJson{{"string", s}, {"sources", string_sources_.at(s)}});
    out.provenance["stop_token_ids"] = ids;
    out.provenance["stop_strings"] = strings;
    return out;
  }

 private:
  const Tokenizer& tok_;
  std::vector<int32_t> ids_;
  std::vector<std::string> strings_;
  std::map<int32_t, std::vector<std::string>> id_sources_;
  std::map<std::string, std::vector<std::string>> string_sources_;
};

}  // namespace

bool EndsInStopString(const Tokenizer& tokenizer, const std::vector<int32_t>& tokens,
                      const std::vector<std::string>& stops) {
  size_t longest = 0;
  for (const auto& s : stops) longest = std::max(longest, s.size());
  if (longest == 0) return false;
  const size_t window = longest + 8;
  const size_t from = tokens.size() > window ? tokens.size() - window : 0;
  const std::string tail = tokenizer.Decode(std::vector<int32_t>(tokens.begin() + from, tokens.end()), false);
  for (const auto& s : stops)
    if (!s.empty() && tail.find(s) != std::string::npos) return true;
  return false;
}

std::string SampleText(const Tokenizer& tokenizer, const std::vector<int32_t>& body,
                       const std::vector<std::string>& stops) {
  std::string text = tokenizer.Decode(body, false);
  size_t cut = std::string::npos;
  for (const auto& s : stops)
    if (!s.empty()) cut = std::min(cut, text.find(s));
  if (cut != std::string::npos) text.resize(cut);
  std::vector<std::string> specials;
  for (int32_t id : body)
    if (tokenizer.IsSpecial(id)) specials.push_back(tokenizer.IdToToken(id));
  for (const auto& sp : specials) {
    if (sp.empty()) continue;
    for (size_t at = text.find(sp); at != std::string::npos; at = text.find(sp, at)) text.erase(at, sp.size());
  }
  return text;
}

int32_t TokenizerEosId(const std::string& model_dir, const Tokenizer& tokenizer) {
  const std::string path = model_dir + "/tokenizer_config.json";
  if (!FileExists(path)) return -1;
  Json j = Json::parse(ReadFile(path), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw Error("invalid JSON", path);
  auto it = j.find("eos_token");
  if (it == j.end()) return -1;
  std::string text;
  if (it->is_string()) text = it->get<std::string>();
  else if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
    text = (*it)["content"].get<std::string>();
  return text.empty() ? -1 : tokenizer.TokenToId(text);
}

StopSet BuildStopSet(const std::string& model_dir, const Tokenizer& tokenizer, const std::string& template_name,
                     const std::vector<int>& extra_ids, const std::vector<std::string>& extra_strings) {
  Collector c(tokenizer);
  auto cfg = io::LoadQwen2Config(model_dir + "/config.json");
  for (int id : LoadEosTokenIds(model_dir, cfg)) c.AddId(id, "generation_config");
  c.AddId(TokenizerEosId(model_dir, tokenizer), "tokenizer_eos");
  const ChatTemplate& t = ChatTemplates().Get(template_name);
  const std::string from_template = "template:" + template_name;
  for (const auto& tok : t.end_tokens) {
    const int32_t id = tokenizer.TokenToId(tok);
    if (id >= 0) c.AddId(id, from_template);
    else c.AddString(tok, from_template);
  }
  for (const auto& s : t.stop) c.AddString(s, from_template);
  for (int id : extra_ids) {
    if (id < 0 || id >= std::max(cfg.vocab_size, tokenizer.vocab_size()))
      throw Error("token id " + std::to_string(id) + " is outside the vocabulary", "--stop-token-ids");
    c.AddId(id, "--stop-token-ids");
  }
  for (const auto& s : extra_strings) c.AddString(s, "--stop");
  return c.Finish();
}

}  // namespace upt::lm
