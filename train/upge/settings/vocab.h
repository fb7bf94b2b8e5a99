// The training vocabularies as enums, each with one name table (torch-free):
// the batch layout a preset makes the loop build, the UPGE term family a
// preset is made of, and the row roles a UPGE term selects. The names are the
// spellings of presets, docs/upge.md tables and the run's provenance.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "train/upge/settings/name_table.h"

namespace upt::train {

// Rows the loop builds per question (PresetSettings::layout).
enum class BatchLayout {
  kDemos,     // "demos": demonstration rows only (SFT data)
  kOnPolicy,  // "on_policy": n_rollouts rollouts
  kMixed,     // "mixed": n_rollouts rollouts + n_demos demonstration rows (LUFFY, SRFT)
  kHpt,       // "hpt": n rollouts scored, then routed per question by RouteHpt
};
const NameTable<BatchLayout>& BatchLayouts();
inline const char* BatchLayoutName(BatchLayout l) { return BatchLayouts().Name(l); }

// The UPGE terms train/upge/presets.cpp builds for a preset (PresetSettings::family).
enum class PresetFamily { kSft, kPg, kLuffy, kSrft, kHpt, kPhases };
const NameTable<PresetFamily>& PresetFamilies();
inline const char* PresetFamilyName(PresetFamily f) { return PresetFamilies().Name(f); }

// The rows a UPGE term is computed over (UpgeTerm::rows, SelectRows).
enum class RowSelector {
  kAll,      // "all": every row
  kDemo,     // "demo": demonstration rows (is_demo)
  kDemoOff,  // "demo_off": demonstration rows routed to the off-policy loss
  kDemoSft,  // "demo_sft": demonstration rows routed to the SFT loss
  kOn,       // "on": rollouts (!is_demo)
};
const NameTable<RowSelector>& RowSelectors();
inline const char* RowSelectorName(RowSelector r) { return RowSelectors().Name(r); }

}  // namespace upt::train
