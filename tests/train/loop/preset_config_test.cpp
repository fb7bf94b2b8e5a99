// Presets are the single source of their numbers: a config that names only the
// preset runs the preset's documented settings, and a key overrides them only
// when set (in the file or by --set); --dry-run names each knob's source.
#include "train/loop/preset_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/fs.h"
#include "core/options.h"
#include "train/loop/config/preset_knobs.h"

namespace upt::train {
namespace {

std::string WriteConfig(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / ("upt_preset_config_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  WriteFileAtomic(path, text);
  return path;
}

// A new user's config: the preset and the data, nothing else.
TrainConfig MinimalConfig(const std::string& preset, const std::vector<std::string>& sets = {}) {
  TrainConfig cfg;
  LoadConfigFile(WriteConfig(preset + ".yaml", "algorithm:\n  preset: " + preset + "\ndata:\n  train_files: x.jsonl\n"),
                 &cfg);
  ApplyOverrides(sets, &cfg);
  return cfg;
}

void ExpectSamePreset(const Preset& got, const Preset& want) {
  const std::string& n = want.settings.name;
  EXPECT_EQ(got.opts.clip_ratio_low, want.opts.clip_ratio_low) << n;
  EXPECT_EQ(got.opts.clip_ratio_high, want.opts.clip_ratio_high) << n;
  EXPECT_EQ(got.opts.norm_adv_by_std, want.opts.norm_adv_by_std) << n;
  EXPECT_EQ(got.opts.entropy_coeff, want.opts.entropy_coeff) << n;
  EXPECT_EQ(got.opts.shaping_gamma, want.opts.shaping_gamma) << n;
  EXPECT_EQ(got.settings.layout, want.settings.layout) << n;
  EXPECT_EQ(got.settings.n_rollouts, want.settings.n_rollouts) << n;
  if (want.settings.layout != BatchLayout::kDemos) {
    EXPECT_EQ(got.settings.n_demos, want.settings.n_demos) << n;
  }
  if (want.settings.layout == BatchLayout::kHpt) {
    const HptRouteOptions r = ResolveHptRouteOptions(want.route);
    EXPECT_EQ(got.route.switch_gate, r.switch_gate) << n;
    EXPECT_EQ(got.route.switch_gate_off, r.switch_gate_off) << n;
    EXPECT_EQ(got.route.offline_learner, r.offline_learner) << n;
  }
  ASSERT_EQ(got.terms.size(), want.terms.size()) << n;
  for (size_t i = 0; i < want.terms.size(); ++i) {
    EXPECT_EQ(got.terms[i].mask, want.terms[i].mask) << n << " term " << i;
    EXPECT_EQ(got.terms[i].denominator, want.terms[i].denominator) << n << " term " << i;
    EXPECT_EQ(got.terms[i].advantage, want.terms[i].advantage) << n << " term " << i;
    EXPECT_EQ(got.terms[i].aggregation, want.terms[i].aggregation) << n << " term " << i;
    EXPECT_EQ(got.terms[i].coef, want.terms[i].coef) << n << " term " << i;
  }
}

TEST(PresetConfigTest, EveryPresetKeepsItsSettingsThroughAMinimalConfig) {
  for (const auto& name : PresetRegistry().Names()) {
    const TrainConfig cfg = MinimalConfig(name);
    for (int ph = 0; ph < PresetPhases(cfg); ++ph) {
      const Preset& want = PresetRegistry().Get(PhasePreset(cfg, ph));
      const TrainConfig pc = PhaseConfig(cfg, ph);
      EXPECT_NO_THROW(ValidateConfig(pc)) << name;
      ExpectSamePreset(ConfiguredPreset(cfg, ph), want);
      EXPECT_EQ(pc.actor.optim.lr, want.settings.lr) << name << " phase " << ph;
    }
  }
}

// The documented numbers of the presets that the old config path lost.
TEST(PresetConfigTest, DocumentedAblationNumbersSurvive) {
  EXPECT_EQ(ConfiguredPreset(MinimalConfig("hpt_gate1"), 0).route.switch_gate, 1);
  EXPECT_EQ(ConfiguredPreset(MinimalConfig("hpt_gate2"), 0).route.switch_gate, 2);
  EXPECT_EQ(ConfiguredPreset(MinimalConfig("hpt_llama"), 0).route.switch_gate, 2);
  EXPECT_EQ(ConfiguredPreset(MinimalConfig("hpt_1p5b"), 0).terms[1].coef, 0.3);
  for (const char* n : {"hpt_paper", "grpo_paper"}) {
    const Preset p = ConfiguredPreset(MinimalConfig(n), 0);
    EXPECT_TRUE(p.opts.norm_adv_by_std) << n;
    EXPECT_EQ(p.opts.entropy_coeff, 0.0) << n;
    EXPECT_EQ(p.terms[0].aggregation, "seq-mean-token-sum") << n;
  }
  const Preset gspo = ConfiguredPreset(MinimalConfig("gspo"), 0);
  EXPECT_EQ(gspo.opts.clip_ratio_low, 3e-4);
  EXPECT_EQ(gspo.opts.clip_ratio_high, 4e-4);
  const TrainConfig cispo = MinimalConfig("cispo");
  EXPECT_NO_THROW(ValidateConfig(PhaseConfig(cispo, 0)));
  EXPECT_EQ(ConfiguredPreset(cispo, 0).opts.clip_ratio_low, 1.0);
  EXPECT_EQ(ConfiguredPreset(cispo, 0).opts.clip_ratio_high, 0.28);
  EXPECT_EQ(ConfiguredPreset(MinimalConfig("hpt"), 0).terms[1].coef, 1.0);
  EXPECT_EQ(PhaseConfig(MinimalConfig("hpt"), 0).actor.optim.lr, 5e-6);
}

TEST(PresetConfigTest, ASetKeyOverridesThePresetInEveryPreset) {
  for (const auto& name : PresetRegistry().Names()) {
    const TrainConfig cfg = MinimalConfig(name, {"actor.entropy_coeff=0.0123", "actor.clip_ratio_low=0.05",
                                                 "algorithm.norm_adv_by_std_in_grpo=true", "actor.optim.lr=3e-7",
                                                 "algorithm.switch_gate=3", "algorithm.sft_loss_coef=0.7"});
    const int rl = PresetPhases(cfg) - 1;  // top-level keys configure the RL phase
    const Preset p = ConfiguredPreset(cfg, rl);
    if (p.settings.layout == BatchLayout::kDemos) continue;
    EXPECT_EQ(p.opts.entropy_coeff, 0.0123) << name;
    EXPECT_EQ(p.opts.clip_ratio_low, 0.05) << name;
    EXPECT_TRUE(p.opts.norm_adv_by_std) << name;
    EXPECT_EQ(PhaseConfig(cfg, rl).actor.optim.lr, 3e-7) << name;
    if (p.settings.layout == BatchLayout::kHpt) {
      EXPECT_EQ(p.route.switch_gate, 3) << name;
      for (const auto& t : p.terms) {
        if (t.metric == "actor/sft_loss") {
          EXPECT_EQ(t.coef, 0.7) << name;
        }
      }
    }
  }
}

TEST(PresetConfigTest, AKeySetInTheFileOverridesAndTheDryRunNamesEachSource) {
  const std::string path = WriteConfig("gate.yaml",
                                       "algorithm:\n  preset: hpt_llama\n  sft_loss_coef: 0.5\n"
                                       "data:\n  train_files: x.jsonl\n");
  TrainConfig cfg;
  LoadConfigFile(path, &cfg);
  ApplyOverrides({"actor.entropy_coeff=0.002"}, &cfg);
  const Preset p = ConfiguredPreset(cfg, 0);
  EXPECT_EQ(p.route.switch_gate, 2);       // from the preset
  EXPECT_EQ(p.terms[1].coef, 0.5);          // from the file
  EXPECT_EQ(p.opts.entropy_coeff, 0.002);   // from --set
  const std::string knobs = FormatKnobs(cfg);
  EXPECT_NE(knobs.find("algorithm.switch_gate = 2  [preset hpt_llama]"), std::string::npos) << knobs;
  EXPECT_NE(knobs.find("algorithm.sft_loss_coef = 0.5  [" + path + ":3]"), std::string::npos) << knobs;
  EXPECT_NE(knobs.find("actor.entropy_coeff = 0.002  [--set]"), std::string::npos) << knobs;
  EXPECT_NE(knobs.find("actor.grad_clip = 1.0  [default]"), std::string::npos) << knobs;
}

TEST(PresetConfigTest, SftThenGrpoPhasesHaveTheirOwnRecipes) {
  TrainConfig cfg = MinimalConfig("sft_then_grpo", {"sft_phase.optim.lr=2e-5", "sft_phase.train_files=sft.jsonl",
                                                    "sft_phase.train_batch_size=64", "actor.optim.lr=2e-6"});
  const TrainConfig sft = PhaseConfig(cfg, 0), rl = PhaseConfig(cfg, 1);
  EXPECT_TRUE(IsSftPhase(cfg, 0));
  EXPECT_EQ(sft.actor.optim.lr, 2e-5);
  EXPECT_EQ(sft.actor.optim.lr_schedule, "cosine");  // the sft preset's LUFFY recipe
  EXPECT_EQ(sft.actor.optim.min_lr_ratio, 0.1);
  EXPECT_EQ(sft.actor.optim.warmup_ratio, 0.1);
  EXPECT_EQ(sft.actor.optim.beta2, 0.95);
  EXPECT_EQ(sft.actor.optim.weight_decay, 0.0);
  EXPECT_EQ(sft.data.train_files, "sft.jsonl");
  EXPECT_EQ(sft.data.train_batch_size, 64);
  EXPECT_EQ(ConfiguredPreset(cfg, 0).terms[0].aggregation, "seq-mean-token-mean");
  EXPECT_EQ(ConfiguredPreset(cfg, 0).opts.entropy_coeff, 0.0);
  EXPECT_EQ(rl.actor.optim.lr, 2e-6);
  EXPECT_EQ(rl.actor.optim.lr_schedule, "constant");
  EXPECT_EQ(rl.actor.optim.beta2, 0.999);
  EXPECT_EQ(rl.data.train_files, "x.jsonl");
  EXPECT_EQ(ConfiguredPreset(cfg, 1).terms[0].mask, "ppo_clip");
}

// A run's config.json (every key explicit) reproduces every phase: the same
// UPGE terms and numbers, and the same options (sft_phase.* is folded into the
// SFT phase; the SFT aggregation only matters where an SFT term exists, and the
// terms are compared through DescribeConfiguredPreset).
OrderedJson PhaseOptions(const TrainConfig& cfg, int ph) {
  OrderedJson out = OrderedJson::object();
  const OrderedJson all = OptionsToJson(PhaseConfig(cfg, ph));
  for (auto it = all.begin(); it != all.end(); ++it)
    if (it.key().rfind("sft_phase.", 0) != 0 && it.key() != "actor.sft_loss_agg_mode") out[it.key()] = it.value();
  return out;
}

TEST(PresetConfigTest, ResolvedConfigReloadsToTheSamePhases) {
  for (const auto& name : PresetRegistry().Names()) {
    const TrainConfig cfg = MinimalConfig(name, {"actor.entropy_coeff=0.002"});
    TrainConfig back;
    LoadConfigFile(WriteConfig("resolved.json", DumpPretty(OptionsToJson(ResolvedConfig(cfg)))), &back);
    EXPECT_EQ(DumpLine(DescribeConfiguredPreset(back, nullptr)), DumpLine(DescribeConfiguredPreset(cfg, nullptr))) << name;
    for (int ph = 0; ph < PresetPhases(cfg); ++ph)
      EXPECT_EQ(DumpLine(PhaseOptions(back, ph)), DumpLine(PhaseOptions(cfg, ph))) << name << " phase " << ph;
  }
}

}  // namespace
}  // namespace upt::train
