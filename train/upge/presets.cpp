#include "train/upge/presets.h"

#include <torch/torch.h>

#include <cstdio>

#include "core/error.h"

namespace upt::train {
namespace {

UpgeTerm Term(std::string metric, std::string rows, std::string mask, std::string denom, std::string adv,
              std::string agg, double coef = 1.0) {
  UpgeTerm t;
  t.metric = std::move(metric);
  t.rows = std::move(rows);
  t.mask = std::move(mask);
  t.denominator = std::move(denom);
  t.advantage = std::move(adv);
  t.aggregation = std::move(agg);
  t.coef = coef;
  return t;
}

UpgeTerm SftTerm(std::string rows, double coef = 1.0) {
  return Term("actor/sft_loss", std::move(rows), "none", "pi_theta", "const_one", "token-mean", coef);
}
// LUFFY off-policy term on demonstration tokens: -Â·p/(p+γ), no clip, Σ/L_max.
UpgeTerm OffTerm(std::string rows, std::string adv, double coef = 1.0) {
  return Term("actor/off_pg_loss", std::move(rows), "none", "one_shaped", std::move(adv), "token-sum-norm", coef);
}

Preset Sft() {
  Preset p;
  p.name = "sft";
  p.delta = "baseline: -log π_θ on demonstration tokens, pooled token-mean";
  p.terms = {SftTerm("all")};
  p.layout = "demos";
  p.n_rollouts = 0;
  p.n_demos = 1;
  p.lr = 5e-5;  // LUFFY's OpenRLHF SFT recipe (hpt_spec §6)
  return p;
}

Preset Grpo() {
  Preset p;
  p.name = "grpo";
  p.baseline = "sft";
  p.delta = "rollouts; 1/π_old (ρ, unclipped); Â = R - mean_G_on (no std); Σ/L_max; entropy 0.001 (HPT code)";
  p.terms = {Term("actor/on_pg_loss", "on", "none", "pi_old", "grpo_split", "token-sum-norm")};
  p.opts.entropy_coeff = 0.001;
  return p;
}

Preset GrpoPaper() {
  Preset p = Grpo();
  p.name = "grpo_paper";
  p.baseline = "grpo";
  p.delta = "Eq. 11: ppo_clip ε=0.2, std normalisation, (1/n)Σ_iΣ_t; no entropy bonus";
  p.terms[0].mask = "ppo_clip";
  p.terms[0].aggregation = "seq-mean-token-sum";
  p.opts.norm_adv_by_std = true;
  p.opts.entropy_coeff = 0.0;
  return p;
}

Preset GrpoClip() {
  Preset p = Grpo();
  p.name = "grpo_clip";
  p.baseline = "grpo";
  p.delta = "ppo_clip ε=0.2 on (LUFFY on-policy baseline / SFT→RL phase)";
  p.terms[0].mask = "ppo_clip";
  return p;
}

Preset DrGrpo() {
  Preset p = GrpoClip();
  p.name = "dr_grpo";
  p.baseline = "grpo_clip";
  p.delta = "modern verl Dr. GRPO: seq-mean-token-sum-norm (Σ/L_max then ÷ rows)";
  p.terms[0].aggregation = "seq-mean-token-sum-norm";
  return p;
}

Preset Gspo() {
  Preset p = GrpoPaper();
  p.name = "gspo";
  p.baseline = "grpo_paper";
  p.delta = "sequence ratio s_i (pi_old_seq), seq_clip ε 3e-4/4e-4, seq-mean-token-mean (Zheng 2025)";
  p.terms[0].mask = "seq_clip";
  p.terms[0].denominator = "pi_old_seq";
  p.terms[0].aggregation = "seq-mean-token-mean";
  p.opts.clip_ratio_low = 3e-4;
  p.opts.clip_ratio_high = 4e-4;
  return p;
}

Preset Cispo() {
  Preset p = GrpoPaper();
  p.name = "cispo";
  p.baseline = "grpo_paper";
  p.delta = "CISPO mask clip(ρ)/ρ as stop-gradient weight (ε_low 1 = none, ε_high 0.28), token-mean";
  p.terms[0].mask = "cispo";
  p.terms[0].aggregation = "token-mean";
  p.opts.clip_ratio_low = 1.0;
  p.opts.clip_ratio_high = 0.28;
  return p;
}

Preset Reinforce() {
  Preset p = Sft();
  p.name = "reinforce";
  p.baseline = "sft";
  p.delta = "rollouts with Â = ±1 (Table 1 REINFORCE row), seq-mean-token-mean";
  p.terms = {Term("actor/on_pg_loss", "on", "none", "pi_theta", "reinforce_pm1", "seq-mean-token-mean")};
  p.layout = "on_policy";
  p.n_rollouts = 8;
  p.n_demos = 0;
  p.lr = 1e-6;
  return p;
}

Preset SftThenGrpo() {
  Preset p;
  p.name = "sft_then_grpo";
  p.baseline = "sft";
  p.delta = "two phases: sft, then grpo_clip on held-out prompts (LUFFY train_sft_rl.sh)";
  p.phases = {"sft", "grpo_clip"};
  return p;
}

Preset Luffy() {
  Preset p = Grpo();
  p.name = "luffy";
  p.baseline = "grpo";
  p.delta = "7 rollouts + 1 demo per group; Â over G_on ∪ G_off (no std); demo: 1/π_ref≡1 with p/(p+0.1); no clip";
  p.terms = {Term("actor/on_pg_loss", "on", "none", "pi_old", "grpo_mixed", "token-sum-norm"),
             OffTerm("demo", "grpo_mixed")};
  p.layout = "mixed";
  p.n_rollouts = 7;
  p.n_demos = 1;
  p.opts.shaping_gamma = 0.1;
  return p;
}

Preset Srft() {
  Preset p = Luffy();
  p.name = "srft";
  p.baseline = "luffy";
  p.delta = "+ demo SFT 0.5·e^{-H} (token-mean); rollouts -w·log π, w = 0.1·e^{H} | -1, Σ/L_max";
  p.terms = {Term("actor/sft_loss", "demo", "none", "pi_theta", "srft_sft", "token-mean"),
             Term("actor/on_pg_loss", "on", "none", "pi_theta", "srft_on", "token-sum-norm"),
             OffTerm("demo", "grpo_mixed")};
  return p;
}

Preset Hpt() {
  Preset p = Grpo();
  p.name = "hpt";
  p.baseline = "grpo";
  p.delta = "c ≤ gate(0): rollouts → 1 demo row, SFT pooled token-mean × sft_loss_coef(1.0); lr 5e-6";
  p.terms = {Term("actor/on_pg_loss", "on", "none", "pi_old", "grpo_split", "token-sum-norm"),
             SftTerm("demo_sft", 1.0), OffTerm("demo_off", "grpo_split")};
  p.layout = "hpt";
  p.route = HptRouteOptions{};
  p.lr = 5e-6;
  return p;
}

Preset HptVariant(std::string name, std::string delta) {
  Preset p = Hpt();
  p.name = std::move(name);
  p.baseline = "hpt";
  p.delta = std::move(delta);
  return p;
}

}  // namespace

void RegisterPresets(Registry<Preset>& r) {
  std::vector<Preset> all = {Sft(), Grpo(), GrpoPaper(), GrpoClip(), DrGrpo(), Gspo(), Cispo(), Reinforce(),
                             SftThenGrpo(), Luffy(), Srft(), Hpt()};
  {
    Preset p = HptVariant("hpt_paper", "GRPO part as Eq. 11: ppo_clip 0.2, std, seq-mean-token-sum; no entropy");
    p.terms[0].mask = "ppo_clip";
    p.terms[0].aggregation = "seq-mean-token-sum";
    p.opts.norm_adv_by_std = true;
    p.opts.entropy_coeff = 0.0;
    all.push_back(p);
  }
  {
    Preset p = HptVariant("hpt_1p5b", "sft_loss_coef 0.3 (Qwen2.5-Math-1.5B)");
    p.terms[1].coef = 0.3;
    all.push_back(p);
  }
  {
    Preset p = HptVariant("hpt_llama", "gate 2: SFT when ≤ 2 of 8 correct (LLaMA-3.1-8B)");
    p.route.switch_gate = 2;
    all.push_back(p);
  }
  for (int g : {1, 2}) {
    Preset p = HptVariant("hpt_gate" + std::to_string(g), "Table 6 ablation: gate " + std::to_string(g) + "/8");
    p.route.switch_gate = g;
    all.push_back(p);
  }
  {
    Preset p = HptVariant("hpt_offline_off", "Table 5 OFF/ON: gated demo trained by the LUFFY off-policy loss");
    p.route.offline_learner = "off";
    all.push_back(p);
  }
  {
    Preset p = HptVariant("hpt_offline_mix", "Table 5 Mix/ON: gated demo trained by SFT + off-policy loss");
    p.route.offline_learner = "mix";
    all.push_back(p);
  }
  for (auto& p : all) {
    ValidateTerms(p.terms);
    std::string name = p.name, help = p.delta;
    r.Add(name, std::move(p), std::move(help));
  }
}

const Registry<Preset>& PresetRegistry() {
  static const Registry<Preset> reg = [] {
    Registry<Preset> r("preset");
    RegisterPresets(r);
    return r;
  }();
  return reg;
}

Preset ApplyOverrides(Preset p, const PresetOverrides& o) {
  for (auto& t : p.terms) {
    if (t.metric == "actor/on_pg_loss") {
      if (!o.pg_mask.empty()) t.mask = o.pg_mask;
      if (!o.pg_aggregation.empty()) t.aggregation = o.pg_aggregation;
    }
    if (t.metric == "actor/sft_loss" && o.sft_loss_coef >= 0) t.coef = o.sft_loss_coef;
    if (t.metric == "actor/off_pg_loss" && o.off_loss_coef >= 0) t.coef = o.off_loss_coef;
  }
  ValidateTerms(p.terms);
  return p;
}

std::string PresetTable() {
  std::string out =
      "| preset | baseline | layout | term | rows | mask | 1/π_ref | Â | aggregation | coef | std | entropy | lr |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& name : PresetRegistry().Names()) {
    const Preset& p = PresetRegistry().Get(name);
    auto fmt = [](double x) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", x);
      return std::string(buf);
    };
    if (!p.phases.empty()) {
      std::string ph;
      for (const auto& s : p.phases) ph += (ph.empty() ? "" : " → ") + s;
      out += "| " + name + " | " + p.baseline + " | phases | " + ph + " | | | | | | | | | |\n";
      continue;
    }
    std::string layout = p.layout;
    if (p.layout == "on_policy") layout += " " + std::to_string(p.n_rollouts);
    if (p.layout == "mixed") layout += " " + std::to_string(p.n_rollouts) + "+" + std::to_string(p.n_demos);
    if (p.layout == "hpt") layout += " n " + std::to_string(p.route.n) + ",";
    if (p.layout == "hpt")
      layout += " gate " + std::to_string(p.route.switch_gate) + ", " + p.route.offline_learner;
    for (const auto& t : p.terms) {
      out += "| " + name + " | " + p.baseline + " | " + layout + " | " + t.metric.substr(t.metric.find('/') + 1) +
             " | " + t.rows + " | " + t.mask + " | " + t.denominator + " | " + t.advantage + " | " + t.aggregation +
             " | " + fmt(t.coef) + " | " + (p.opts.norm_adv_by_std ? "yes" : "no") + " | " +
             fmt(p.opts.entropy_coeff) + " | " + fmt(p.lr) + " |\n";
    }
  }
  return out;
}

LossOutput PresetLoss(const Preset& p, const RolloutBatch& b, const std::vector<at::Tensor>* advantages) {
  return PresetLoss(p, b, advantages, NormaliserReducer());
}

LossOutput PresetLoss(const Preset& p, const RolloutBatch& b, const std::vector<at::Tensor>* advantages,
                      const NormaliserReducer& to_global) {
  if (!p.phases.empty()) {
    std::string ph;
    for (const auto& s : p.phases) ph += (ph.empty() ? "" : ", ") + s;
    throw Error("preset '" + p.name + "' has phases (" + ph + ")", "PresetLoss",
                "run each phase with its own preset");
  }
  return ComputeUpgeLoss(p.terms, p.opts, b, advantages, to_global);
}

}  // namespace upt::train
