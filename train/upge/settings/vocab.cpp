#include "train/upge/settings/vocab.h"

namespace upt::train {

const NameTable<BatchLayout>& BatchLayouts() {
  static const NameTable<BatchLayout> t("batch layout",
                                        {{BatchLayout::kDemos, "demos", "demonstration rows only (SFT data)"},
                                         {BatchLayout::kOnPolicy, "on_policy", "n_rollouts rollouts"},
                                         {BatchLayout::kMixed, "mixed", "n_rollouts rollouts + n_demos demonstrations"},
                                         {BatchLayout::kHpt, "hpt", "n rollouts, routed per question by RouteHpt"}});
  return t;
}

const NameTable<PresetFamily>& PresetFamilies() {
  static const NameTable<PresetFamily> t("preset family",
                                         {{PresetFamily::kSft, "sft", "one SFT term on all rows"},
                                          {PresetFamily::kPg, "pg", "one on-policy term"},
                                          {PresetFamily::kLuffy, "luffy", "on-policy + LUFFY off-policy demo term"},
                                          {PresetFamily::kSrft, "srft", "SRFT demo SFT + on-policy + off-policy terms"},
                                          {PresetFamily::kHpt, "hpt", "on-policy + gated demo SFT / off-policy terms"},
                                          {PresetFamily::kPhases, "phases", "one preset per phase, no terms"}});
  return t;
}

// Listed in name order: error messages list the valid names as before.
const NameTable<RowSelector>& RowSelectors() {
  static const NameTable<RowSelector> t("row selector",
                                        {{RowSelector::kAll, "all", "every row"},
                                         {RowSelector::kDemo, "demo", "demonstration rows"},
                                         {RowSelector::kDemoOff, "demo_off", "demonstration rows of the off-policy loss"},
                                         {RowSelector::kDemoSft, "demo_sft", "demonstration rows of the SFT loss"},
                                         {RowSelector::kOn, "on", "rollouts"}});
  return t;
}

}  // namespace upt::train
