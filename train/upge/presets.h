// Algorithms as named UPGE presets (arXiv 2509.04419 Table 1; hpt_spec §1.3–6),
// built from the torch-free table train/upge/settings/preset_settings.h (the
// single source of their numbers). Each preset is a list of UPGE terms (one 4-tuple + aggregation per row
// subset), numeric options, the batch layout the training loop must build, and
// documented as a delta from its baseline. Where the paper and the official
// code (TsinghuaC3I/Unify-Post-Training, LUFFY) differ, the plain name follows
// the code and `*_paper` follows the paper's equations.
//
//   sft            baseline. all rows: 1/π_θ, Â≡1, no mask, per-sample token-mean
//                  (LUFFY's OpenRLHF recipe: lr 5e-5, 10% warm-up, cosine to 0.1·lr,
//                  betas (0.9, 0.95), wd 0).
//   grpo           code (HPT train.sh GRPO settings): ρ = π_θ/π_old unclipped
//                  (loss_remove_clip), Â = R - mean over G_on (no std),
//                  Σ_{rows,tokens}/L_max (token-sum-norm); entropy 0.001.
//   grpo_paper     grpo + ppo_clip ε=0.2, std normalisation, Eq. 11
//                  (1/n)Σ_iΣ_t (seq-mean-token-sum); no entropy bonus.
//   grpo_clip      grpo + ppo_clip ε=0.2 (LUFFY train_on_policy.sh and the RL
//                  phase of LUFFY train_sft_rl.sh).
//   dr_grpo        grpo_clip with modern verl's seq-mean-token-sum-norm (÷ rows too).
//   gspo           grpo_paper with seq_clip (ε 3e-4/4e-4), pi_old_seq, seq-mean-token-mean.
//   cispo          grpo_paper with the CISPO mask (ε_low 1 = no lower clip, ε_high 0.28), token-mean.
//   reinforce      sft with Â = ±1 on rollouts (Table 1 REINFORCE row).
//   sft_then_grpo  two phases: `sft`, then `grpo_clip` (LUFFY's SFT→RL recipe).
//   luffy          grpo + 1 demonstration per group (7 rollouts + 1 demo), Â over
//                  G_on ∪ G_off, demo tokens: π_ref≡1 with shaping p/(p+0.1),
//                  no clip anywhere; lr 1e-6.
//   srft           luffy layout; demo rows: SFT weighted 0.5·e^{-H} (token-mean)
//                  + LUFFY off-policy term; rollouts: -w·log π with
//                  w = 0.1·e^{H} (R=1) or -1 (R=0), Σ/L_max.
//   hpt            grpo on questions with c > gate; questions with c ≤ gate
//                  (gate 0) drop their rollouts and train one demonstration row
//                  with SFT pooled token-mean × sft_loss_coef (1.0); lr 5e-6.
//   hpt_paper      hpt with the GRPO part of grpo_paper (Eq. 11).
//   hpt_1p5b       hpt with sft_loss_coef 0.3 (Qwen2.5-Math-1.5B script).
//   hpt_llama      hpt with gate 2 (SFT when ≤ 2 of 8 correct; LLaMA-3.1-8B).
//   hpt_gate1 / hpt_gate2          Table 6 ablation: gate 1/8, 2/8.
//   hpt_offline_off / hpt_offline_mix  Table 5 ablation: the gated demonstration is
//                  trained by the LUFFY off-policy loss (OFF) or SFT + off (Mix).
#pragma once

#include <string>
#include <vector>

#include "core/registry.h"
#include "train/upge/hpt_route.h"
#include "train/upge/loss.h"
#include "train/upge/parts.h"
#include "train/upge/settings/preset_settings.h"

namespace upt::train {

// A preset's settings (the numbers, PresetSettings: name, baseline, delta,
// layout, n_rollouts, n_demos, lr, phases, ...) and what BuildPreset derives
// from them for the loss: the terms, the estimator options and the HPT route.
// The loop builds rows per question by settings.layout (BatchLayout, settings/vocab.h).
struct Preset {
  PresetSettings settings;
  std::vector<UpgeTerm> terms;   // empty for multi-phase presets
  UpgeOptions opts;
  HptRouteOptions route;         // used when settings.layout == BatchLayout::kHpt
};

// The preset made from settings `s` (terms validated); the only way a Preset is made.
Preset BuildPreset(const PresetSettings& s);

// Command-line/config overrides of a preset's terms (`--set upge.pg_mask=ppo_clip`).
// Empty strings and negative coefficients keep the preset's value.
struct PresetOverrides {
  std::string pg_mask;          // mask of the on-policy term (actor/on_pg_loss)
  std::string pg_aggregation;   // aggregation of the on-policy term
  double sft_loss_coef = -1;    // coefficient of the SFT term (HPT's β)
  double off_loss_coef = -1;    // coefficient of the off-policy term
  template <class V>
  void ForEach(V&& v) {
    v("pg_mask", pg_mask, "override the on-policy term's stabilization mask (none|ppo_clip|dual_clip|seq_clip|cispo)");
    v("pg_aggregation", pg_aggregation, "override the on-policy term's loss aggregation");
    v("sft_loss_coef", sft_loss_coef, "override the SFT term coefficient; < 0 keeps the preset's");
    v("off_loss_coef", off_loss_coef, "override the off-policy term coefficient; < 0 keeps the preset's");
  }
};

// Returns `p` with the overrides applied (validated; unknown names list valid ones).
Preset ApplyOverrides(Preset p, const PresetOverrides& o);

// Markdown table of the presets' terms (one line per term), as in docs/upge.md.
std::string PresetTable();

// All presets by name; unknown names list the valid ones.
const Registry<Preset>& PresetRegistry();
void RegisterPresets(Registry<Preset>& r);

// The loss of a single-phase preset (throws for multi-phase presets, naming the phases).
LossOutput PresetLoss(const Preset& p, const RolloutBatch& b, const std::vector<at::Tensor>* advantages = nullptr);
// With global loss normalisers for data-parallel training (ComputeUpgeLoss, loss.h).
LossOutput PresetLoss(const Preset& p, const RolloutBatch& b, const std::vector<at::Tensor>* advantages,
                      const NormaliserReducer& to_global);

}  // namespace upt::train
