// The training vocabularies' name tables: the spellings presets, docs and
// provenance use, round trips, and unknown names listing the valid ones.
#include "train/upge/settings/vocab.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "train/upge/settings/preset_settings.h"

namespace upt::train {
namespace {

template <class E>
void ExpectRoundTrip(const NameTable<E>& t) {
  std::set<std::string> seen;
  for (const auto& e : t.entries()) {
    EXPECT_TRUE(seen.insert(e.name).second) << "duplicate name " << e.name;
    EXPECT_EQ(t.Parse(e.name), e.value) << e.name;
    EXPECT_STREQ(t.Name(e.value), e.name);
  }
}

TEST(VocabTest, NamesAreTheProvenanceSpellings) {
  EXPECT_EQ(BatchLayouts().Names(), (std::vector<std::string>{"demos", "on_policy", "mixed", "hpt"}));
  EXPECT_EQ(PresetFamilies().Names(), (std::vector<std::string>{"sft", "pg", "luffy", "srft", "hpt", "phases"}));
  EXPECT_EQ(RowSelectors().Names(), (std::vector<std::string>{"all", "demo", "demo_off", "demo_sft", "on"}));
  EXPECT_STREQ(BatchLayoutName(BatchLayout::kOnPolicy), "on_policy");
  EXPECT_STREQ(RowSelectorName(RowSelector::kDemoSft), "demo_sft");
  EXPECT_STREQ(PresetFamilyName(PresetFamily::kPhases), "phases");
}

TEST(VocabTest, EveryNameParsesBackToItsValue) {
  ExpectRoundTrip(BatchLayouts());
  ExpectRoundTrip(PresetFamilies());
  ExpectRoundTrip(RowSelectors());
}

TEST(VocabTest, UnknownNameListsTheValidOnesAndTheClosest) {
  try {
    RowSelectors().Parse("demo_sfft", "upge term: field 'rows'");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    for (const auto& n : RowSelectors().Names()) EXPECT_NE(what.find(n), std::string::npos) << n;
    EXPECT_NE(what.find("row selector"), std::string::npos);
    EXPECT_NE(what.find("did you mean 'demo_sft'"), std::string::npos) << what;
    EXPECT_NE(e.where().find("rows"), std::string::npos);
  }
  EXPECT_THROW(BatchLayouts().Parse("on-policy"), Error);
  EXPECT_THROW(PresetFamilies().Parse(""), Error);
}

TEST(VocabTest, PresetTableUsesTheLayoutsOfItsFamilies) {
  const auto& r = PresetSettingsRegistry();
  EXPECT_EQ(r.Get("sft").layout, BatchLayout::kDemos);
  EXPECT_EQ(r.Get("grpo").layout, BatchLayout::kOnPolicy);
  EXPECT_EQ(r.Get("luffy").layout, BatchLayout::kMixed);
  EXPECT_EQ(r.Get("srft").layout, BatchLayout::kMixed);
  EXPECT_EQ(r.Get("hpt_gate2").layout, BatchLayout::kHpt);
  EXPECT_EQ(r.Get("sft_then_grpo").family, PresetFamily::kPhases);
}

}  // namespace
}  // namespace upt::train
