// HF config.json -> Qwen2Config: real Qwen2.5 configs parse, parameter counts
// match the published sizes, unsupported features are rejected naming the field.
#include "lm/io/qwen2_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace upt::lm::io {
namespace {

using ::testing::HasSubstr;

// Qwen2.5-0.5B's config.json (as published on the Hugging Face hub).
const char* kQwen05 = R"({
  "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
  "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
  "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24,
  "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2,
  "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true,
  "torch_dtype": "bfloat16", "transformers_version": "4.40.1", "use_cache": true,
  "use_sliding_window": false, "vocab_size": 151936})";

std::string ErrorOf(const Json& j) {
  try {
    ParseQwen2Config(j, "config.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Qwen2ConfigTest, ParsesQwen25HalfBConfig) {
  auto c = ParseQwen2Config(Json::parse(kQwen05), "config.json");
  EXPECT_EQ(c.hidden_size, 896);
  EXPECT_EQ(c.num_key_value_heads, 2);
  EXPECT_EQ(c.HeadDim(), 64);
  EXPECT_DOUBLE_EQ(c.rope_theta, 1e6);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.bos_token_id, 151643);
  EXPECT_EQ(c.eos_token_ids, std::vector<int>{151643});
  EXPECT_EQ(c.torch_dtype, "bfloat16");
  // Hugging Face reports 494,032,768 parameters for Qwen2.5-0.5B.
  EXPECT_EQ(c.NumParameters(), 494032768);
}

TEST(Qwen2ConfigTest, PaperLongContextSettingsAreSupported) {
  Json j = Json::parse(kQwen05);
  j["rope_theta"] = 40000.0;
  j["max_position_embeddings"] = 16384;
  j["eos_token_id"] = {151643, 151645};
  auto c = ParseQwen2Config(j, "config.json");
  EXPECT_DOUBLE_EQ(c.rope_theta, 40000.0);
  EXPECT_EQ(c.max_position_embeddings, 16384);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int>{151643, 151645}));
}

TEST(Qwen2ConfigTest, RoundTripsThroughJson) {
  auto c = ParseQwen2Config(Json::parse(kQwen05), "config.json");
  auto back = ParseQwen2Config(Json::parse(Qwen2ConfigToJson(c).dump()), "again.json");
  EXPECT_EQ(back.NumParameters(), c.NumParameters());
  EXPECT_EQ(back.eos_token_ids, c.eos_token_ids);
  EXPECT_EQ(back.tie_word_embeddings, c.tie_word_embeddings);
  EXPECT_DOUBLE_EQ(back.rms_norm_eps, c.rms_norm_eps);
}

TEST(Qwen2ConfigTest, RejectsUnsupportedFeaturesNamingTheField) {
  Json j = Json::parse(kQwen05);
  j["model_type"] = "mistral";
  EXPECT_THAT(ErrorOf(j), HasSubstr("config.json: field 'model_type'"));
  j = Json::parse(kQwen05);
  j["rope_scaling"] = {{"type", "yarn"}, {"factor", 4.0}};
  EXPECT_THAT(ErrorOf(j), HasSubstr("field 'rope_scaling'"));
  j = Json::parse(kQwen05);
  j["use_sliding_window"] = true;
  EXPECT_THAT(ErrorOf(j), HasSubstr("field 'use_sliding_window'"));
  j = Json::parse(kQwen05);
  j["num_key_value_heads"] = 3;
  EXPECT_THAT(ErrorOf(j), HasSubstr("field 'num_key_value_heads'"));
  j = Json::parse(kQwen05);
  j.erase("hidden_size");
  EXPECT_THAT(ErrorOf(j), HasSubstr("field 'hidden_size'"));
  j = Json::parse(kQwen05);
  j["hidden_act"] = "gelu";
  EXPECT_THAT(ErrorOf(j), HasSubstr("field 'hidden_act'"));
  j = Json::parse(kQwen05);
  j["eos_token_id"] = 999999;
  EXPECT_THAT(ErrorOf(j), HasSubstr(">= vocab_size"));
}

// LLaMA-3.1-8B's config.json (as published on the Hugging Face hub).
const char* kLlama31_8B = R"({
  "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 128000, "eos_token_id": 128001, "hidden_act": "silu", "hidden_size": 4096,
  "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 131072,
  "mlp_bias": false, "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32,
  "num_key_value_heads": 8, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
  "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
  "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
  "transformers_version": "4.43.0.dev0", "use_cache": true, "vocab_size": 128256})";

TEST(DecoderConfigTest, ParsesLlama31_8BConfig) {
  auto c = ParseDecoderConfig(Json::parse(kLlama31_8B), "config.json");
  EXPECT_EQ(c.family, ModelFamily::kLlama);
  EXPECT_FALSE(c.qkv_bias);
  EXPECT_FALSE(c.o_proj_bias);
  EXPECT_FALSE(c.mlp_bias);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_EQ(c.HeadDim(), 128);
  EXPECT_TRUE(c.rope_scaling.llama3);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 8.0);
  EXPECT_DOUBLE_EQ(c.rope_scaling.high_freq_factor, 4.0);
  EXPECT_EQ(c.rope_scaling.original_max_position_embeddings, 8192);
  // Hugging Face reports 8,030,261,248 parameters for Llama-3.1-8B.
  EXPECT_EQ(c.NumParameters(), 8030261248LL);
  auto back = ParseDecoderConfig(Json::parse(DecoderConfigToJson(c).dump()), "again.json");
  EXPECT_EQ(back.family, ModelFamily::kLlama);
  EXPECT_EQ(back.NumParameters(), c.NumParameters());
  EXPECT_DOUBLE_EQ(back.rope_scaling.low_freq_factor, 1.0);
}

TEST(DecoderConfigTest, LlamaBiasesFollowAttentionBiasAndMlpBias) {
  Json j = Json::parse(kLlama31_8B);
  j["attention_bias"] = true;
  j["mlp_bias"] = true;
  auto c = ParseDecoderConfig(j, "config.json");
  EXPECT_TRUE(c.qkv_bias && c.o_proj_bias && c.mlp_bias);
  EXPECT_EQ(c.NumParameters(), 8030261248LL + 32 * (4096 + 2 * 1024 + 4096 + 2 * 14336 + 4096));
}

TEST(DecoderConfigTest, UnsupportedRopeScalingIsAClearError) {
  Json j = Json::parse(kLlama31_8B);
  j["rope_scaling"]["rope_type"] = "yarn";
  EXPECT_THAT(ErrorOf(j), HasSubstr("unsupported rope_scaling type 'yarn'"));
  EXPECT_THAT(ErrorOf(j), HasSubstr("field 'rope_scaling'"));
  j = Json::parse(kLlama31_8B);
  j["rope_scaling"]["high_freq_factor"] = 0.5;
  EXPECT_THAT(ErrorOf(j), HasSubstr("high_freq_factor"));
  j = Json::parse(kLlama31_8B);
  j["rope_scaling"] = {{"rope_type", "default"}};
  EXPECT_FALSE(ParseDecoderConfig(j, "config.json").rope_scaling.llama3);
}

TEST(DecoderConfigTest, Qwen2JsonKeepsItsHistoricalKeys) {
  auto c = ParseQwen2Config(Json::parse(kQwen05), "config.json");
  auto j = Qwen2ConfigToJson(c);
  EXPECT_EQ(j["model_type"], "qwen2");
  EXPECT_TRUE(j["rope_scaling"].is_null());
  EXPECT_FALSE(j.contains("attention_bias"));
  EXPECT_TRUE(c.qkv_bias);
  EXPECT_FALSE(c.o_proj_bias);
}

}  // namespace
}  // namespace upt::lm::io
