// The trainer config's views of the shared option groups: rollout.* and
// rollout.val_* (the sampling group, the val_ keys as overrides of the
// rollout's) and reward.extraction (the grading group's extraction policy).
#include "train/loop/config/config.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/options.h"

namespace upt::train {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / ("upt_config_sampling_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  WriteFileAtomic(path, text);
  return path;
}

// The keys and order the config had before the groups were shared (provenance
// and stage hashes depend on them).
TEST(ConfigSamplingTest, RolloutAndRewardKeysKeepTheirNamesOrderAndDefaults) {
  const OrderedJson j = OptionsToJson(TrainConfig{});
  std::vector<std::string> rollout, reward;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key().rfind("rollout.", 0) == 0) rollout.push_back(it.key());
    if (it.key().rfind("reward.", 0) == 0) reward.push_back(it.key());
  }
  EXPECT_EQ(rollout, (std::vector<std::string>{"rollout.n", "rollout.temperature", "rollout.top_p", "rollout.top_k",
                                               "rollout.max_new_tokens", "rollout.val_n", "rollout.val_temperature",
                                               "rollout.val_top_p", "rollout.val_max_new_tokens", "rollout.stop",
                                               "rollout.max_num_seqs"}));
  EXPECT_EQ(reward, (std::vector<std::string>{"reward.policy", "reward.extraction", "reward.validation_policy"}));
  EXPECT_EQ(j["rollout.temperature"].dump(), "1.0");
  EXPECT_EQ(j["rollout.max_new_tokens"].dump(), "8192");
  EXPECT_EQ(j["rollout.val_temperature"].dump(), "0.6");
  EXPECT_EQ(j["rollout.val_top_p"].dump(), "1.0");
  EXPECT_EQ(j["rollout.val_max_new_tokens"].dump(), "0");
  EXPECT_EQ(j["reward.extraction"].dump(), "\"default\"");
}

TEST(ConfigSamplingTest, ValPrefixedYamlKeysRoundTripThroughProvenance) {
  const std::string path = WriteTemp("val.yaml",
                                     "rollout:\n  temperature: 0.9\n  top_k: 20\n  val_temperature: 0.3\n"
                                     "  val_max_new_tokens: 64\n  stop: [\"\\nQ:\"]\nreward:\n  extraction: boxed\n");
  TrainConfig cfg;
  LoadConfigFile(path, &cfg);
  EXPECT_EQ(cfg.set_at["rollout.val_temperature"], path + ":4");
  const OrderedJson prov = OptionsToJson(cfg);
  EXPECT_EQ(prov["rollout.val_temperature"].dump(), "0.3");
  EXPECT_EQ(prov["rollout.val_max_new_tokens"].dump(), "64");
  EXPECT_EQ(prov["reward.extraction"], "boxed");
  EXPECT_EQ(cfg.reward.grading.extract.policy, "boxed");
  TrainConfig back;  // a run's provenance options read back are the same config
  LoadConfigJson(Json::parse(prov.dump()), "provenance.json", &back);
  EXPECT_EQ(OptionsToJson(back), prov);
  EXPECT_TRUE(IsSet(back, "rollout.val_max_new_tokens"));
  EXPECT_FALSE(IsSet(TrainConfig{}, "rollout.val_max_new_tokens"));
}

TEST(ConfigSamplingTest, ValidationSamplesWithTheRolloutsSettingsExceptGivenValKeys) {
  TrainConfig cfg;
  ApplyOverrides({"rollout.temperature=0.9", "rollout.top_k=20", "rollout.max_new_tokens=100", "rollout.top_p=0.8"},
                 &cfg);
  cfg.rollout.sampling.stop = {"STOP"};
  lm::SamplingParams v = ValidationSampling(cfg.rollout);
  EXPECT_DOUBLE_EQ(v.temperature, 0.6);  // val_temperature's default
  EXPECT_DOUBLE_EQ(v.top_p, 1.0);        // val_top_p's default, not the rollout's 0.8
  EXPECT_EQ(v.top_k, 20);                // no val_top_k: the rollout's
  EXPECT_EQ(v.max_new_tokens, 100);      // val_max_new_tokens 0: the rollout's
  EXPECT_EQ(v.stop, std::vector<std::string>{"STOP"});
  ApplyOverrides({"rollout.val_max_new_tokens=7", "rollout.val_temperature=0"}, &cfg);
  v = ValidationSampling(cfg.rollout);
  EXPECT_EQ(v.max_new_tokens, 7);
  EXPECT_DOUBLE_EQ(v.temperature, 0.0);  // 0 is greedy, a value
  ApplyOverrides({"rollout.val_max_new_tokens=0"}, &cfg);
  EXPECT_EQ(ValidationSampling(cfg.rollout).max_new_tokens, 100);
}

TEST(ConfigSamplingTest, UnknownValKeyNamesFileLineAndTheValidKeys) {
  const std::string path = WriteTemp("typo.yaml", "rollout:\n  n: 8\n  val_temprature: 0.5\n");
  TrainConfig cfg;
  try {
    LoadConfigFile(path, &cfg);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("typo.yaml:3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("rollout.val_temprature"), std::string::npos) << msg;
    EXPECT_NE(msg.find("valid: "), std::string::npos) << msg;
    EXPECT_NE(msg.find("rollout.val_max_new_tokens"), std::string::npos) << msg;  // listed
    EXPECT_NE(msg.find("did you mean 'rollout.val_temperature'"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace upt::train
