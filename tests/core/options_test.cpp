#include "core/options.h"

#include <gtest/gtest.h>

#include "core/registry.h"

namespace upt {
namespace {
struct Inner {
  double clip_ratio_low = 0.2;  // PPO clip
  std::vector<int> ks = {1, 2};
  template <class V>
  void ForEach(V&& v) {
    v("clip_ratio_low", clip_ratio_low, "lower clip");
    v("ks", ks, "k values");
  }
};
struct Outer {
  int n = 8;
  bool flag = false;
  std::string name = "grpo";
  Inner actor;
  template <class V>
  void ForEach(V&& v) {
    v("n", n, "rollouts");
    v("flag", flag, "a flag");
    v("name", name, "preset");
    v("actor", actor, "actor options");
  }
};
}  // namespace

TEST(OptionsTest, JsonRoundTripUsesDottedKeys) {
  Outer o;
  o.n = 4;
  o.actor.ks = {1, 4, 16};
  OrderedJson j = OptionsToJson(o);
  EXPECT_EQ(j["actor.clip_ratio_low"], 0.2);
  Outer back;
  OptionsFromJson(back, Json::parse(j.dump()), "test");
  EXPECT_EQ(back.n, 4);
  EXPECT_EQ(back.actor.ks, (std::vector<int>{1, 4, 16}));
}

TEST(OptionsTest, NestedJsonObjectsMapToDottedKeys) {
  Outer o;
  OptionsFromJson(o, Json::parse(R"({"actor": {"clip_ratio_low": 0.1}, "flag": true})"), "cfg.yaml");
  EXPECT_DOUBLE_EQ(o.actor.clip_ratio_low, 0.1);
  EXPECT_TRUE(o.flag);
}

TEST(OptionsTest, UnknownKeyErrorSuggestsClosestKey) {
  Outer o;
  try {
    ApplyOverride(o, "actor.clip_ratio_lo=0.3");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'actor.clip_ratio_low'"), std::string::npos) << e.what();
  }
}

TEST(OptionsTest, OverridesParseEveryFieldType) {
  Outer o;
  ApplyOverride(o, "n=16");
  ApplyOverride(o, "flag=true");
  ApplyOverride(o, "name=hpt");
  ApplyOverride(o, "actor.ks=[1,8,64]");
  EXPECT_EQ(o.n, 16);
  EXPECT_TRUE(o.flag);
  EXPECT_EQ(o.name, "hpt");
  EXPECT_EQ(o.actor.ks, (std::vector<int>{1, 8, 64}));
  EXPECT_THROW(ApplyOverride(o, "n=abc"), Error);
  EXPECT_THROW(ApplyOverride(o, "n"), Error);
}

TEST(OptionsTest, WrongJsonTypeIsAnError) {
  Outer o;
  EXPECT_THROW(OptionsFromJson(o, Json::parse(R"({"n": "eight"})"), "cfg"), Error);
}

TEST(RegistryTest, UnknownNameListsValidNames) {
  Registry<int> r("advantage estimator");
  r.Add("grpo", 1);
  r.Add("sft", 2);
  EXPECT_EQ(r.Get("sft"), 2);
  try {
    r.Get("grp");
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("grpo, sft"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'grpo'"), std::string::npos) << m;
  }
  EXPECT_THROW(r.Add("grpo", 3), Error);
}

}  // namespace upt
