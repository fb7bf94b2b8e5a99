#include "lm/io/qwen2_config.h"

#include "core/error.h"
#include "core/fs.h"
#include "core/limits.h"
#include "core/log.h"

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

bool GetBool(const Json& j, const char* field, const std::string& where, bool fallback) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw Error("must be true or false", At(where, field));
  return it->get<bool>();
}

// "rope_scaling": null | {"rope_type" (or legacy "type"): "default" | "llama3", ...}.
RopeScaling ParseRopeScaling(const Json& j, const std::string& where) {
  RopeScaling r;
  auto rs = j.find("rope_scaling");
  if (rs == j.end() || rs->is_null()) return r;
  const std::string at = where + ": field 'rope_scaling'";
  if (!rs->is_object()) throw Error("must be an object or null", at);
  auto type = rs->find("rope_type");
  if (type == rs->end()) type = rs->find("type");
  if (type == rs->end() || !type->is_string())
    throw Error("missing 'rope_type'", at, "upt implements rope_type \"llama3\" (or null for plain RoPE)");
  const std::string name = type->get<std::string>();
  if (name == "default") return r;
  if (name != "llama3")
    throw Error("unsupported rope_scaling type '" + name + "'", at,
                "upt implements rope_type \"llama3\" (LLaMA-3.1) only; set rope_scaling to null for plain RoPE");
  r.llama3 = true;
  r.factor = GetNumber(*rs, "factor", at, r.factor);
  r.low_freq_factor = GetNumber(*rs, "low_freq_factor", at, r.low_freq_factor);
  r.high_freq_factor = GetNumber(*rs, "high_freq_factor", at, r.high_freq_factor);
  r.original_max_position_embeddings =
      GetInt(*rs, "original_max_position_embeddings", at, r.original_max_position_embeddings, false);
  if (r.factor < 1.0) throw Error("factor must be >= 1", At(at, "factor"));
  if (r.low_freq_factor <= 0 || r.high_freq_factor <= r.low_freq_factor)
    throw Error("need 0 < low_freq_factor < high_freq_factor", At(at, "high_freq_factor"));
  Positive(r.original_max_position_embeddings, "original_max_position_embeddings", at);
  return r;
}

OrderedJson RopeScalingToJson(const RopeScaling& r) {
  if (!r.llama3) return nullptr;
  OrderedJson j;
  j["factor"] = r.factor;
  j["high_freq_factor"] = r.high_freq_factor;
  j["low_freq_factor"] = r.low_freq_factor;
  j["original_max_position_embeddings"] = r.original_max_position_embeddings;
  j["rope_type"] = "llama3";
  return j;
}

// Fields every family writes, in the order HF configs list them.
void ShapeFields(const DecoderConfig& c, OrderedJson& j) {
  j["vocab_size"] = c.vocab_size;
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j["num_hidden_layers"] = c.num_hidden_layers;
  j["num_attention_heads"] = c.num_attention_heads;
  j["num_key_value_heads"] = c.num_key_value_heads;
}
void PositionAndNormFields(const DecoderConfig& c, OrderedJson& j) {
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["rms_norm_eps"] = c.rms_norm_eps;
  j["rope_theta"] = c.rope_theta;
  j["rope_scaling"] = RopeScalingToJson(c.rope_scaling);
  j["hidden_act"] = c.hidden_act;
  j["initializer_range"] = c.initializer_range;
}
void SpecialIdFields(const DecoderConfig& c, OrderedJson& j) {
  if (c.bos_token_id >= 0) j["bos_token_id"] = c.bos_token_id;
  if (c.eos_token_ids.size() == 1) j["eos_token_id"] = c.eos_token_ids[0];
  else if (!c.eos_token_ids.empty()) j["eos_token_id"] = c.eos_token_ids;
  if (c.pad_token_id >= 0) j["pad_token_id"] = c.pad_token_id;
}

// transformers' LlamaConfig fields (as LLaMA-3.1-8B's config.json lists them).
OrderedJson LlamaConfigToJson(const DecoderConfig& c) {
  OrderedJson j;
  j["architectures"] = {"LlamaForCausalLM"};
  j["model_type"] = "llama";
  j["attention_bias"] = c.qkv_bias;
  j["attention_dropout"] = 0.0;
  j["mlp_bias"] = c.mlp_bias;
  ShapeFields(c, j);
  j["head_dim"] = c.HeadDim();
  PositionAndNormFields(c, j);
  j["pretraining_tp"] = 1;
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  j["use_cache"] = true;
  j["torch_dtype"] = c.torch_dtype;
  SpecialIdFields(c, j);
  return j;
}

}  // namespace

const char* ModelFamilyName(ModelFamily f) { return f == ModelFamily::kLlama ? "llama" : "qwen2"; }
const char* ModelArchitecture(ModelFamily f) {
  return f == ModelFamily::kLlama ? "LlamaForCausalLM" : "Qwen2ForCausalLM";
}
bool ParseModelFamily(const std::string& name, ModelFamily* out) {
  for (ModelFamily f : {ModelFamily::kQwen2, ModelFamily::kLlama})
    if (name == ModelFamilyName(f)) {
      *out = f;
      return true;
    }
  return false;
}

int64_t DecoderConfig::NumParameters() const {
  const int64_t d = hidden_size, hd = HeadDim(), q = num_attention_heads * hd, kv = num_key_value_heads * hd;
  const int64_t attn = d * q + 2 * d * kv + q * d + (qkv_bias ? q + 2 * kv : 0) + (o_proj_bias ? d : 0);
  const int64_t mlp = 3 * d * intermediate_size + (mlp_bias ? 2 * intermediate_size + d : 0);
  const int64_t layer = attn + mlp + 2 * d;
  int64_t n = static_cast<int64_t>(vocab_size) * d + num_hidden_layers * layer + d;
  if (!tie_word_embeddings) n += static_cast<int64_t>(vocab_size) * d;
  return n;
}

DecoderConfig ParseDecoderConfig(const Json& j, const std::string& where) {
  if (!j.is_object()) throw Error("config must be a JSON object", where);
  auto mt = j.find("model_type");
  const char* kFamilies = "upt supports \"model_type\": \"qwen2\" (Qwen2, Qwen2.5, Qwen2.5-Math) and \"llama\" (LLaMA-3.x)";
  if (mt == j.end() || !mt->is_string()) throw Error("missing field 'model_type'", At(where, "model_type"), kFamilies);
  DecoderConfig c;
  if (!ParseModelFamily(mt->get<std::string>(), &c.family))
    throw Error("unsupported model_type '" + mt->get<std::string>() + "'", At(where, "model_type"), kFamilies);
  c.rope_scaling = ParseRopeScaling(j, where);
  auto sw = j.find("use_sliding_window");
  if (sw != j.end() && !sw->is_null() && !(sw->is_boolean() && !sw->get<bool>()))
    throw Error("sliding-window attention is not supported", At(where, "use_sliding_window"), "set it to false");
  if (GetNumber(j, "attention_dropout", where, 0.0) != 0.0)
    throw Error("attention dropout is not supported", At(where, "attention_dropout"), "set it to 0.0");
  if (c.family == ModelFamily::kLlama) {
    // LlamaConfig: attention_bias covers q/k/v/o, mlp_bias gate/up/down; both default false.
    c.qkv_bias = c.o_proj_bias = GetBool(j, "attention_bias", where, false);
    c.mlp_bias = GetBool(j, "mlp_bias", where, false);
    if (GetInt(j, "pretraining_tp", where, 1, false) != 1)
      LogWarn("{}: pretraining_tp is ignored (it only slices the same matmuls)", where);
  }
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
  c.tie_word_embeddings = GetBool(j, "tie_word_embeddings", where, c.tie_word_embeddings);
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

DecoderConfig LoadDecoderConfig(const std::string& path) {
  Json j = Json::parse(ReadFile(path), nullptr, false);
  if (j.is_discarded()) throw Error("invalid JSON", path, "check the file is a Hugging Face config.json");
  return ParseDecoderConfig(j, path);
}

OrderedJson DecoderConfigToJson(const DecoderConfig& c) {
  if (c.family == ModelFamily::kLlama) return LlamaConfigToJson(c);
  OrderedJson j;
  j["architectures"] = {"Qwen2ForCausalLM"};
  j["model_type"] = "qwen2";
  ShapeFields(c, j);
  if (c.head_dim > 0) j["head_dim"] = c.head_dim;
  PositionAndNormFields(c, j);
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  j["use_sliding_window"] = false;
  j["sliding_window"] = nullptr;
  j["attention_dropout"] = 0.0;
  j["use_cache"] = true;
  j["torch_dtype"] = c.torch_dtype;
  SpecialIdFields(c, j);
  return j;
}

}  // namespace upt::lm::io
