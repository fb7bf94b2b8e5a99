#include "train/upge/hpt_route.h"

#include "core/error.h"

namespace upt::train {

const char* HptRouteName(HptRoute r) {
  switch (r) {
    case HptRoute::kRl: return "rl";
    case HptRoute::kDemoSft: return "demo_sft";
    case HptRoute::kDemoOff: return "demo_off";
    case HptRoute::kDemoMix: return "demo_mix";
  }
  return "?";
}

HptRouteOptions ResolveHptRouteOptions(HptRouteOptions opts) {
  if (opts.n <= 0) throw Error("n must be positive", "hpt route: field 'n'", "set n to the rollouts per question, e.g. 8");
  if (opts.switch_gate < 0)
    throw Error("switch_gate must be >= 0", "hpt route: field 'switch_gate'", "0 = SFT only when every rollout fails");
  if (opts.switch_gate_off < 0) opts.switch_gate_off = opts.switch_gate;
  if (opts.switch_gate_off < opts.switch_gate)
    throw Error("switch_gate_off must be >= switch_gate", "hpt route: field 'switch_gate_off'",
                "use -1 for an empty off-policy band");
  if (opts.offline_learner != "sft" && opts.offline_learner != "off" && opts.offline_learner != "mix")
    throw Error("unknown offline learner '" + opts.offline_learner + "'", "hpt route: field 'offline_learner'",
                "use one of: mix, off, sft");
  return opts;
}

HptRoute RouteQuestion(int c, const HptRouteOptions& o) {
  if (c <= o.switch_gate) {
    if (o.offline_learner == "off") return HptRoute::kDemoOff;
    if (o.offline_learner == "mix") return HptRoute::kDemoMix;
    return HptRoute::kDemoSft;
  }
  if (c <= o.switch_gate_off) return HptRoute::kDemoOff;
  return HptRoute::kRl;
}

static uint8_t DemoLossBits(HptRoute r) {
  switch (r) {
    case HptRoute::kDemoSft: return kDemoLossSft;
    case HptRoute::kDemoOff: return kDemoLossOff;
    case HptRoute::kDemoMix: return kDemoLossSft | kDemoLossOff;
    case HptRoute::kRl: return 0;
  }
  return 0;
}

HptRouting RouteHpt(const std::vector<int>& correct, const HptRouteOptions& opts_in) {
  HptRouteOptions o = ResolveHptRouteOptions(opts_in);
  HptRouting out;
  out.routes.reserve(correct.size());
  int demo_rows = 0;
  for (size_t q = 0; q < correct.size(); ++q) {
    int c = correct[q];
    if (c < 0 || c > o.n)
      throw Error("correct count " + std::to_string(c) + " outside [0, " + std::to_string(o.n) + "]",
                  "hpt route: question " + std::to_string(q), "pass the number of correct rollouts of n");
    HptRoute r = RouteQuestion(c, o);
    out.routes.push_back(r);
    if (r == HptRoute::kRl) {
      ++out.rl_questions;
      for (int i = 0; i < o.n; ++i) out.rows.push_back(RoutedRow{static_cast<int>(q), i, false, 0});
    } else {
      ++out.demo_questions;
      ++demo_rows;
      out.rows.push_back(RoutedRow{static_cast<int>(q), -1, true, DemoLossBits(r)});
    }
  }
  out.offline_data_ratio = out.rows.empty() ? 0.0 : static_cast<double>(demo_rows) / out.rows.size();
  return out;
}

}  // namespace upt::train
