// Tokenizer pipeline: added tokens -> normalizer -> pre-tokenizer splits ->
// byte-level BPE; decode maps ids back through the ByteLevel decoder.
#include "lm/tokenizer/tokenizer.h"

#include <algorithm>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "lm/tokenizer/bpe.h"
#include "lm/tokenizer/normalize.h"
#include "lm/tokenizer/pretokenize.h"

namespace upt::lm {

namespace {

struct AddedToken {
  int32_t id = -1;
  std::string content;
  bool special = false, lstrip = false, rstrip = false;
};

const char* kHint = "upt supports byte-level BPE tokenizer.json files (Qwen2/2.5/3, GPT-2, Llama-3 style)";

bool IsJsTrimSpace(std::string_view s, size_t i, size_t* len) {
  int32_t cp;
  *len = DecodeUtf8(s, i, &cp);
  return ClassOf(cp) == CharClass::kSpace;
}

// JavaScript String.prototype.trimStart / trimEnd (used for lstrip/rstrip).
std::string_view TrimStartJs(std::string_view s) {
  size_t i = 0, len;
  while (i < s.size() && IsJsTrimSpace(s, i, &len)) i += len;
  return s.substr(i);
}
std::string_view TrimEndJs(std::string_view s) {
  size_t end = 0, i = 0, len;
  while (i < s.size()) {
    bool sp = IsJsTrimSpace(s, i, &len);
    i += len;
    if (!sp) end = i;
  }
  return s.substr(0, end);
}

std::string TypeOf(const Json& node) {
  auto it = node.find("type");
  return (it != node.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

}  // namespace

// Immutable after load (the BPE piece cache is internally synchronized), so
// copies of a Tokenizer share one state.
struct TokenizerState {
  std::string json_text;
  std::string file;
  std::unique_ptr<Normalizer> normalizer;
  std::vector<std::unique_ptr<Splitter>> splitters;  // applied in order, each refining pieces
  std::vector<std::string> split_patterns;           // source patterns of `splitters`
  bool add_prefix_space = false;
  BpeModel bpe;
  std::vector<AddedToken> added;                     // sorted by content length, longest first
  std::unordered_map<int32_t, size_t> added_by_id;   // id -> index in `added`
  bool first_byte[256] = {};
  int32_t vocab_size = 0;
  // post_processor TemplateProcessing "single": ids around sequence A.
  std::vector<int32_t> special_prefix, special_suffix;

  void ParsePreTokenizer(const Json& root);
  void AddPreTokenizerStep(const Json& node, const std::string& field, bool last);
  void ParseAddedTokens(const Json& root);
  void CheckDecoder(const Json& root);  // and reads the post_processor
  void ParsePostProcessor(const Json& node, const std::string& field);
  void ParseTemplate(const Json& node, const std::string& field);
  void EncodeSection(std::string_view text, std::vector<int32_t>* out) const;
  const AddedToken* MatchAdded(std::string_view text, size_t i) const;
};

void TokenizerState::AddPreTokenizerStep(const Json& node, const std::string& field, bool last) {
  std::string type = TypeOf(node);
  if (type == "Split") {
    auto pat = node.find("pattern");
    if (pat == node.end() || !pat->is_object() || !pat->contains("Regex") || !(*pat)["Regex"].is_string())
      throw Error("only Split pre-tokenizers with a Regex pattern are supported",
                  Where(file, 0, field + ".pattern"), kHint);
    auto behavior = node.find("behavior");
    if (behavior == node.end() || *behavior != "Isolated")
      throw Error("unsupported Split behavior (only \"Isolated\" is implemented)",
                  Where(file, 0, field + ".behavior"), kHint);
    auto invert = node.find("invert");
    if (invert != node.end() && invert->is_boolean() && invert->get<bool>())
      throw Error("Split with invert=true is not supported", Where(file, 0, field + ".invert"), kHint);
    std::string p = (*pat)["Regex"].get<std::string>();
    splitters.push_back(MakeSplitter(p, Where(file, 0, field + ".pattern.Regex")));
    split_patterns.push_back(p);
    return;
  }
  if (type == "ByteLevel") {
    if (!last)
      throw Error("ByteLevel must be the last pre-tokenizer", Where(file, 0, field), kHint);
    auto use_regex = node.find("use_regex");
    if (use_regex == node.end() || (use_regex->is_boolean() && use_regex->get<bool>())) {
      splitters.push_back(MakeSplitter(kGpt2SplitPattern, Where(file, 0, field)));
      split_patterns.push_back(kGpt2SplitPattern);
    }
    auto aps = node.find("add_prefix_space");
    if (aps != node.end() && aps->is_boolean() && aps->get<bool>()) {
      if (!splitters.empty() && split_patterns.front() != kGpt2SplitPattern)
        throw Error("add_prefix_space after a Split pre-tokenizer is not supported",
                    Where(file, 0, field + ".add_prefix_space"), kHint);
      add_prefix_space = true;
    }
    return;
  }
  throw Error("unsupported pre-tokenizer type '" + type + "'", Where(file, 0, field + ".type"),
              "supported: Split (Regex, Isolated), ByteLevel, Sequence of these");
}

void TokenizerState::ParsePreTokenizer(const Json& root) {
  auto it = root.find("pre_tokenizer");
  if (it == root.end() || it->is_null())
    throw Error("missing pre_tokenizer (a ByteLevel pre-tokenizer is required)",
                Where(file, 0, "pre_tokenizer"), kHint);
  if (TypeOf(*it) == "Sequence") {
    auto list = it->find("pretokenizers");
    if (list == it->end() || !list->is_array() || list->empty())
      throw Error("Sequence needs a non-empty 'pretokenizers' array",
                  Where(file, 0, "pre_tokenizer.pretokenizers"));
    for (size_t k = 0; k < list->size(); ++k)
      AddPreTokenizerStep((*list)[k], "pre_tokenizer.pretokenizers[" + std::to_string(k) + "]",
                          k + 1 == list->size());
    if (TypeOf(list->back()) != "ByteLevel")
      throw Error("the last pre-tokenizer must be ByteLevel",
                  Where(file, 0, "pre_tokenizer.pretokenizers"), kHint);
    return;
  }
  if (TypeOf(*it) != "ByteLevel")
    throw Error("unsupported pre-tokenizer type '" + TypeOf(*it) + "'", Where(file, 0, "pre_tokenizer.type"),
                "supported: ByteLevel, or Sequence of Split (Regex, Isolated) + ByteLevel");
  AddPreTokenizerStep(*it, "pre_tokenizer", true);
}

void TokenizerState::ParseAddedTokens(const Json& root) {
  auto it = root.find("added_tokens");
  if (it == root.end() || it->is_null()) return;
  if (!it->is_array()) throw Error("added_tokens must be an array", Where(file, 0, "added_tokens"));
  for (size_t k = 0; k < it->size(); ++k) {
    const Json& a = (*it)[k];
    std::string field = "added_tokens[" + std::to_string(k) + "]";
    AddedToken t;
    auto id = a.find("id");
    auto content = a.find("content");
    if (!a.is_object() || id == a.end() || !id->is_number_integer())
      throw Error("added token needs an integer id", Where(file, 0, field + ".id"));
    if (content == a.end() || !content->is_string())
      throw Error("added token needs a string content", Where(file, 0, field + ".content"));
    t.id = id->get<int32_t>();
    t.content = content->get<std::string>();
    auto flag = [&](const char* key) {
      auto f = a.find(key);
      return f != a.end() && f->is_boolean() && f->get<bool>();
    };
    t.special = flag("special");
    t.lstrip = flag("lstrip");
    t.rstrip = flag("rstrip");
    if (t.id < 0 || t.content.empty())
      throw Error("added token needs a non-negative id and non-empty content", Where(file, 0, field));
    added.push_back(std::move(t));
  }
  std::stable_sort(added.begin(), added.end(),
                   [](const AddedToken& a, const AddedToken& b) { return a.content.size() > b.content.size(); });
  for (size_t k = 0; k < added.size(); ++k) {
    added_by_id[added[k].id] = k;
    first_byte[static_cast<unsigned char>(added[k].content[0])] = true;
  }
}

void TokenizerState::CheckDecoder(const Json& root) {
  auto it = root.find("decoder");
  if (it == root.end() || it->is_null() || TypeOf(*it) != "ByteLevel")
    throw Error("unsupported decoder " + (it == root.end() ? std::string("(missing)") : it->dump()),
                Where(file, 0, "decoder"), "only the ByteLevel decoder is implemented");
  auto pp = root.find("post_processor");
  if (pp != root.end() && !pp->is_null()) ParsePostProcessor(*pp, "post_processor");
}

// post_processor: null | ByteLevel (offsets only: no ids) | TemplateProcessing |
// Sequence of these (HF tokenizers' processors/{byte_level,template,sequence}.rs).
void TokenizerState::ParsePostProcessor(const Json& node, const std::string& field) {
  const std::string t = TypeOf(node);
  if (t == "ByteLevel") return;
  if (t == "TemplateProcessing") return ParseTemplate(node, field);
  if (t == "Sequence") {
    auto list = node.find("processors");
    if (list == node.end() || !list->is_array())
      throw Error("Sequence needs a 'processors' list", Where(file, 0, field + ".processors"));
    for (size_t k = 0; k < list->size(); ++k)
      ParsePostProcessor((*list)[k], field + ".processors[" + std::to_string(k) + "]");
    return;
  }
  throw Error("unsupported post_processor type '" + t + "'", Where(file, 0, field + ".type"),
              "supported: ByteLevel, TemplateProcessing, Sequence, null");
}

// "single": [{"SpecialToken": {"id": NAME}} ..., {"Sequence": {"id": "A"}}, ...]; NAME's
// ids come from "special_tokens". Tokens before A are the prefix (LLaMA-3's
// <|begin_of_text|>), after A the suffix.
void TokenizerState::ParseTemplate(const Json& node, const std::string& field) {
  auto single = node.find("single");
  if (single == node.end() || !single->is_array())
    throw Error("TemplateProcessing needs a 'single' template", Where(file, 0, field + ".single"));
  const Json* specials = node.contains("special_tokens") ? &node["special_tokens"] : nullptr;
  bool seen_a = false;
  for (size_t k = 0; k < single->size(); ++k) {
    const Json& item = (*single)[k];
    const std::string at = field + ".single[" + std::to_string(k) + "]";
    if (item.contains("Sequence")) {
      if (seen_a) throw Error("the single template names a sequence twice", Where(file, 0, at));
      seen_a = true;
      continue;
    }
    if (!item.contains("SpecialToken") || !item["SpecialToken"].contains("id"))
      throw Error("expected {\"SpecialToken\": {...}} or {\"Sequence\": {...}}", Where(file, 0, at));
    const Json& name = item["SpecialToken"]["id"];
    if (!name.is_string() || !specials || !specials->contains(name.get<std::string>()))
      throw Error("special token " + name.dump() + " is not in special_tokens", Where(file, 0, at));
    const Json& ids = (*specials)[name.get<std::string>()]["ids"];
    if (!ids.is_array()) throw Error("special_tokens entry has no 'ids' list", Where(file, 0, field + ".special_tokens"));
    for (const auto& id : ids) (seen_a ? special_suffix : special_prefix).push_back(id.get<int32_t>());
  }
  if (!seen_a) throw Error("the single template has no {\"Sequence\": {\"id\": \"A\"}}", Where(file, 0, field + ".single"));
}

// Longest added token starting at text[i], or nullptr.
const AddedToken* TokenizerState::MatchAdded(std::string_view text, size_t i) const {
  if (!first_byte[static_cast<unsigned char>(text[i])]) return nullptr;
  for (const AddedToken& t : added)  // longest first
    if (text.compare(i, t.content.size(), t.content) == 0) return &t;
  return nullptr;
}

void TokenizerState::EncodeSection(std::string_view raw, std::vector<int32_t>* out) const {
  if (raw.empty()) return;
  std::string normalized;
  std::string_view text = raw;
  if (normalizer) {
    normalized = normalizer->Apply(raw);
    text = normalized;
  }
  if (add_prefix_space && (text.empty() || text[0] != ' ')) {
    normalized = " " + std::string(text);
    text = normalized;
  }
  if (text.empty()) return;
  std::vector<Piece> pieces{{0, static_cast<uint32_t>(text.size())}}, sub, next;
  for (const auto& sp : splitters) {
    next.clear();
    for (const Piece& p : pieces) {
      sp->Split(text.substr(p.begin, p.end - p.begin), &sub);
      for (const Piece& q : sub) next.push_back({p.begin + q.begin, p.begin + q.end});
    }
    pieces.swap(next);
  }
  for (const Piece& p : pieces) bpe.EncodePiece(text.substr(p.begin, p.end - p.begin), out);
}

struct Tokenizer::Impl {
  std::shared_ptr<TokenizerState> st;
};

Tokenizer::Tokenizer() : impl_(std::make_unique<Impl>()) { impl_->st = std::make_shared<TokenizerState>(); }
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::Tokenizer(const Tokenizer& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Tokenizer& Tokenizer::operator=(const Tokenizer& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}

Tokenizer Tokenizer::FromFile(const std::string& path) { return FromJsonText(ReadFile(path), path); }

Tokenizer Tokenizer::FromJsonText(std::string_view json, const std::string& where) {
  Tokenizer t;
  TokenizerState& im = *t.impl_->st;
  im.file = where;
  im.json_text = std::string(json);
  Json root;
  try {
    root = Json::parse(im.json_text);
  } catch (const std::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), where, "is this a Hugging Face tokenizer.json?");
  }
  if (!root.is_object())
    throw Error("tokenizer.json must be a JSON object", where, "is this a Hugging Face tokenizer.json?");
  auto model = root.find("model");
  if (model == root.end()) throw Error("missing field", Where(where, 0, "model"), kHint);
  im.bpe.Load(*model, where);
  auto norm = root.find("normalizer");
  if (norm != root.end()) im.normalizer = ParseNormalizer(*norm, where, "normalizer");
  im.ParsePreTokenizer(root);
  im.ParseAddedTokens(root);
  im.CheckDecoder(root);
  im.vocab_size = static_cast<int32_t>(im.bpe.id_to_token().size());
  for (const AddedToken& a : im.added) im.vocab_size = std::max(im.vocab_size, a.id + 1);
  return t;
}

std::vector<int32_t> Tokenizer::Encode(std::string_view text, bool allow_special) const {
  const TokenizerState& im = *impl_->st;
  std::vector<int32_t> out;
  out.reserve(text.size() / 3 + 4);
  if (!allow_special || im.added.empty()) {
    im.EncodeSection(text, &out);
    return out;
  }
  // Sections between added tokens; lstrip/rstrip trim the neighbouring
  // sections' whitespace as the reference does.
  size_t start = 0, i = 0;
  bool strip_next = false;
  while (i < text.size()) {
    const AddedToken* a = im.MatchAdded(text, i);
    if (!a) {
      ++i;
      continue;
    }
    std::string_view before = text.substr(start, i - start);
    if (strip_next) before = TrimStartJs(before);
    if (a->lstrip) before = TrimEndJs(before);
    im.EncodeSection(before, &out);
    out.push_back(a->id);
    strip_next = a->rstrip;
    i += a->content.size();
    start = i;
  }
  std::string_view rest = text.substr(start);
  if (strip_next) rest = TrimStartJs(rest);
  im.EncodeSection(rest, &out);
  return out;
}

std::vector<int32_t> Tokenizer::EncodeWithSpecialTokens(std::string_view text, bool allow_special) const {
  const TokenizerState& im = *impl_->st;
  std::vector<int32_t> out = im.special_prefix;
  auto body = Encode(text, allow_special);
  out.insert(out.end(), body.begin(), body.end());
  out.insert(out.end(), im.special_suffix.begin(), im.special_suffix.end());
  return out;
}

const std::vector<int32_t>& Tokenizer::SpecialPrefix() const { return impl_->st->special_prefix; }
const std::vector<int32_t>& Tokenizer::SpecialSuffix() const { return impl_->st->special_suffix; }

std::string Tokenizer::Decode(const std::vector<int32_t>& ids, bool skip_special) const {
  const TokenizerState& im = *impl_->st;
  std::string out;
  const auto& vocab = im.bpe.id_to_token();
  for (int32_t id : ids) {
    auto a = im.added_by_id.find(id);
    if (a != im.added_by_id.end()) {
      const AddedToken& t = im.added[a->second];
      if (!(skip_special && t.special)) out += t.content;
      continue;
    }
    if (id < 0 || static_cast<size_t>(id) >= vocab.size()) continue;  // unknown ids are skipped
    out += ByteLevelDecode(vocab[id]);
  }
  return out;
}

int32_t Tokenizer::TokenToId(std::string_view token) const {
  for (const AddedToken& a : impl_->st->added)
    if (a.content == token) return a.id;
  return impl_->st->bpe.Find(token);
}

std::string Tokenizer::IdToToken(int32_t id) const {
  auto a = impl_->st->added_by_id.find(id);
  if (a != impl_->st->added_by_id.end()) return impl_->st->added[a->second].content;
  const auto& vocab = impl_->st->bpe.id_to_token();
  if (id < 0 || static_cast<size_t>(id) >= vocab.size()) return "";
  return vocab[id];
}

int32_t Tokenizer::vocab_size() const { return impl_->st->vocab_size; }

bool Tokenizer::IsSpecial(int32_t id) const {
  auto a = impl_->st->added_by_id.find(id);
  return a != impl_->st->added_by_id.end() && impl_->st->added[a->second].special;
}

const std::string& Tokenizer::json_text() const { return impl_->st->json_text; }

}  // namespace upt::lm
