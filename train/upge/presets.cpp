#include "train/upge/presets.h"

#include <torch/torch.h>

#include <cstdio>

#include "core/error.h"
#include "train/upge/settings/preset_settings.h"

namespace upt::train {
namespace {

UpgeTerm Term(std::string metric, RowSelector rows, std::string mask, std::string denom, std::string adv,
              std::string agg, double coef = 1.0) {
  UpgeTerm t;
  t.metric = std::move(metric);
  t.rows = rows;
  t.mask = std::move(mask);
  t.denominator = std::move(denom);
  t.advantage = std::move(adv);
  t.aggregation = std::move(agg);
  t.coef = coef;
  return t;
}

UpgeTerm SftTerm(RowSelector rows, double coef, std::string agg) {
  return Term("actor/sft_loss", rows, "none", "pi_theta", "const_one", std::move(agg), coef);
}
// LUFFY off-policy term on demonstration tokens: -Â·p/(p+γ), no clip, Σ/L_max.
UpgeTerm OffTerm(RowSelector rows, std::string adv, double coef = 1.0) {
  return Term("actor/off_pg_loss", rows, "none", "one_shaped", std::move(adv), "token-sum-norm", coef);
}

// The UPGE terms of a preset family (PresetSettings::family) with its parts.
std::vector<UpgeTerm> FamilyTerms(const PresetSettings& s) {
  auto pg = [&s](std::string adv) {
    return Term("actor/on_pg_loss", RowSelector::kOn, s.pg_mask, s.pg_denominator, std::move(adv), s.pg_aggregation);
  };
  switch (s.family) {
    case PresetFamily::kSft: return {SftTerm(RowSelector::kAll, s.sft_loss_coef, s.sft_loss_agg)};
    case PresetFamily::kPg: return {pg(s.pg_advantage)};
    case PresetFamily::kLuffy: return {pg(s.pg_advantage), OffTerm(RowSelector::kDemo, s.pg_advantage)};
    case PresetFamily::kSrft:
      return {Term("actor/sft_loss", RowSelector::kDemo, "none", "pi_theta", "srft_sft", "token-mean"),
              Term("actor/on_pg_loss", RowSelector::kOn, "none", "pi_theta", "srft_on", "token-sum-norm"),
              OffTerm(RowSelector::kDemo, "grpo_mixed")};
    case PresetFamily::kHpt:
      return {pg(s.pg_advantage), SftTerm(RowSelector::kDemoSft, s.sft_loss_coef, s.sft_loss_agg),
              OffTerm(RowSelector::kDemoOff, s.pg_advantage)};
    case PresetFamily::kPhases: return {};
  }
  throw Error("preset family without terms", "preset '" + s.name + "'");
}

}  // namespace

Preset BuildPreset(const PresetSettings& s) {
  Preset p;
  p.settings = s;
  p.terms = FamilyTerms(s);
  p.opts.clip_ratio_low = s.clip_ratio_low;
  p.opts.clip_ratio_high = s.clip_ratio_high;
  p.opts.norm_adv_by_std = s.norm_adv_by_std;
  p.opts.entropy_coeff = s.entropy_coeff;
  p.opts.shaping_gamma = s.shaping_gamma;
  p.route.n = s.n_rollouts;
  p.route.switch_gate = s.switch_gate;
  p.route.switch_gate_off = s.switch_gate_off;
  p.route.offline_learner = s.offline_learner;
  ValidateTerms(p.terms);
  return p;
}

void RegisterPresets(Registry<Preset>& r) {
  const auto& table = PresetSettingsRegistry();
  for (const auto& name : table.Names()) {
    Preset p = BuildPreset(table.Get(name));
    std::string help = p.settings.delta;
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
    const Preset& pr = PresetRegistry().Get(name);
    const PresetSettings& p = pr.settings;
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
    std::string layout = BatchLayoutName(p.layout);
    if (p.layout == BatchLayout::kOnPolicy) layout += " " + std::to_string(p.n_rollouts);
    if (p.layout == BatchLayout::kMixed) layout += " " + std::to_string(p.n_rollouts) + "+" + std::to_string(p.n_demos);
    if (p.layout == BatchLayout::kHpt)
      layout += " n " + std::to_string(pr.route.n) + ", gate " + std::to_string(pr.route.switch_gate) + ", " +
                pr.route.offline_learner;
    for (const auto& t : pr.terms) {
      out += "| " + name + " | " + p.baseline + " | " + layout + " | " + t.metric.substr(t.metric.find('/') + 1) +
             " | " + RowSelectorName(t.rows) + " | " + t.mask + " | " + t.denominator + " | " + t.advantage + " | " + t.aggregation +
             " | " + fmt(t.coef) + " | " + (pr.opts.norm_adv_by_std ? "yes" : "no") + " | " +
             fmt(pr.opts.entropy_coeff) + " | " + fmt(p.lr) + " |\n";
    }
  }
  return out;
}

LossOutput PresetLoss(const Preset& p, const RolloutBatch& b, const std::vector<at::Tensor>* advantages) {
  return PresetLoss(p, b, advantages, NormaliserReducer());
}

LossOutput PresetLoss(const Preset& p, const RolloutBatch& b, const std::vector<at::Tensor>* advantages,
                      const NormaliserReducer& to_global) {
  if (!p.settings.phases.empty()) {
    std::string ph;
    for (const auto& s : p.settings.phases) ph += (ph.empty() ? "" : ", ") + s;
    throw Error("preset '" + p.settings.name + "' has phases (" + ph + ")", "PresetLoss",
                "run each phase with its own preset");
  }
  return ComputeUpgeLoss(p.terms, p.opts, b, advantages, to_global);
}

}  // namespace upt::train
