#include "train/upge/settings/preset_settings.h"

namespace upt::train {
namespace {

// LUFFY README SFT recipe (OpenRLHF train_sft: lr 5e-5, 3 epochs, batch 64,
// micro-batch 1, warm-up ratio 0.1) with OpenRLHF's defaults the recipe keeps:
// cosine_with_min_lr to 0.1·lr, Adam betas (0.9, 0.95), l2 0. Micro-batch 1
// averages each sample's token-mean: seq-mean-token-mean.
PresetSettings Sft() {
  PresetSettings s;
  s.name = "sft";
  s.delta = "baseline: -log π_θ on demonstration tokens, per-sample token-mean (LUFFY/OpenRLHF recipe)";
  s.family = PresetFamily::kSft;
  s.layout = BatchLayout::kDemos;
  s.n_rollouts = 0;
  s.n_demos = 1;
  s.sft_loss_agg = "seq-mean-token-mean";
  s.lr = 5e-5;
  s.warmup_ratio = 0.1;
  s.lr_schedule = "cosine";
  s.min_lr_ratio = 0.1;
  s.beta2 = 0.95;
  s.weight_decay = 0.0;
  return s;
}

// HPT train.sh without demonstrations: loss_remove_clip, grpo_use_std=False,
// loss_remove_token_mean (Σ/L_max), entropy 0.001, AdamW wd 0.01 constant.
PresetSettings Grpo() {
  PresetSettings s;
  s.name = "grpo";
  s.baseline = "sft";
  s.delta = "rollouts; 1/π_old (ρ, unclipped); Â = R - mean_G_on (no std); Σ/L_max; entropy 0.001 (HPT code)";
  s.entropy_coeff = 0.001;
  return s;
}

PresetSettings Delta(PresetSettings s, std::string name, std::string baseline, std::string delta) {
  s.name = std::move(name);
  s.baseline = std::move(baseline);
  s.delta = std::move(delta);
  return s;
}

PresetSettings GrpoPaper() {
  PresetSettings s = Delta(Grpo(), "grpo_paper", "grpo", "Eq. 11: ppo_clip ε=0.2, std normalisation, (1/n)Σ_iΣ_t; no entropy bonus");
  s.pg_mask = "ppo_clip";
  s.pg_aggregation = "seq-mean-token-sum";
  s.norm_adv_by_std = true;
  s.entropy_coeff = 0.0;
  return s;
}

PresetSettings Luffy() {
  PresetSettings s = Delta(Grpo(), "luffy", "grpo",
                           "7 rollouts + 1 demo per group; Â over G_on ∪ G_off (no std); demo: 1/π_ref≡1 with p/(p+0.1); no clip");
  s.family = PresetFamily::kLuffy;
  s.layout = BatchLayout::kMixed;
  s.n_rollouts = 7;
  s.n_demos = 1;
  s.pg_advantage = "grpo_mixed";
  return s;
}

PresetSettings Hpt() {
  PresetSettings s = Delta(Grpo(), "hpt", "grpo",
                           "c ≤ gate(0): rollouts → 1 demo row, SFT token-mean × sft_loss_coef(1.0); lr 5e-6");
  s.family = PresetFamily::kHpt;
  s.layout = BatchLayout::kHpt;
  s.lr = 5e-6;
  return s;
}

std::vector<PresetSettings> AllPresets() {
  std::vector<PresetSettings> all = {Sft(), Grpo(), GrpoPaper()};
  {
    PresetSettings s = Delta(Grpo(), "grpo_clip", "grpo", "ppo_clip ε=0.2 on (LUFFY on-policy baseline / SFT→RL phase)");
    s.pg_mask = "ppo_clip";
    all.push_back(s);
    PresetSettings d = Delta(s, "dr_grpo", "grpo_clip", "modern verl Dr. GRPO: seq-mean-token-sum-norm (Σ/L_max then ÷ rows)");
    d.pg_aggregation = "seq-mean-token-sum-norm";
    all.push_back(d);
  }
  {
    PresetSettings s = Delta(GrpoPaper(), "gspo", "grpo_paper",
                             "sequence ratio s_i (pi_old_seq), seq_clip ε 3e-4/4e-4, seq-mean-token-mean (Zheng 2025)");
    s.pg_mask = "seq_clip";
    s.pg_denominator = "pi_old_seq";
    s.pg_aggregation = "seq-mean-token-mean";
    s.clip_ratio_low = 3e-4;
    s.clip_ratio_high = 4e-4;
    all.push_back(s);
  }
  {
    PresetSettings s = Delta(GrpoPaper(), "cispo", "grpo_paper",
                             "CISPO mask clip(ρ)/ρ as stop-gradient weight (ε_low 1 = none, ε_high 0.28), token-mean");
    s.pg_mask = "cispo";
    s.pg_aggregation = "token-mean";
    s.clip_ratio_low = 1.0;
    s.clip_ratio_high = 0.28;
    all.push_back(s);
  }
  {
    PresetSettings s = Delta(Grpo(), "reinforce", "sft", "rollouts with Â = ±1 (Table 1 REINFORCE row), seq-mean-token-mean");
    s.pg_denominator = "pi_theta";
    s.pg_advantage = "reinforce_pm1";
    s.pg_aggregation = "seq-mean-token-mean";
    s.entropy_coeff = 0.0;
    all.push_back(s);
  }
  {
    PresetSettings s;
    s.name = "sft_then_grpo";
    s.baseline = "sft";
    s.delta = "two phases: sft, then grpo_clip on held-out prompts with a fresh optimizer (LUFFY train_sft_rl.sh)";
    s.family = PresetFamily::kPhases;
    s.phases = {"sft", "grpo_clip"};
    all.push_back(s);
  }
  all.push_back(Luffy());
  {
    PresetSettings s = Delta(Luffy(), "srft", "luffy",
                             "+ demo SFT 0.5·e^{-H} (token-mean); rollouts -w·log π, w = 0.1·e^{H} | -1, Σ/L_max");
    s.family = PresetFamily::kSrft;
    all.push_back(s);
  }
  all.push_back(Hpt());
  {
    PresetSettings s = Delta(Hpt(), "hpt_paper", "hpt", "GRPO part as Eq. 11: ppo_clip 0.2, std, seq-mean-token-sum; no entropy");
    s.pg_mask = "ppo_clip";
    s.pg_aggregation = "seq-mean-token-sum";
    s.norm_adv_by_std = true;
    s.entropy_coeff = 0.0;
    all.push_back(s);
  }
  {
    PresetSettings s = Delta(Hpt(), "hpt_1p5b", "hpt", "sft_loss_coef 0.3 (Qwen2.5-Math-1.5B)");
    s.sft_loss_coef = 0.3;
    all.push_back(s);
  }
  {
    PresetSettings s = Delta(Hpt(), "hpt_llama", "hpt", "gate 2: SFT when ≤ 2 of 8 correct (LLaMA-3.1-8B)");
    s.switch_gate = 2;
    all.push_back(s);
  }
  for (int g : {1, 2}) {
    PresetSettings s = Delta(Hpt(), "hpt_gate" + std::to_string(g), "hpt", "Table 6 ablation: gate " + std::to_string(g) + "/8");
    s.switch_gate = g;
    all.push_back(s);
  }
  {
    PresetSettings s = Delta(Hpt(), "hpt_offline_off", "hpt", "Table 5 OFF/ON: gated demo trained by the LUFFY off-policy loss");
    s.offline_learner = "off";
    all.push_back(s);
    s = Delta(Hpt(), "hpt_offline_mix", "hpt", "Table 5 Mix/ON: gated demo trained by SFT + off-policy loss");
    s.offline_learner = "mix";
    all.push_back(s);
  }
  return all;
}

}  // namespace

const Registry<PresetSettings>& PresetSettingsRegistry() {
  static const Registry<PresetSettings> reg = [] {
    Registry<PresetSettings> r("preset");
    for (auto& s : AllPresets()) {
      std::string name = s.name, help = s.delta;
      r.Add(name, std::move(s), std::move(help));
    }
    return r;
  }();
  return reg;
}

}  // namespace upt::train
