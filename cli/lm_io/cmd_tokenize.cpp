// `upt tokenize`: encode JSONL texts to token ids with a tokenizer.json, or
// decode ids back to text (--decode).
//   in  (encode): each line a JSON string, {"text": "..."} or {"problem": "..."}
//   out (encode): {"ids": [...]} per input line, wrapped in the post_processor's special
//                 tokens (HF add_special_tokens=True) unless --no-special-tokens or --template
//   in  (decode): each line {"ids": [...]} or a JSON array of ids
//   out (decode): {"text": "..."} per input line
// A bad line is an error naming file:line (exit 2).
#include <cstdio>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/jsonl.h"
#include "core/strings.h"
#include "lm/tokenizer/chat_template.h"
#include "lm/tokenizer/normalize.h"
#include "lm/tokenizer/tokenizer.h"

namespace upt::cli {
namespace {

struct TokenizeCliOptions {
  std::string tokenizer;  // tokenizer.json or a directory holding one
  std::string in;
  std::string out;        // "" = stdout
  bool decode = false;
  bool no_special = false;    // encode: do not match added/special tokens in the text
  bool no_special_tokens = false;  // encode: do not add the post_processor's tokens (e.g. LLaMA-3 BOS)
  bool skip_special = false;  // decode: drop special tokens
  std::string chat_template;  // encode: render each text with this template first
  std::optional<std::string> system;
  template <class V>
  void ForEach(V&& v) {
    v("tokenizer", tokenizer, "tokenizer.json, or a model directory containing one", kOptRequired);
    v("in", in, "input JSONL (texts, or ids with --decode)", kOptRequired);
    v("out", out, "output JSONL (default: stdout)");
    v("decode", decode, "decode {\"ids\": [...]} lines to {\"text\": ...}");
    v("no_special", no_special, "encode special/added tokens in the text as plain text");
    v("no_special_tokens", no_special_tokens,
      "encode: do not add tokenizer.json's post_processor tokens (LLaMA-3's <|begin_of_text|>); "
      "HF add_special_tokens=False");
    v("skip_special", skip_special, "decode: drop special tokens");
    v("template", chat_template, "encode: render each text with a chat template first (see `upt prompt --list`)");
    v("system", system, "system prompt for --template (default: the template's)");
  }
};

std::string TokenizerPath(const std::string& p) {
  if (FileExists(p + "/tokenizer.json")) return p + "/tokenizer.json";
  return p;
}

std::string LineText(const JsonlRecord& rec, const std::string& file) {
  if (rec.value.is_string()) return rec.value.get<std::string>();
  // Same input fields as `upt prompt`: "text", else "problem".
  if (rec.value.is_object())
    return RequireString(rec.value, rec.value.contains("text") || !rec.value.contains("problem") ? "text" : "problem",
                         {file, rec.line});
  throw Error("expected a JSON string or an object with \"text\" or \"problem\"", Where(file, rec.line),
              "write one text per line, e.g. \"2+2=\" or {\"text\": \"2+2=\"}");
}

std::vector<int32_t> LineIds(const JsonlRecord& rec, const std::string& file) {
  const Json* arr = &rec.value;
  if (rec.value.is_object()) arr = &RequireField(rec.value, "ids", {file, rec.line});
  if (!arr->is_array())
    throw Error("expected a JSON array of ids or an object with \"ids\"", Where(file, rec.line, "ids"),
                "write one id list per line, e.g. {\"ids\": [1, 2]}");
  std::vector<int32_t> ids;
  ids.reserve(arr->size());
  for (size_t i = 0; i < arr->size(); ++i) {
    const Json& v = (*arr)[i];
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > INT32_MAX)
      throw Error("id " + std::to_string(i) + " is not a non-negative integer: " + v.dump(),
                  Where(file, rec.line, "ids"));
    ids.push_back(v.get<int32_t>());
  }
  return ids;
}

class Output {
 public:
  explicit Output(const std::string& path) {
    if (!path.empty()) file_ = std::make_unique<AtomicWriter>(path);
  }
  void Line(const std::string& s) {
    if (file_) file_->WriteLine(s);
    else WriteStdout(s + "\n");
  }
  void Commit() {
    if (file_) file_->Commit();
  }

 private:
  std::unique_ptr<AtomicWriter> file_;
};

// True when the vocabulary has a token for every byte (the byte-level alphabet), so
// byte-level BPE keeps every character of any text.
bool CoversEveryByte(const lm::Tokenizer& tok) {
  for (int b = 0; b < 256; ++b)
    if (tok.TokenToId(lm::ByteToUnicode(static_cast<unsigned char>(b))) < 0) return false;
  return true;
}

// A vocabulary without some bytes and without an unk_token (the toy tokenizer)
// drops what it cannot encode, as HF's BPE does; the command refuses such a text
// instead of writing ids that silently lose characters.
void RequireNothingDropped(const lm::Tokenizer& tok, const std::string& text, bool allow_special,
                           const std::string& file, long line) {
  if (tok.Decode(tok.Encode(text, allow_special), false) == text) return;
  std::string missing;
  for (unsigned char c : text)
    if (tok.TokenToId(lm::ByteToUnicode(c)) < 0 && missing.size() < 40) missing += static_cast<char>(c);
  throw Error("characters of this text have no token in the tokenizer's vocabulary and would be dropped" +
                  (missing.empty() ? std::string() : ": '" + missing + "'"),
              Where(file, line, "text"), "use a tokenizer whose vocabulary covers the text (the toy tokenizer knows only the toy world's symbols)");
}

int RunTokenize(const TokenizeCliOptions& o) {
  lm::Tokenizer tok = lm::Tokenizer::FromFile(TokenizerPath(o.tokenizer));
  if (!o.chat_template.empty()) lm::ChatTemplates().Get(o.chat_template);  // fail fast on a bad name
  const bool complete_vocab = CoversEveryByte(tok);
  JsonlReader reader(o.in);
  Output out(o.out);
  JsonlRecord rec;
  long n = 0;
  while (reader.Next(&rec)) {
    if (!rec.error.empty())
      throw Error(rec.error, Where(o.in, rec.line), "each line must be valid UTF-8 JSON");
    if (o.decode) {
      std::string text = tok.Decode(LineIds(rec, o.in), o.skip_special);
      out.Line(DumpLine(OrderedJson{{"text", text}}));
    } else {
      std::string text = LineText(rec, o.in);
      // As HF: add_special_tokens=True for plain text; a rendered chat template already
      // holds its special tokens (apply_chat_template tokenizes without adding any).
      const bool add = !o.no_special_tokens && o.chat_template.empty();
      if (!o.chat_template.empty()) text = lm::RenderPrompt(o.chat_template, text, o.system);
      if (!complete_vocab) RequireNothingDropped(tok, text, !o.no_special, o.in, rec.line);
      auto ids = add ? tok.EncodeWithSpecialTokens(text, !o.no_special) : tok.Encode(text, !o.no_special);
      out.Line(DumpLine(OrderedJson{{"ids", ids}}));
    }
    ++n;
  }
  out.Commit();
  if (!o.out.empty()) std::fprintf(stderr, "upt tokenize: %ld lines -> %s\n", n, o.out.c_str());
  return 0;
}

RunFn SetupTokenize(CLI::App& app) {
  auto o = std::make_shared<TokenizeCliOptions>();
  AddOptions(app, *o);
  app.get_option("--template")->description(
      "encode: render each text with a chat template first (" + Join(lm::ChatTemplateNames(), ", ") + ")");
  return [o] { return RunTokenize(*o); };
}

}  // namespace

UPT_COMMAND(tokenize, "Encode JSONL texts to token ids (or --decode ids to text) with a tokenizer.json",
            SetupTokenize);

}  // namespace upt::cli
