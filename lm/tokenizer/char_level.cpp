#include "lm/tokenizer/char_level.h"

#include <set>

#include "core/error.h"
#include "core/json.h"
#include "lm/tokenizer/normalize.h"

namespace upt::lm {
namespace {

OrderedJson ByteLevelNode() {
  OrderedJson n;
  n["type"] = "ByteLevel";
  n["add_prefix_space"] = false;
  n["trim_offsets"] = false;
  n["use_regex"] = false;
  return n;
}

}  // namespace

std::string MakeCharLevelTokenizerJson(const std::vector<std::string>& symbols,
                                       const std::vector<std::string>& special_tokens) {
  OrderedJson vocab = OrderedJson::object();
  OrderedJson merges = OrderedJson::array();
  OrderedJson added = OrderedJson::array();
  int next_id = 0;
  std::set<std::string> seen_symbols;
  auto add_vocab = [&](const std::string& token) {
    if (!vocab.contains(token)) vocab[token] = next_id++;
  };
  for (const std::string& sp : special_tokens) {
    if (sp.empty() || vocab.contains(sp)) throw Error("empty or duplicate special token '" + sp + "'", "special_tokens");
    OrderedJson a;
    a["id"] = next_id;
    a["content"] = sp;
    a["single_word"] = false;
    a["lstrip"] = false;
    a["rstrip"] = false;
    a["normalized"] = false;
    a["special"] = true;
    added.push_back(a);
    add_vocab(sp);
  }
  for (const std::string& s : symbols) {
    if (s.empty() || !seen_symbols.insert(s).second)
      throw Error("empty or duplicate symbol '" + s + "'", "symbols");
    for (char c : s) add_vocab(ByteToUnicode(static_cast<unsigned char>(c)));
  }
  std::set<std::pair<std::string, std::string>> seen_merges;
  for (const std::string& s : symbols) {
    std::string prefix = ByteToUnicode(static_cast<unsigned char>(s[0]));
    for (size_t i = 1; i < s.size(); ++i) {
      std::string next = ByteToUnicode(static_cast<unsigned char>(s[i]));
      if (seen_merges.insert({prefix, next}).second) merges.push_back(OrderedJson::array({prefix, next}));
      prefix += next;
      add_vocab(prefix);
    }
  }
  OrderedJson root;
  root["version"] = "1.0";
  root["truncation"] = nullptr;
  root["padding"] = nullptr;
  root["added_tokens"] = added;
  root["normalizer"] = nullptr;
  root["pre_tokenizer"] = ByteLevelNode();
  root["post_processor"] = ByteLevelNode();
  root["decoder"] = ByteLevelNode();
  OrderedJson model;
  model["type"] = "BPE";
  model["dropout"] = nullptr;
  model["unk_token"] = nullptr;
  model["continuing_subword_prefix"] = "";
  model["end_of_word_suffix"] = "";
  model["fuse_unk"] = false;
  model["byte_fallback"] = false;
  model["ignore_merges"] = false;
  model["vocab"] = vocab;
  model["merges"] = merges;
  root["model"] = model;
  return DumpPretty(root);
}

}  // namespace upt::lm
