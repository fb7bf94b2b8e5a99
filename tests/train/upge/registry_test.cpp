// Every registry's unknown-name error lists the valid names.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/error.h"
#include "train/upge/presets.h"
#include "tests/train/upge/upge_test_util.h"

namespace upt::train {
namespace {

template <class R>
void ExpectUnknownListsNames(const R& reg) {
  try {
    reg.Get("no_such_choice");
    FAIL() << reg.kind();
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("no_such_choice"), std::string::npos) << msg;
    for (const auto& n : reg.Names()) EXPECT_NE(msg.find(n), std::string::npos) << reg.kind() << ": " << n;
  }
}

TEST(UpgeRegistryTest, UnknownNamesListValidOnes) {
  ExpectUnknownListsNames(MaskRegistry());
  ExpectUnknownListsNames(DenominatorRegistry());
  ExpectUnknownListsNames(AdvantageRegistry());
  ExpectUnknownListsNames(LikelihoodRegistry());
  ExpectUnknownListsNames(AggregationRegistry());
  ExpectUnknownListsNames(PresetRegistry());
}

TEST(UpgeRegistryTest, RegistriesHoldThePaperChoices) {
  for (const char* n : {"none", "ppo_clip", "seq_clip", "dual_clip", "cispo"}) EXPECT_TRUE(MaskRegistry().Has(n)) << n;
  for (const char* n : {"pi_theta", "pi_old", "one", "one_shaped", "pi_old_seq"})
    EXPECT_TRUE(DenominatorRegistry().Has(n)) << n;
  for (const char* n : {"const_one", "grpo_split", "grpo_mixed", "reinforce_pm1", "srft_on", "srft_sft"})
    EXPECT_TRUE(AdvantageRegistry().Has(n)) << n;
  EXPECT_EQ(LikelihoodRegistry().Names(), std::vector<std::string>{"token"});
  for (const char* n : {"token-mean", "seq-mean-token-mean", "seq-mean-token-sum", "seq-mean-token-sum-norm",
                        "token-sum-norm"})
    EXPECT_TRUE(AggregationRegistry().Has(n)) << n;
  for (const char* n : {"sft", "grpo", "grpo_paper", "sft_then_grpo", "luffy", "hpt", "srft", "hpt_offline_off",
                        "hpt_offline_mix", "hpt_gate1", "hpt_gate2"})
    EXPECT_TRUE(PresetRegistry().Has(n)) << n;
}

TEST(UpgeRegistryTest, BadTermFieldsNameTheFieldAndChoices) {
  UpgeTerm t;
  t.denominator = "pi_reff";
  try {
    ValidateTerms({t});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.where().find("denominator"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("pi_old"), std::string::npos);
  }
  UpgeOptions o;
  o.kl_loss_coef = 1;
  o.kl_loss_type = "k9";
  auto b = testing::ToBatch(testing::MakeHandBatch());
  b.ref_logp = b.old_logp;
  try {
    ComputeUpgeLoss({}, o, b);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("low_var_kl"), std::string::npos);
  }
}

TEST(UpgeRegistryTest, MissingInputsAreErrorsWithHints) {
  auto b = testing::ToBatch(testing::MakeHandBatch());
  b.entropy = at::Tensor();
  const Preset& grpo = PresetRegistry().Get("grpo");  // entropy_coeff 0.001
  EXPECT_THROW(PresetLoss(grpo, b), Error);
  b.reward = b.reward.narrow(0, 0, 2);
  try {
    ComputeUpgeLoss({}, UpgeOptions{}, b);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.where().find("reward"), std::string::npos);
  }
  EXPECT_THROW(PresetLoss(PresetRegistry().Get("sft_then_grpo"), testing::ToBatch(testing::MakeHandBatch())), Error);
}

TEST(UpgeRegistryTest, PresetsDocumentTheirBaseline) {
  for (const auto& n : PresetRegistry().Names()) {
    const Preset& p = PresetRegistry().Get(n);
    EXPECT_FALSE(p.settings.delta.empty()) << n;
    if (n != "sft") {
      EXPECT_TRUE(PresetRegistry().Has(p.settings.baseline)) << n << " baseline '" << p.settings.baseline << "'";
    }
    for (const auto& ph : p.settings.phases) EXPECT_TRUE(PresetRegistry().Has(ph)) << n << " phase " << ph;
  }
  EXPECT_EQ(PresetRegistry().Get("sft_then_grpo").settings.phases, (std::vector<std::string>{"sft", "grpo_clip"}));
}

// The torch-side Preset holds its settings as they are in the torch-free table
// and derives the estimator options and the HPT route from them.
TEST(UpgeRegistryTest, PresetsAreBuiltFromTheSettingsTable) {
  for (const auto& n : PresetSettingsRegistry().Names()) {
    const PresetSettings& s = PresetSettingsRegistry().Get(n);
    const Preset& p = PresetRegistry().Get(n);
    EXPECT_EQ(p.settings.name, s.name);
    EXPECT_EQ(p.settings.layout, s.layout) << n;
    EXPECT_EQ(p.settings.lr, s.lr) << n;
    EXPECT_EQ(p.opts.clip_ratio_low, s.clip_ratio_low) << n;
    EXPECT_EQ(p.opts.clip_ratio_high, s.clip_ratio_high) << n;
    EXPECT_EQ(p.opts.norm_adv_by_std, s.norm_adv_by_std) << n;
    EXPECT_EQ(p.opts.entropy_coeff, s.entropy_coeff) << n;
    EXPECT_EQ(p.opts.shaping_gamma, s.shaping_gamma) << n;
    EXPECT_EQ(p.route.n, s.n_rollouts) << n;
    EXPECT_EQ(p.route.switch_gate, s.switch_gate) << n;
  }
  PresetSettings s = PresetSettingsRegistry().Get("hpt");
  s.sft_loss_coef = 0.25;
  s.entropy_coeff = 0.5;
  const Preset p = BuildPreset(s);
  EXPECT_DOUBLE_EQ(p.opts.entropy_coeff, 0.5);
  EXPECT_DOUBLE_EQ(p.terms[1].coef, 0.25);
}

TEST(PresetOverrideTest, OverridesChangeOnlyTheNamedTerms) {
  PresetOverrides o;
  o.pg_mask = "ppo_clip";
  o.sft_loss_coef = 0.3;
  Preset p = ApplyOverrides(PresetRegistry().Get("hpt"), o);
  EXPECT_EQ(p.terms[0].mask, "ppo_clip");
  EXPECT_EQ(p.terms[0].aggregation, "token-sum-norm");
  EXPECT_DOUBLE_EQ(p.terms[1].coef, 0.3);
  EXPECT_DOUBLE_EQ(p.terms[2].coef, 1.0);
  EXPECT_EQ(p.terms[2].mask, "none");  // the off-policy term keeps its mask
  o = PresetOverrides{};
  o.pg_aggregation = "seq-mean";
  EXPECT_THROW(ApplyOverrides(PresetRegistry().Get("grpo"), o), Error);
}

TEST(PresetOverrideTest, DocsTableMatchesTheRegistry) {
  std::ifstream in(std::string(UPT_SOURCE_DIR) + "/docs/upge.md");
  ASSERT_TRUE(in.good()) << "docs/upge.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string table = PresetTable();
  EXPECT_NE(ss.str().find(table), std::string::npos) << "update docs/upge.md with:\n" << table;
}

}  // namespace
}  // namespace upt::train
