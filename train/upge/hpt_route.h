// HPT routing (Hybrid Post-Training, arXiv 2509.04419 Algorithm 1; code:
// mix_trainer.py `select_on_off_ada_balance`, unify_strategy=switch). Pure C++,
// no torch: the training loop calls it after scoring the rollouts, and the
// estimator only sees the routed rows.
//
// Per question q with c_q correct rollouts out of n:
//   c_q <= switch_gate                     -> drop the n rollouts, add ONE
//                                             demonstration row trained by the
//                                             offline learner (default SFT);
//   switch_gate < c_q <= switch_gate_off   -> drop the rollouts, add one
//                                             demonstration row trained by the
//                                             off-policy (LUFFY-style) loss;
//   c_q > switch_gate_off                  -> keep the n rollouts (GRPO rows).
// All-wrong (c=0) is always SFT since gates are >= 0; all-correct (c=n) stays
// RL with zero advantage (no dynamic-sampling filter, hpt_spec §4.2 item 6).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace upt::train {

// Bits of a demonstration row's `demo_loss` (which demonstration terms of a
// preset apply to it; see RolloutBatch::demo_loss).
inline constexpr uint8_t kDemoLossSft = 1;
inline constexpr uint8_t kDemoLossOff = 2;

struct HptRouteOptions {
  int n = 8;                              // rollouts per question (n_verify)
  int switch_gate = 0;                    // c <= gate -> demonstration (offline learner)
  int switch_gate_off = -1;               // gate < c <= gate_off -> off-policy demo; -1 = gate (empty band)
  std::string offline_learner = "sft";    // sft | off | mix : loss for demos routed by switch_gate
  template <class V>
  void ForEach(V&& v) {
    v("n", n, "rollouts per question (n_verify)");
    v("switch_gate", switch_gate, "questions with correct count <= gate train one demonstration row");
    v("switch_gate_off", switch_gate_off, "gate < c <= gate_off: demonstration trained off-policy; -1 = same as gate");
    v("offline_learner", offline_learner, "loss on gated demonstrations: sft | off | mix (hpt_spec 4.4 Table 5)");
  }
};

enum class HptRoute { kRl, kDemoSft, kDemoOff, kDemoMix };
const char* HptRouteName(HptRoute r);

// One routed row: rollout `rollout` of question `question`, or (rollout == -1)
// the question's demonstration.
struct RoutedRow {
  int question = 0;
  int rollout = -1;
  bool is_demo = false;
  uint8_t demo_loss = 0;  // kDemoLossSft | kDemoLossOff bits; 0 for rollouts
};

struct HptRouting {
  std::vector<HptRoute> routes;    // one per question
  std::vector<RoutedRow> rows;     // routed batch, in question order
  int rl_questions = 0;            // questions kept as n GRPO rows
  int demo_questions = 0;          // questions replaced by a demonstration row
  // Demonstration rows / routed rows (what the estimator reports as
  // hpt/offline_data_ratio for the step).
  double offline_data_ratio = 0.0;
};

// Validates options (throws upt::Error naming the field) and resolves -1.
HptRouteOptions ResolveHptRouteOptions(HptRouteOptions opts);

// Routes questions given correct counts c_q in [0, n]. Throws upt::Error on a
// count outside [0, n] or bad options.
HptRouting RouteHpt(const std::vector<int>& correct, const HptRouteOptions& opts);

// The route of a single question with c correct rollouts (options resolved).
HptRoute RouteQuestion(int c, const HptRouteOptions& resolved);

}  // namespace upt::train
