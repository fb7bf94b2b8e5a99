// simdjson fast path for the upt sample format (the 1M-completion ingestion
// benchmark spends most of its non-verifier time parsing JSON). The DOM API
// dispatches to the best SIMD kernel at run time. Any deviation from the happy
// path returns false and the nlohmann reader produces the precise error, so
// both paths accept exactly the same records.
#include <simdjson.h>

#include "eval/formats_internal.h"

namespace upt::eval::formats {

namespace dom = simdjson::dom;

size_t FastParsePadding() { return simdjson::SIMDJSON_PADDING; }

namespace {

bool GetOptString(dom::element v, std::string* out) {
  if (v.is_null()) {
    out->clear();
    return true;
  }
  std::string_view sv;
  if (v.get_string().get(sv)) return false;
  out->assign(sv.data(), sv.size());
  return true;
}

bool GetOptCount(dom::element v, long long* out) {
  if (v.is_null()) {
    *out = -1;
    return true;
  }
  int64_t i = 0;
  if (v.get_int64().get(i)) return false;
  *out = i;
  return true;
}

}  // namespace

bool FastParseUpt(const std::string& line, std::vector<RawSample>* out) {
  if (line.capacity() < line.size() + simdjson::SIMDJSON_PADDING) return false;
  thread_local dom::parser parser;
  dom::element doc;
  if (parser.parse(line.data(), line.size(), /*realloc_if_needed=*/false).get(doc)) return false;
  dom::object obj;
  if (doc.get_object().get(obj)) return false;
  RawSample s;
  bool has_id = false, has_text = false;
  for (dom::key_value_pair kv : obj) {
    const std::string_view key = kv.key;
    dom::element v = kv.value;
    if (key == "problem_id") {
      int64_t i = 0;
      if (v.is_string()) {
        if (!GetOptString(v, &s.id)) return false;
      } else if (!v.get_int64().get(i)) {
        s.id = std::to_string(i);
      } else {
        return false;
      }
      has_id = true;
    } else if (key == "text") {
      if (!GetOptString(v, &s.text)) return false;
      has_text = true;
    } else if (key == "sample_index") {
      if (!GetOptCount(v, &s.sample_index)) return false;
      if (!v.is_null() && s.sample_index < 0) return false;
    } else if (key == "finish_reason") {
      if (!GetOptString(v, &s.finish_reason)) return false;
    } else if (key == "num_tokens") {
      if (!GetOptCount(v, &s.num_tokens)) return false;
    }
  }
  if (!has_id || !has_text) return false;
  out->push_back(std::move(s));
  return true;
}

}  // namespace upt::eval::formats
