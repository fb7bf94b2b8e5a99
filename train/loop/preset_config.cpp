#include "train/loop/preset_config.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/strings.h"

namespace upt::train {
namespace {

bool IsSftTerm(const UpgeTerm& t) { return t.metric == "actor/sft_loss"; }
bool IsPureSftTerm(const UpgeTerm& t) { return IsSftTerm(t) && t.advantage == "const_one"; }

}  // namespace

int PresetPhases(const TrainConfig& cfg) { return PhaseCount(cfg); }

Preset ConfiguredPreset(const TrainConfig& cfg, int phase) {
  const TrainConfig pc = PhaseConfig(cfg, phase);
  // The phase config's effective values (preset_knobs: the preset's unless set) into its settings.
  PresetSettings s = PresetSettingsRegistry().Get(PhasePreset(cfg, phase));
  s.clip_ratio_low = pc.actor.clip_ratio_low;
  s.clip_ratio_high = pc.actor.clip_ratio_high;
  s.shaping_gamma = pc.algorithm.shaping_gamma;
  s.norm_adv_by_std = pc.algorithm.norm_adv_by_std_in_grpo;
  s.entropy_coeff = pc.actor.entropy_coeff;
  const int n = pc.rollout.n;
  if (s.layout == BatchLayout::kMixed) {
    s.n_demos = pc.algorithm.n_prefix;
    s.n_rollouts = n - pc.algorithm.n_prefix;
  } else if (s.layout != BatchLayout::kDemos) {
    s.n_rollouts = n;
  }
  if (s.layout == BatchLayout::kHpt) {
    s.switch_gate = pc.algorithm.switch_gate;
    s.switch_gate_off = pc.algorithm.switch_gate_off;
  }
  Preset p = BuildPreset(s);
  if (s.layout == BatchLayout::kHpt) p.route = ResolveHptRouteOptions(p.route);
  for (auto& t : p.terms) {
    if (IsPureSftTerm(t)) {
      t.coef = pc.algorithm.sft_loss_coef;
      if (pc.actor.sft_loss_agg_mode != "preset") t.aggregation = pc.actor.sft_loss_agg_mode;
    } else if (!IsSftTerm(t) && pc.actor.loss_agg_mode != "preset") {
      t.aggregation = pc.actor.loss_agg_mode;
    }
  }
  ValidateTerms(p.terms);
  return p;
}

OrderedJson DescribeConfiguredPreset(const TrainConfig& cfg, std::vector<std::string>* notes) {
  const PresetSettings& named = PresetSettingsRegistry().Get(cfg.algorithm.preset);
  const TrainConfig last = PhaseConfig(cfg, PresetPhases(cfg) - 1);
  OrderedJson j;
  j["preset"] = named.name;
  j["baseline"] = named.baseline;
  j["delta"] = named.delta;
  j["reference_lr"] = named.lr;
  if (notes && named.phases.empty() && named.lr != last.actor.optim.lr)
    notes->push_back(fmt::format("actor.optim.lr {} differs from the preset's reference script lr {}",
                                 last.actor.optim.lr, named.lr));
  OrderedJson phases = OrderedJson::array();
  for (int ph = 0; ph < PresetPhases(cfg); ++ph) {
    Preset p = ConfiguredPreset(cfg, ph);
    const PresetSettings& ps = p.settings;
    const PresetSettings& ref = PresetSettingsRegistry().Get(ps.name);
    OrderedJson pj;
    pj["preset"] = ps.name;
    pj["layout"] = BatchLayoutName(ps.layout);
    pj["rollouts_per_question"] = ps.layout == BatchLayout::kDemos ? 0 : ps.n_rollouts;
    pj["demos_per_question"] =
        ps.layout == BatchLayout::kMixed ? ps.n_demos : (ps.layout == BatchLayout::kDemos ? 1 : 0);
    if (ps.layout == BatchLayout::kHpt)
      pj["route"] = p.route.switch_gate_off > p.route.switch_gate
                        ? fmt::format("c <= {} -> 1 SFT demo row; {} < c <= {} -> 1 off-policy demo row; else {} GRPO rows",
                                      p.route.switch_gate, p.route.switch_gate, p.route.switch_gate_off, p.route.n)
                        : fmt::format("c <= {} -> 1 SFT demo row; else {} GRPO rows", p.route.switch_gate, p.route.n);
    OrderedJson terms = OrderedJson::array();
    for (const auto& t : p.terms)
      terms.push_back(fmt::format("{} rows={} mask={} 1/pi_ref={} A={} grad={} agg={} coef={}", t.metric,
                                  RowSelectorName(t.rows), t.mask, t.denominator, t.advantage, t.likelihood,
                                  t.aggregation, t.coef));
    pj["terms"] = terms;
    pj["entropy_coeff"] = p.opts.entropy_coeff;
    pj["norm_adv_by_std"] = p.opts.norm_adv_by_std;
    pj["clip_ratio"] = {p.opts.clip_ratio_low, p.opts.clip_ratio_high};
    pj["shaping_gamma"] = p.opts.shaping_gamma;
    if (notes && ref.entropy_coeff != p.opts.entropy_coeff)
      notes->push_back(fmt::format("phase {} ({}): actor.entropy_coeff {} differs from the preset's {}", ph, ps.name,
                                   p.opts.entropy_coeff, ref.entropy_coeff));
    phases.push_back(pj);
  }
  j["phases"] = phases;
  return j;
}

}  // namespace upt::train
