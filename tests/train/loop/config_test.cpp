// The trainer's YAML config, overrides, validation and dry-run plans.
#include "train/loop/config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/options.h"
#include "train/loop/config/plan.h"
#include "train/loop/config/preset_knobs.h"
#include "train/loop/config/train_data.h"

namespace upt::train {
namespace {

std::string TempDir() {
  auto dir = std::filesystem::temp_directory_path() / ("upt_train_config_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = TempDir() + "/" + name;
  WriteFileAtomic(path, text);
  return path;
}

TEST(TrainConfigTest, YamlMapsOntoNestedVerlKeys) {
  std::string path = WriteTemp("ok.yaml",
                               "algorithm:\n  name: luffy\n  shaping_gamma: 0.2\n"
                               "rollout: {n: 4, temperature: 0.7}\n"
                               "actor:\n  optim:\n    lr: 5e-6\n  ppo_mini_batch_size: 2\n"
                               "data:\n  train_files: x.jsonl\n  val_files: [aime24, 'amc23']\n");
  TrainConfig cfg;
  LoadConfigFile(path, &cfg);
  EXPECT_EQ(cfg.algorithm.preset, "luffy");
  EXPECT_DOUBLE_EQ(cfg.algorithm.shaping_gamma, 0.2);
  EXPECT_EQ(cfg.rollout.n, 4);
  EXPECT_DOUBLE_EQ(cfg.rollout.sampling.temperature, 0.7);
  EXPECT_DOUBLE_EQ(cfg.actor.optim.lr, 5e-6);
  EXPECT_EQ(cfg.actor.ppo_mini_batch_size, 2);
  EXPECT_EQ(cfg.data.val_files, (std::vector<std::string>{"aime24", "amc23"}));
  EXPECT_EQ(cfg.trainer.total_training_steps, 500);  // default kept
}

TEST(TrainConfigTest, UnknownKeyNamesKeyLineAndClosestMatch) {
  std::string path = WriteTemp("unknown.yaml", "rollout:\n  n: 8\n  temprature: 1.0\n");
  TrainConfig cfg;
  try {
    LoadConfigFile(path, &cfg);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("rollout.temprature"), std::string::npos) << msg;
    EXPECT_NE(msg.find("rollout.temperature"), std::string::npos) << msg;  // the suggestion
    EXPECT_NE(msg.find("unknown.yaml:3"), std::string::npos) << msg;
  }
}

TEST(TrainConfigTest, WrongTypeNamesFileLineAndKey) {
  std::string path = WriteTemp("type.yaml", "trainer:\n  seed: 1\n  total_training_steps: many\n");
  TrainConfig cfg;
  try {
    LoadConfigFile(path, &cfg);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("type.yaml:3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("trainer.total_training_steps"), std::string::npos) << msg;
    EXPECT_NE(msg.find("integer"), std::string::npos) << msg;
  }
}

TEST(TrainConfigTest, QuotedNumberStaysAString) {
  std::string path = WriteTemp("quoted.yaml", "trainer:\n  seed: '7'\n");
  TrainConfig cfg;
  EXPECT_THROW(LoadConfigFile(path, &cfg), Error);
  std::string ok = WriteTemp("quoted_ok.yaml", "model:\n  path: '123'\n");
  LoadConfigFile(ok, &cfg);
  EXPECT_EQ(cfg.model.path, "123");
}

TEST(TrainConfigTest, SetOverridesApplyInOrderAndRejectUnknownKeys) {
  TrainConfig cfg;
  ApplyOverrides({"rollout.n=4", "actor.optim.lr=2e-4", "algorithm.name=grpo", "rollout.n=16"}, &cfg);
  EXPECT_EQ(cfg.rollout.n, 16);
  EXPECT_DOUBLE_EQ(cfg.actor.optim.lr, 2e-4);
  EXPECT_EQ(cfg.algorithm.preset, "grpo");
  try {
    ApplyOverrides({"actor.entropy_coef=0.1"}, &cfg);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("actor.entropy_coeff"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ApplyOverrides({"rollout.n"}, &cfg), Error);
  EXPECT_THROW(ApplyOverrides({"rollout.n=eight"}, &cfg), Error);
}

TEST(TrainConfigTest, RewardPolicyIsAKeyValidatedAgainstTheRegistry) {
  TrainConfig cfg;
  cfg.data.train_files = "x.jsonl";
  EXPECT_EQ(cfg.reward.policy, "upt");
  ApplyOverrides({"reward.policy=hpt_code"}, &cfg);
  EXPECT_EQ(cfg.reward.policy, "hpt_code");
  EXPECT_NO_THROW(ValidateConfig(cfg));
  EXPECT_EQ(OptionsToJson(cfg)["reward.policy"], "hpt_code");  // recorded in config.json
  cfg.reward.policy = "hpt";
  try {
    ValidateConfig(cfg);
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("reward.policy"), std::string::npos) << m;
    EXPECT_NE(m.find("hpt_code"), std::string::npos) << m;
  }
}

TEST(TrainConfigTest, ValidationRejectsOutOfRangeValues) {
  TrainConfig cfg;
  cfg.data.train_files = "x.jsonl";
  EXPECT_NO_THROW(ValidateConfig(cfg));
  cfg.algorithm.switch_gate = 9;  // > rollout.n = 8
  EXPECT_THROW(ValidateConfig(cfg), Error);
  cfg.algorithm.switch_gate = 0;
  cfg.actor.loss_agg_mode = "token_mean";
  try {
    ValidateConfig(cfg);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("token-mean"), std::string::npos) << e.what();
  }
}

TEST(TrainConfigTest, EveryPaperConfigPassesDryRunWithMissingFilesAsWarnings) {
  std::string dir = std::string(UPT_SOURCE_DIR) + "/configs/paper";
  int n = 0;
  std::set<std::string> presets;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    TrainConfig cfg;
    ASSERT_NO_THROW(LoadConfigFile(entry.path().string(), &cfg)) << entry.path();
    RunPlan dry = BuildPlan(cfg, /*dry_run=*/true);
    EXPECT_TRUE(dry.ok()) << entry.path() << "\n" << FormatPlan(cfg, dry);
    EXPECT_FALSE(dry.checks.empty()) << "the checkpoints are not on this machine: expect warnings";
    RunPlan real = BuildPlan(cfg, /*dry_run=*/false);
    EXPECT_FALSE(real.ok()) << entry.path() << ": missing model must be an error outside dry-run";
    presets.insert(cfg.algorithm.preset);
    ++n;
  }
  EXPECT_GE(n, 15);
  EXPECT_EQ(presets, (std::set<std::string>{"grpo_clip", "hpt", "luffy", "sft", "sft_then_grpo", "srft"}));
}

TEST(TrainConfigTest, PaperConfigsCarryThePaperValues) {
  std::string dir = std::string(UPT_SOURCE_DIR) + "/configs/paper/";
  TrainConfig hpt15;
  LoadConfigFile(dir + "qwen25-math-1.5b_hpt.yaml", &hpt15);
  EXPECT_DOUBLE_EQ(hpt15.algorithm.sft_loss_coef, 0.3);
  EXPECT_DOUBLE_EQ(hpt15.actor.optim.lr, 5e-6);
  EXPECT_EQ(hpt15.data.train_batch_size, 128);
  EXPECT_EQ(hpt15.trainer.total_training_steps, 500);
  EXPECT_DOUBLE_EQ(hpt15.actor.max_grad_norm, 80);
  TrainConfig llama;
  LoadConfigFile(dir + "llama31-8b_hpt.yaml", &llama);
  EXPECT_EQ(llama.algorithm.switch_gate, 2);
  TrainConfig luffy;
  LoadConfigFile(dir + "qwen25-math-7b_luffy.yaml", &luffy);
  EXPECT_DOUBLE_EQ(luffy.actor.optim.lr, 1e-6);
  EXPECT_DOUBLE_EQ(luffy.algorithm.shaping_gamma, 0.1);
  EXPECT_EQ(luffy.actor.loss_norm, "upstream");
  EXPECT_EQ(luffy.actor.virtual_world_size, 8);
  // SFT→GRPO: LUFFY's SFT recipe, then RL on the held-out complement.
  TrainConfig s2g;
  LoadConfigFile(dir + "qwen25-math-7b_sft_then_grpo.yaml", &s2g);
  const TrainConfig sft = PhaseConfig(s2g, 0), rl = PhaseConfig(s2g, 1);
  EXPECT_DOUBLE_EQ(sft.actor.optim.lr, 5e-5);
  EXPECT_EQ(sft.actor.optim.lr_schedule, "cosine");
  EXPECT_DOUBLE_EQ(sft.actor.optim.warmup_ratio, 0.1);
  EXPECT_DOUBLE_EQ(sft.actor.optim.beta2, 0.95);
  EXPECT_DOUBLE_EQ(sft.actor.optim.weight_decay, 0.0);
  EXPECT_EQ(sft.data.train_batch_size, 64);
  EXPECT_EQ(sft.actor.sft_loss_agg_mode, "seq-mean-token-mean");
  EXPECT_DOUBLE_EQ(rl.actor.optim.lr, 1e-6);
  EXPECT_NE(rl.data.train_files.find("complement"), std::string::npos);
  EXPECT_EQ(EffectiveSftSteps(s2g), 2160);
}

TEST(TrainConfigTest, PlanWarnsWhenTheModelsPositionsCannotHoldPromptAndResponse) {
  const std::string dir = TempDir() + "/short_model";
  std::filesystem::create_directories(dir);
  WriteFileAtomic(dir + "/config.json", R"({"max_position_embeddings": 4096, "rope_theta": 10000.0})");
  WriteFileAtomic(dir + "/tokenizer.json", "{}");
  TrainConfig cfg;
  cfg.model.path = dir;
  cfg.data.train_files = WriteTemp("one.jsonl", R"({"id": "q1", "problem": "1+1?", "answer": "2", "target": "2"})" "\n");
  auto warned = [&] {
    bool named = false;
    for (const auto& c : BuildPlan(cfg, /*dry_run=*/false).checks)
      named |= !c.error && c.message.find("rope_theta 40000") != std::string::npos;
    return named;
  };
  EXPECT_TRUE(warned());  // 1024 + 8192 > 4096
  WriteFileAtomic(dir + "/config.json", R"({"max_position_embeddings": 16384, "rope_theta": 40000.0})");
  EXPECT_FALSE(warned());
}

TEST(TrainDataTest, CursorWrapsEpochsDeterministicallyAndVisitsEachRowOncePerEpoch) {
  DataCursor c;
  std::vector<int> all;
  for (int step = 0; step < 5; ++step) {
    auto b = NextBatch(6, 3, 42, true, &c);
    all.insert(all.end(), b.begin(), b.end());
  }
  EXPECT_EQ(c.epoch, 2);
  EXPECT_EQ(c.offset, 3);
  for (int e = 0; e < 2; ++e) {
    std::set<int> seen(all.begin() + 6 * e, all.begin() + 6 * e + 6);
    EXPECT_EQ(seen.size(), 6u);
  }
  // Resuming from a saved cursor replays the same prompts.
  DataCursor resumed{1, 3};
  auto b = NextBatch(6, 3, 42, true, &resumed);
  EXPECT_EQ(b, std::vector<int>(all.begin() + 9, all.begin() + 12));
  EXPECT_NE(EpochOrder(50, 42, 0, true), EpochOrder(50, 42, 1, true));
  EXPECT_EQ(EpochOrder(4, 42, 0, false), (std::vector<int>{0, 1, 2, 3}));
}

TEST(TrainDataTest, LoadsTargetsAsStringsOrChatMessages) {
  std::string path = WriteTemp("train.jsonl",
                               "{\"id\":\"a\",\"problem\":\"1+1\",\"answer\":\"2\",\"target\":\"\\\\boxed{2}\"}\n"
                               "{\"id\":7,\"problem\":\"2+2\",\"answer\":\"4\",\"target\":[{\"role\":\"assistant\","
                               "\"content\":\"4\"}]}\n"
                               "{\"id\":\"c\",\"problem\":\"3+3\",\"answer\":\"6\"}\n");
  auto rows = LoadTrainFile(path);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].target, "\\boxed{2}");
  EXPECT_EQ(rows[1].id, "7");
  EXPECT_EQ(rows[1].target, "4");
  EXPECT_EQ(rows[2].target, "");
  std::string bad = WriteTemp("bad.jsonl", "{\"id\":\"a\",\"problem\":\"1+1\"}\n");
  try {
    LoadTrainFile(bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("answer"), std::string::npos) << e.what();
  }
}

// The views of the shared option groups: rollout.* and rollout.val_* (the
// sampling group, the val_ keys as overrides of the rollout's) and
// reward.extraction (the grading group's extraction policy).
// The keys and order the config had before the groups were shared (provenance
// and stage hashes depend on them).
TEST(TrainConfigGroupsTest, RolloutAndRewardKeysKeepTheirNamesOrderAndDefaults) {
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
  EXPECT_EQ(reward, (std::vector<std::string>{"reward.policy", "reward.extraction", "reward.rel_tol",
                                              "reward.step_budget", "reward.validation_policy"}));
  EXPECT_EQ(j["rollout.temperature"].dump(), "1.0");
  EXPECT_EQ(j["rollout.max_new_tokens"].dump(), "8192");
  EXPECT_EQ(j["rollout.val_temperature"].dump(), "0.6");
  EXPECT_EQ(j["rollout.val_top_p"].dump(), "1.0");
  EXPECT_EQ(j["rollout.val_max_new_tokens"].dump(), "0");
  EXPECT_EQ(j["reward.extraction"].dump(), "\"default\"");
  EXPECT_EQ(j["reward.rel_tol"].dump(), "0.0001");
  EXPECT_EQ(j["reward.step_budget"].dump(), "200000");
}

// The trainer's reward and validation compare with the grading group's rel_tol
// and step budget as set in YAML; out-of-range values are refused naming the key.
TEST(TrainConfigGroupsTest, RewardComparisonOptionsAreSetFromYamlAndChecked) {
  const std::string path =
      WriteTemp("reward.yaml", "data:\n  train_files: x.jsonl\nreward:\n  rel_tol: 0.001\n  step_budget: 5000\n");
  TrainConfig cfg;
  LoadConfigFile(path, &cfg);
  EXPECT_DOUBLE_EQ(cfg.reward.grading.verify.rel_tol, 0.001);
  EXPECT_EQ(cfg.reward.grading.verify.step_budget, 5000);
  EXPECT_EQ(cfg.set_at["reward.step_budget"], path + ":5");
  EXPECT_EQ(OptionsToJson(cfg)["reward.rel_tol"].dump(), "0.001");
  EXPECT_NO_THROW(ValidateConfig(cfg));
  for (const char* bad : {"reward.rel_tol=1.5", "reward.step_budget=0"}) {
    TrainConfig c = cfg;
    ApplyOverrides({bad}, &c);
    const std::string key = std::string(bad).substr(0, std::string(bad).find('='));
    try {
      ValidateConfig(c);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

TEST(TrainConfigGroupsTest, ValPrefixedYamlKeysRoundTripThroughProvenance) {
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

TEST(TrainConfigGroupsTest, ValidationSamplesWithTheRolloutsSettingsExceptGivenValKeys) {
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

TEST(TrainConfigGroupsTest, UnknownValKeyNamesFileLineAndTheValidKeys) {
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
