#include "lm/io/qwen2_config.h"

#include "core/error.h"
#include "core/fs.h"
#include "core/limits.h"

#include <cmath>
#include <cstdint>

namespace upt::lm::io {
namespace {

std::string At(const std::string& where, const char* field) { return where + ": field '" + field + "'"; }

// Range-checked integer read: get<int>() would wrap 2^32+96 to 96.
int Int32(const Json& e, const std::string& at) {
  if (e.is_number_unsigned() ? e.get<unsigned long long>() > static_cast<unsigned long long>(INT32_MAX)
                             : (e.get<long long>() > INT32_MAX || e.get<long long>() < INT32_MIN))
    throw Error("integer " + e.dump() + " is out of range", at, "this field must fit in 32 bits");
  return e.get<int>();
}

int GetInt(const Json& j, const char* field, const std::string& where, int fallback, bool required) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) {
    if (required) throw Error("missing required field", At(where, field), "copy it from the model's config.json");
    return fallback;
  }
  if (!it->is_number_integer()) throw Error("must be an integer", At(where, field));
  const int v = Int32(*it, At(where, field));
  CheckLimit(kMaxModelDim, v, At(where, field));
  return v;
}

double GetNumber(const Json& j, const char* field, const std::string& where, double fallback) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number()) throw Error("must be a number", At(where, field));
  if (!std::isfinite(it->get<double>())) throw Error("must be a finite number", At(where, field));
  return it->get<double>();
}

void Positive(int v, const char* field, const std::string& where) {
  if (v <= 0) throw Error("must be positive, got " + std::to_string(v), At(where, field));
}

}  // namespace

int64_t Qwen2Config::NumParameters() const {
  const int64_t d = hidden_size, hd = HeadDim(), q = num_attention_heads * hd, kv = num_key_value_heads * hd;
  const int64_t attn = d * q + q + 2 * (d * kv + kv) + q * d;
  const int64_t mlp = 3 * d * intermediate_size;
  const int64_t layer = attn + mlp + 2 * d;
  int64_t n = static_cast<int64_t>(vocab_size) * d + num_hidden_layers * layer + d;
  if (!tie_word_embeddings) n += static_cast<int64_t>(vocab_size) * d;
  return n;
}

Qwen2Config ParseQwen2Config(const Json& j, const std::string& where) {
  if (!j.is_object()) throw Error("config must be a JSON object", where);
  auto mt = j.find("model_type");
  if (mt == j.end() || !mt->is_string())
    throw Error("missing field 'model_type'", At(where, "model_type"), "upt supports \"model_type\": \"qwen2\"");
  if (mt->get<std::string>() != "qwen2")
    throw Error("unsupported model_type '" + mt->get<std::string>() + "'", At(where, "model_type"),
                "upt implements the Qwen2 architecture (Qwen2, Qwen2.5, Qwen2.5-Math); use model_type \"qwen2\"");
  auto rs = j.find("rope_scaling");
  if (rs != j.end() && !rs->is_null())
    throw Error("rope_scaling is not supported", At(where, "rope_scaling"),
                "set it to null; long contexts use rope_theta and max_position_embeddings (e.g. 40000 / 16384)");
  auto sw = j.find("use_sliding_window");
  if (sw != j.end() && !sw->is_null() && !(sw->is_boolean() && !sw->get<bool>()))
    throw Error("sliding-window attention is not supported", At(where, "use_sliding_window"), "set it to false");
  if (GetNumber(j, "attention_dropout", where, 0.0) != 0.0)
    throw Error("attention dropout is not supported", At(where, "attention_dropout"), "set it to 0.0");
  Qwen2Config c;
  c.vocab_size = GetInt(j, "vocab_size", where, c.vocab_size, true);
  c.hidden_size = GetInt(j, "hidden_size", where, c.hidden_size, true);
  c.intermediate_size = GetInt(j, "intermediate_size", where, c.intermediate_size, true);
  c.num_hidden_layers = GetInt(j, "num_hidden_layers", where, c.num_hidden_layers, true);
  c.num_attention_heads = GetInt(j, "num_attention_heads", where, c.num_attention_heads, true);
  c.num_key_value_heads = GetInt(j, "num_key_value_heads", where, c.num_attention_heads, false);
  c.head_dim = GetInt(j, "head_dim", where, 0, false);
  c.max_position_embeddings = GetInt(j, "max_position_embeddings", where, c.max_position_embeddings, false);
  c.rms_norm_eps = GetNumber(j, "rms_norm_eps", where, c.rms_norm_eps);
  c.rope_theta = GetNumber(j, "rope_theta", where, c.rope_theta);
  c.initializer_range = GetNumber(j, "initializer_range", where, c.initializer_range);
  if (auto it = j.find("tie_word_embeddings"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) throw Error("must be true or false", At(where, "tie_word_embeddings"));
    c.tie_word_embeddings = it->get<bool>();
  }
  if (auto it = j.find("hidden_act"); it != j.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>() != "silu")
      throw Error("only hidden_act \"silu\" (SwiGLU) is supported", At(where, "hidden_act"));
  }
  if (auto it = j.find("torch_dtype"); it != j.end() && it->is_string()) c.torch_dtype = it->get<std::string>();
  c.bos_token_id = GetInt(j, "bos_token_id", where, -1, false);
  c.pad_token_id = GetInt(j, "pad_token_id", where, -1, false);
  if (auto it = j.find("eos_token_id"); it != j.end() && !it->is_null()) {
    if (it->is_number_integer()) {
      c.eos_token_ids.push_back(Int32(*it, At(where, "eos_token_id")));
    } else if (it->is_array()) {
      for (const auto& e : *it) {
        if (!e.is_number_integer()) throw Error("must be an integer or a list of integers", At(where, "eos_token_id"));
        c.eos_token_ids.push_back(Int32(e, At(where, "eos_token_id")));
      }
    } else {
      throw Error("must be an integer or a list of integers", At(where, "eos_token_id"));
    }
  }
  Positive(c.vocab_size, "vocab_size", where);
  Positive(c.hidden_size, "hidden_size", where);
  Positive(c.intermediate_size, "intermediate_size", where);
  Positive(c.num_hidden_layers, "num_hidden_layers", where);
  Positive(c.num_attention_heads, "num_attention_heads", where);
  Positive(c.num_key_value_heads, "num_key_value_heads", where);
  Positive(c.max_position_embeddings, "max_position_embeddings", where);
  if (c.head_dim == 0 && c.hidden_size % c.num_attention_heads != 0)
    throw Error("hidden_size " + std::to_string(c.hidden_size) + " is not divisible by num_attention_heads " +
                    std::to_string(c.num_attention_heads),
                At(where, "num_attention_heads"));
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    throw Error("num_attention_heads must be a multiple of num_key_value_heads", At(where, "num_key_value_heads"));
  if (c.HeadDim() % 2 != 0) throw Error("head dimension must be even for rotary embeddings", At(where, "head_dim"));
  if (c.rms_norm_eps <= 0) throw Error("must be positive", At(where, "rms_norm_eps"));
  if (c.rope_theta <= 0) throw Error("must be positive", At(where, "rope_theta"));
  auto in_vocab = [&](int id, const char* field) {
    if (id >= c.vocab_size) throw Error("token id " + std::to_string(id) + " >= vocab_size", At(where, field));
  };
  in_vocab(c.bos_token_id, "bos_token_id");
  in_vocab(c.pad_token_id, "pad_token_id");
  for (int id : c.eos_token_ids) in_vocab(id, "eos_token_id");
  return c;
}

Qwen2Config LoadQwen2Config(const std::string& path) {
  Json j = Json::parse(ReadFile(path), nullptr, false);
  if (j.is_discarded()) throw Error("invalid JSON", path, "check the file is a Hugging Face config.json");
  return ParseQwen2Config(j, path);
}

OrderedJson Qwen2ConfigToJson(const Qwen2Config& c) {
  OrderedJson j;
  j["architectures"] = {"Qwen2ForCausalLM"};
  j["model_type"] = "qwen2";
  j["vocab_size"] = c.vocab_size;
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j["num_hidden_layers"] = c.num_hidden_layers;
  j["num_attention_heads"] = c.num_attention_heads;
  j["num_key_value_heads"] = c.num_key_value_heads;
  if (c.head_dim > 0) j["head_dim"] = c.head_dim;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["rms_norm_eps"] = c.rms_norm_eps;
  j["rope_theta"] = c.rope_theta;
  j["rope_scaling"] = nullptr;
  j["hidden_act"] = c.hidden_act;
  j["initializer_range"] = c.initializer_range;
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  j["use_sliding_window"] = false;
  j["sliding_window"] = nullptr;
  j["attention_dropout"] = 0.0;
  j["use_cache"] = true;
  j["torch_dtype"] = c.torch_dtype;
  if (c.bos_token_id >= 0) j["bos_token_id"] = c.bos_token_id;
  if (c.eos_token_ids.size() == 1) j["eos_token_id"] = c.eos_token_ids[0];
  else if (!c.eos_token_ids.empty()) j["eos_token_id"] = c.eos_token_ids;
  if (c.pad_token_id >= 0) j["pad_token_id"] = c.pad_token_id;
  return j;
}

}  // namespace upt::lm::io
