#include "train/loop/preset_config.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/strings.h"

namespace upt::train {
namespace {

double ShapingGamma(const TrainConfig& cfg) {
  const std::string& r = cfg.algorithm.off_policy_reshape;
  double g = 0;
  if (StartsWith(r, "p_div_p_") && ParseDouble(r.substr(8), &g) && g > 0 && g != cfg.algorithm.shaping_gamma &&
      cfg.algorithm.shaping_gamma == 0.1)
    return g;  // the γ written in the verl-style name wins over the untouched default
  return cfg.algorithm.shaping_gamma;
}

bool IsSftTerm(const UpgeTerm& t) { return t.metric == "actor/sft_loss"; }

}  // namespace

int PresetPhases(const TrainConfig& cfg) {
  const Preset& p = PresetRegistry().Get(cfg.algorithm.preset);
  return p.phases.empty() ? 1 : static_cast<int>(p.phases.size());
}

Preset ConfiguredPreset(const TrainConfig& cfg, int phase) {
  Preset p = PresetRegistry().Get(cfg.algorithm.preset);
  if (!p.phases.empty()) {
    const int i = std::min<int>(phase, static_cast<int>(p.phases.size()) - 1);
    p = PresetRegistry().Get(p.phases[i]);
  }
  p.opts.clip_ratio_low = cfg.actor.clip_ratio_low;
  p.opts.clip_ratio_high = cfg.actor.clip_ratio_high;
  p.opts.shaping_gamma = ShapingGamma(cfg);
  p.opts.norm_adv_by_std = cfg.algorithm.norm_adv_by_std_in_grpo;
  // The entropy bonus is an RL-phase knob: pure SFT phases keep the preset's (0).
  if (p.layout != "demos") p.opts.entropy_coeff = cfg.actor.entropy_coeff;
  const int n = cfg.rollout.n;
  if (p.layout == "mixed") {
    p.n_demos = cfg.algorithm.n_prefix;
    p.n_rollouts = n - cfg.algorithm.n_prefix;
  } else {
    p.n_rollouts = n;
  }
  if (p.layout == "hpt") {
    p.route.n = n;
    p.route.switch_gate = cfg.algorithm.switch_gate;
    p.route.switch_gate_off = cfg.algorithm.switch_gate_off;
    p.route = ResolveHptRouteOptions(p.route);
    for (auto& t : p.terms)
      if (IsSftTerm(t)) t.coef = cfg.algorithm.sft_loss_coef;
  }
  if (cfg.actor.loss_agg_mode != "preset")
    for (auto& t : p.terms)
      if (!IsSftTerm(t)) t.aggregation = cfg.actor.loss_agg_mode;
  return p;
}

OrderedJson DescribeConfiguredPreset(const TrainConfig& cfg, std::vector<std::string>* notes) {
  const Preset& named = PresetRegistry().Get(cfg.algorithm.preset);
  OrderedJson j;
  j["preset"] = named.name;
  j["baseline"] = named.baseline;
  j["delta"] = named.delta;
  j["reference_lr"] = named.lr;
  if (notes && named.lr != cfg.actor.optim.lr)
    notes->push_back(fmt::format("actor.optim.lr {} differs from the preset's reference script lr {}",
                                 cfg.actor.optim.lr, named.lr));
  OrderedJson phases = OrderedJson::array();
  for (int ph = 0; ph < PresetPhases(cfg); ++ph) {
    Preset p = ConfiguredPreset(cfg, ph);
    const Preset& ref = PresetRegistry().Get(p.name);
    OrderedJson pj;
    pj["preset"] = p.name;
    pj["layout"] = p.layout;
    pj["rollouts_per_question"] = p.layout == "demos" ? 0 : p.n_rollouts;
    pj["demos_per_question"] = p.layout == "mixed" ? p.n_demos : (p.layout == "demos" ? 1 : 0);
    if (p.layout == "hpt")
      pj["route"] = p.route.switch_gate_off > p.route.switch_gate
                        ? fmt::format("c <= {} -> 1 SFT demo row; {} < c <= {} -> 1 off-policy demo row; else {} GRPO rows",
                                      p.route.switch_gate, p.route.switch_gate, p.route.switch_gate_off, p.route.n)
                        : fmt::format("c <= {} -> 1 SFT demo row; else {} GRPO rows", p.route.switch_gate, p.route.n);
    OrderedJson terms = OrderedJson::array();
    for (const auto& t : p.terms)
      terms.push_back(fmt::format("{} rows={} mask={} 1/pi_ref={} A={} grad={} agg={} coef={}", t.metric, t.rows,
                                  t.mask, t.denominator, t.advantage, t.likelihood, t.aggregation, t.coef));
    pj["terms"] = terms;
    pj["entropy_coeff"] = p.opts.entropy_coeff;
    pj["norm_adv_by_std"] = p.opts.norm_adv_by_std;
    pj["clip_ratio"] = {p.opts.clip_ratio_low, p.opts.clip_ratio_high};
    pj["shaping_gamma"] = p.opts.shaping_gamma;
    if (notes && ref.opts.entropy_coeff != p.opts.entropy_coeff)
      notes->push_back(fmt::format("phase {} ({}): actor.entropy_coeff {} differs from the preset's {}", ph, p.name,
                                   p.opts.entropy_coeff, ref.opts.entropy_coeff));
    phases.push_back(pj);
  }
  j["phases"] = phases;
  return j;
}

}  // namespace upt::train
