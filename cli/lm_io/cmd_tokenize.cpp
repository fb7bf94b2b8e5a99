// `upt tokenize`: encode JSONL texts to token ids with a tokenizer.json, or
// decode ids back to text (--decode).
//   in  (encode): each line a JSON string or {"text": "..."}
//   out (encode): {"ids": [...]} per input line
//   in  (decode): each line {"ids": [...]} or a JSON array of ids
//   out (decode): {"text": "..."} per input line
// A bad line is an error naming file:line (exit 2).
#include <cstdio>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/jsonl.h"
#include "core/strings.h"
#include "lm/tokenizer/chat_template.h"
#include "lm/tokenizer/tokenizer.h"

namespace upt::cli {
namespace {

struct TokenizeCliOptions {
  std::string tokenizer;  // tokenizer.json or a directory holding one
  std::string in;
  std::string out;        // "" = stdout
  bool decode = false;
  bool no_special = false;    // encode: do not match added/special tokens in the text
  bool skip_special = false;  // decode: drop special tokens
  std::string chat_template;  // encode: render each text with this template first
  std::optional<std::string> system;
};

std::string TokenizerPath(const std::string& p) {
  if (FileExists(p + "/tokenizer.json")) return p + "/tokenizer.json";
  return p;
}

std::string LineText(const JsonlRecord& rec, const std::string& file) {
  if (rec.value.is_string()) return rec.value.get<std::string>();
  if (rec.value.is_object()) return RequireString(rec.value, "text", {file, rec.line});
  throw Error("expected a JSON string or an object with \"text\"", Where(file, rec.line),
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

int RunTokenize(const TokenizeCliOptions& o) {
  lm::Tokenizer tok = lm::Tokenizer::FromFile(TokenizerPath(o.tokenizer));
  if (!o.chat_template.empty()) lm::ChatTemplates().Get(o.chat_template);  // fail fast on a bad name
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
      if (!o.chat_template.empty()) text = lm::RenderPrompt(o.chat_template, text, o.system);
      out.Line(DumpLine(OrderedJson{{"ids", tok.Encode(text, !o.no_special)}}));
    }
    ++n;
  }
  out.Commit();
  if (!o.out.empty()) std::fprintf(stderr, "upt tokenize: %ld lines -> %s\n", n, o.out.c_str());
  return 0;
}

RunFn SetupTokenize(CLI::App& app) {
  auto o = std::make_shared<TokenizeCliOptions>();
  app.add_option("--tokenizer", o->tokenizer, "tokenizer.json, or a model directory containing one")
      ->required();
  app.add_option("--in", o->in, "input JSONL (texts, or ids with --decode)")->required();
  app.add_option("--out", o->out, "output JSONL (default: stdout)");
  app.add_flag("--decode", o->decode, "decode {\"ids\": [...]} lines to {\"text\": ...}");
  app.add_flag("--no-special", o->no_special, "encode special/added tokens in the text as plain text");
  app.add_flag("--skip-special", o->skip_special, "decode: drop special tokens");
  app.add_option("--template", o->chat_template,
                 "encode: render each text with a chat template first (" + Join(lm::ChatTemplateNames(), ", ") + ")");
  app.add_option("--system", o->system, "system prompt for --template (default: the template's)");
  return [o] { return RunTokenize(*o); };
}

}  // namespace

UPT_COMMAND(tokenize, "Encode JSONL texts to token ids (or --decode ids to text) with a tokenizer.json",
            SetupTokenize);

}  // namespace upt::cli
