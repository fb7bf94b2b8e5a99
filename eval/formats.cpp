// JSON Lines sample formats. Each parse function reads one JSON object and
// appends its samples; a field problem throws FormatError (reported per line).
#include <stdexcept>

#include "core/error.h"
#include "core/json_path.h"
#include "core/jsonl.h"
#include "core/strings.h"
#include "eval/formats_internal.h"

namespace upt::eval::formats {

namespace {

std::string DescribeType(const Json& j) { return j.type_name(); }

}  // namespace

const Json* GetPath(const Json& obj, const std::string& dotted) { return JsonAtPath(obj, dotted); }

const Json* FirstField(const Json& obj, std::initializer_list<const char*> names, std::string* which) {
  for (const char* n : names) {
    auto it = obj.find(n);
    if (it != obj.end() && !it->is_null()) {
      if (which) *which = n;
      return &*it;
    }
  }
  return nullptr;
}

std::string IdString(const Json& j, const std::string& field) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return std::to_string(j.get<long long>());
  throw FormatError("field '" + field + "' must be a string or an integer, got " + DescribeType(j));
}

void AppendTexts(const Json& j, const std::string& field, std::vector<std::string>* out) {
  if (j.is_string()) {
    out->push_back(j.get<std::string>());
  } else if (j.is_array()) {
    for (const auto& e : j) AppendTexts(e, field, out);
  } else if (j.is_null()) {
    out->push_back("");
  } else {
    throw FormatError("field '" + field + "' must be a string or a list of strings, got " + DescribeType(j));
  }
}

long long IndexValue(const Json& j, const std::string& field) {
  if (!j.is_number_integer() || j.get<long long>() < 0)
    throw FormatError("field '" + field + "' must be a non-negative integer");
  return j.get<long long>();
}

namespace {

std::string OptStr(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) throw FormatError(std::string("field '") + field + "' must be a string");
  return it->get<std::string>();
}

long long OptCount(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return -1;
  if (!it->is_number_integer()) throw FormatError(std::string("field '") + field + "' must be an integer");
  return it->get<long long>();
}

// {"problem_id", "sample_index"?, "text", "finish_reason"?, "num_tokens"?}
void ParseUpt(const Json& j, const FieldMap&, std::vector<RawSample>* out) {
  RawSample s;
  auto id = j.find("problem_id");
  if (id == j.end()) throw FormatError("missing field 'problem_id'");
  s.id = IdString(*id, "problem_id");
  auto idx = j.find("sample_index");
  if (idx != j.end() && !idx->is_null()) s.sample_index = IndexValue(*idx, "sample_index");
  auto text = j.find("text");
  if (text == j.end()) throw FormatError("missing field 'text'");
  if (!text->is_string() && !text->is_null()) throw FormatError("field 'text' must be a string");
  s.text = text->is_string() ? text->get<std::string>() : "";
  s.finish_reason = OptStr(j, "finish_reason");
  s.num_tokens = OptCount(j, "num_tokens");
  out->push_back(std::move(s));
}

// DeepMath / Qwen style: one line per problem with a list of responses.
void ParsePerProblem(const Json& j, const FieldMap& fm, std::vector<RawSample>* out) {
  std::string id, prompt, which;
  if (!fm.id_field.empty()) {
    const Json* v = GetPath(j, fm.id_field);
    if (!v) throw FormatError("missing field '" + fm.id_field + "'");
    id = IdString(*v, fm.id_field);
  } else if (const Json* v = FirstField(j, {"problem_id", "id", "unique_id", "idx"}, &which)) {
    id = IdString(*v, which);
  }
  if (const Json* v = FirstField(j, {"problem", "question", "prompt"}, &which); v && v->is_string())
    prompt = v->get<std::string>();
  std::vector<std::string> texts;
  if (!fm.text_field.empty()) {
    const Json* v = GetPath(j, fm.text_field);
    if (!v) throw FormatError("missing field '" + fm.text_field + "'");
    AppendTexts(*v, fm.text_field, &texts);
  } else if (const Json* v = FirstField(j, {"responses", "response", "code", "completions", "generations"}, &which)) {
    AppendTexts(*v, which, &texts);
  } else {
    throw FormatError("no response list (looked for responses, response, code, completions, generations)");
  }
  if (id.empty() && prompt.empty()) throw FormatError("no id (problem_id, id, unique_id, idx) and no problem text");
  std::vector<std::string> finish;
  if (const Json* v = FirstField(j, {"finish_reason", "finish_reasons"}, &which)) AppendTexts(*v, which, &finish);
  const Json* lengths = FirstField(j, {"response_length", "response_lengths", "num_tokens"}, &which);
  for (size_t i = 0; i < texts.size(); ++i) {
    RawSample s;
    s.id = id;
    s.prompt = prompt;
    s.sample_index = static_cast<long long>(i);
    s.text = std::move(texts[i]);
    if (i < finish.size()) s.finish_reason = finish[i];
    if (lengths && lengths->is_array() && i < lengths->size() && (*lengths)[i].is_number_integer())
      s.num_tokens = (*lengths)[i].get<long long>();
    out->push_back(std::move(s));
  }
}

// vLLM RequestOutput as JSON: {"prompt", "outputs": [{"index", "text", "finish_reason", "token_ids"}]}.
void ParseVllm(const Json& j, const FieldMap&, std::vector<RawSample>* out) {
  std::string id, which;
  if (const Json* v = FirstField(j, {"problem_id", "id"}, &which)) id = IdString(*v, which);
  std::string prompt = OptStr(j, "prompt");
  if (id.empty() && prompt.empty()) throw FormatError("missing field 'prompt'");
  auto outputs = j.find("outputs");
  if (outputs == j.end() || !outputs->is_array()) throw FormatError("field 'outputs' must be a list");
  for (const auto& o : *outputs) {
    if (!o.is_object()) throw FormatError("'outputs' entries must be objects");
    RawSample s;
    s.id = id;
    s.prompt = prompt;
    auto text = o.find("text");
    if (text == o.end() || !(text->is_string() || text->is_null())) throw FormatError("missing field 'outputs[].text'");
    s.text = text->is_string() ? text->get<std::string>() : "";
    s.finish_reason = OptStr(o, "finish_reason");
    auto tok = o.find("token_ids");
    if (tok != o.end() && tok->is_array()) s.num_tokens = static_cast<long long>(tok->size());
    out->push_back(std::move(s));
  }
}

// Splits "name-12" / "name_12" / "name#12" / "name:12" / "name/12" into ("name", 12).
bool SplitIndexSuffix(const std::string& id, std::string* base, long long* index) {
  size_t p = id.find_last_of("-_#:/");
  if (p == std::string::npos || p == 0 || p + 1 >= id.size()) return false;
  long long v = 0;
  if (!ParseInt64(std::string_view(id).substr(p + 1), &v) || v < 0) return false;
  *base = id.substr(0, p);
  *index = v;
  return true;
}

// OpenAI / vLLM batch output: {"custom_id", "response": {"body": {"choices": [...]}}, "error"}.
void ParseOpenAiBatch(const Json& j, const FieldMap&, std::vector<RawSample>* out) {
  auto cid = j.find("custom_id");
  if (cid == j.end()) throw FormatError("missing field 'custom_id'");
  std::string id = IdString(*cid, "custom_id");
  auto err = j.find("error");
  if (err != j.end() && !err->is_null()) throw FormatError("request failed: " + DumpLine(*err));
  const Json* choices = GetPath(j, "response.body.choices");
  if (!choices || !choices->is_array()) throw FormatError("missing field 'response.body.choices'");
  std::string base;
  long long suffix = -1;
  bool has_suffix = SplitIndexSuffix(id, &base, &suffix);
  const Json* usage = GetPath(j, "response.body.usage.completion_tokens");
  for (size_t i = 0; i < choices->size(); ++i) {
    const Json& c = (*choices)[i];
    RawSample s;
    s.id = id;
    if (has_suffix) {
      s.alt_id = base;
      s.alt_index = choices->size() == 1 ? suffix : -1;
    }
    const Json* content = GetPath(c, "message.content");
    if (!content) content = GetPath(c, "text");
    if (!content || !(content->is_string() || content->is_null()))
      throw FormatError("missing field 'choices[].message.content'");
    s.text = content->is_string() ? content->get<std::string>() : "";
    s.finish_reason = OptStr(c, "finish_reason");
    if (choices->size() == 1 && usage && usage->is_number_integer()) s.num_tokens = usage->get<long long>();
    out->push_back(std::move(s));
  }
}

// verl validation dump: {"input", "output", "gts", "score"}.
void ParseVerl(const Json& j, const FieldMap&, std::vector<RawSample>* out) {
  RawSample s;
  s.prompt = OptStr(j, "input");
  if (s.prompt.empty()) throw FormatError("missing field 'input'");
  auto o = j.find("output");
  if (o == j.end() || !(o->is_string() || o->is_null())) throw FormatError("missing field 'output'");
  s.text = o->is_string() ? o->get<std::string>() : "";
  out->push_back(std::move(s));
}

// lm-evaluation-harness --log_samples: {"doc_id", "doc": {...}, "resps": [[...]], "target"}.
void ParseLmEval(const Json& j, const FieldMap&, std::vector<RawSample>* out) {
  auto doc = j.find("doc");
  std::string id, prompt, which;
  if (doc != j.end() && doc->is_object()) {
    if (const Json* v = FirstField(*doc, {"problem_id", "id", "unique_id"}, &which)) id = IdString(*v, which);
    if (const Json* v = FirstField(*doc, {"problem", "question", "Question", "input"}, &which); v && v->is_string())
      prompt = v->get<std::string>();
  }
  if (id.empty() && prompt.empty()) throw FormatError("field 'doc' has no id and no problem text");
  auto resps = j.find("resps");
  if (resps == j.end()) throw FormatError("missing field 'resps'");
  std::vector<std::string> texts;
  AppendTexts(*resps, "resps", &texts);
  for (size_t i = 0; i < texts.size(); ++i) {
    RawSample s;
    s.id = id;
    s.prompt = prompt;
    s.text = std::move(texts[i]);
    out->push_back(std::move(s));
  }
}

// Any JSON Lines with --id-field / --text-field [/ --index-field].
void ParseMapped(const Json& j, const FieldMap& fm, std::vector<RawSample>* out) {
  if (fm.id_field.empty() || fm.text_field.empty())
    throw FormatError("format 'jsonl' needs --id-field and --text-field");
  const Json* id = GetPath(j, fm.id_field);
  if (!id) throw FormatError("missing field '" + fm.id_field + "'");
  const Json* text = GetPath(j, fm.text_field);
  if (!text) throw FormatError("missing field '" + fm.text_field + "'");
  std::vector<std::string> texts;
  AppendTexts(*text, fm.text_field, &texts);
  long long base = -1;
  if (!fm.index_field.empty()) {
    const Json* v = GetPath(j, fm.index_field);
    if (!v) throw FormatError("missing field '" + fm.index_field + "'");
    base = IndexValue(*v, fm.index_field);
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    RawSample s;
    s.id = IdString(*id, fm.id_field);
    s.sample_index = base < 0 ? -1 : base + static_cast<long long>(i);
    s.text = std::move(texts[i]);
    out->push_back(std::move(s));
  }
}

class JsonlSampleReader : public SampleReader {
 public:
  JsonlSampleReader(const std::string& path, FieldMap fields, JsonParseFn fn, FastParseFn fast)
      : lines_(path), fields_(std::move(fields)), fn_(fn), fast_(fast) {}
  bool ReadBatch(std::vector<RawRecord>* out, size_t max) override {
    size_t start = out->size();
    std::string line;
    while (out->size() - start < max && lines_.Next(&line)) {
      if (Trim(line).empty()) continue;
      if (fast_) line.reserve(line.size() + FastParsePadding());
      out->push_back({lines_.line_number(), std::move(line)});
      line.clear();
    }
    return out->size() > start;
  }
  void Parse(const RawRecord& rec, ParsedRecord* out) const override {
    out->samples.clear();
    out->error.clear();
    if (fast_ && fast_(rec.text, &out->samples)) return;
    out->samples.clear();
    size_t bad = 0;
    if (!IsValidUtf8(rec.text, &bad)) {
      out->error = "invalid UTF-8 at byte " + std::to_string(bad);
      return;
    }
    Json j = Json::parse(rec.text, nullptr, false);
    if (j.is_discarded()) {
      out->error = "invalid JSON";
      return;
    }
    if (!j.is_object()) {
      out->error = "expected a JSON object";
      return;
    }
    try {
      fn_(j, fields_, &out->samples);
    } catch (const FormatError& e) {
      out->samples.clear();
      out->error = e.what();
    }
  }
  long long bytes_read() const override { return lines_.bytes_read(); }

 private:
  LineReader lines_;
  FieldMap fields_;
  JsonParseFn fn_;
  FastParseFn fast_;
};

}  // namespace

std::unique_ptr<SampleReader> OpenJsonl(const std::string& path, const FieldMap& fields, JsonParseFn fn,
                                        FastParseFn fast) {
  return std::make_unique<JsonlSampleReader>(path, fields, fn, fast);
}

const std::vector<JsonFormat>& JsonFormats() {
  // Detection order matters: the first whose `detect` accepts the first record wins.
  static const std::vector<JsonFormat> kFormats = {
      {"openai_batch", "OpenAI / vLLM batch output (custom_id, response.body.choices[].message.content)", ParseOpenAiBatch,
       [](const Json& j) { return j.contains("custom_id") && j.contains("response"); }},
      {"vllm", "vLLM offline RequestOutput as JSON lines (prompt, outputs[].text, finish_reason, token_ids)", ParseVllm,
       [](const Json& j) { return j.contains("outputs") && j["outputs"].is_array(); }},
      {"lm_eval", "lm-evaluation-harness --log_samples (doc_id, doc, resps, target)", ParseLmEval,
       [](const Json& j) { return j.contains("doc_id") && j.contains("resps"); }},
      {"verl", "verl validation dump (input, output, gts, score)", ParseVerl,
       [](const Json& j) { return j.contains("input") && j.contains("output") && (j.contains("gts") || j.contains("score")); }},
      {"upt", "upt generate output (problem_id, sample_index, text, finish_reason, num_tokens)", ParseUpt,
       [](const Json& j) { return j.contains("problem_id") && j.contains("text") && j["text"].is_string(); },
       FastParseUpt},
      {"per_problem", "one line per problem with a response list (DeepMath/Qwen: response|responses|code, finish_reason, response_length)",
       ParsePerProblem,
       [](const Json& j) {
         for (const char* f : {"responses", "response", "code", "completions", "generations"})
           if (j.contains(f) && j[f].is_array()) return true;
         return false;
       }},
      {"jsonl", "any JSON Lines with --id-field and --text-field (dotted paths; text may be a list)", ParseMapped,
       [](const Json&) { return false; }},
  };
  return kFormats;
}

}  // namespace upt::eval::formats
