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

namespace {
// A shared group, bound below with a key prefix and as overrides.
struct Group {
  double temperature = 1.0;
  int max_new = 256;
  std::vector<std::string> stop;
  template <class V>
  void ForEach(V&& v) {
    v("temperature", temperature, "softmax temperature");
    v("max_new", max_new, "tokens");
    v("stop", stop, "stop strings");
  }
};
struct UsesGroup {
  int n = 8;
  Group main;
  Overrides<Group> val;
  UsesGroup() {
    val.Give("temperature", 0.6);
    val.unset_as = {{"max_new", 0}};
  }
  template <class V>
  void ForEach(V&& v) {
    v("n", n, "rollouts");
    auto m = ViewOptions(main, {"max_new", "temperature"});  // the view's order, not the group's
    v("", m, "");
    auto vv = ViewOptions(val, {"temperature", "max_new"}, "val_", "validation: ");
    v("", vv, "");
  }
};
}  // namespace

TEST(OptionsTest, PrefixedViewRoundTripsFromJsonToJsonWithTheSameKeys) {
  UsesGroup u;
  EXPECT_EQ(OptionKeys(u), (std::vector<std::string>{"n", "max_new", "temperature", "val_temperature", "val_max_new"}));
  const OrderedJson defaults = OptionsToJson(u);
  EXPECT_EQ(defaults.dump(), R"({"n":8,"max_new":256,"temperature":1.0,"val_temperature":0.6,"val_max_new":0})");
  OptionsFromJson(u, Json::parse(R"({"temperature": 0.9, "val_temperature": 0.3, "val_max_new": 64})"), "cfg.yaml");
  EXPECT_DOUBLE_EQ(u.main.temperature, 0.9);
  EXPECT_DOUBLE_EQ(u.val.values.temperature, 0.3);
  EXPECT_TRUE(u.val.IsGiven("max_new"));
  const OrderedJson out = OptionsToJson(u);
  EXPECT_EQ(out.dump(), R"({"n":8,"max_new":256,"temperature":0.9,"val_temperature":0.3,"val_max_new":64})");
  UsesGroup back;  // provenance read back gives the same options
  OptionsFromJson(back, Json::parse(out.dump()), "provenance.json");
  EXPECT_EQ(OptionsToJson(back), out);
  ApplyOverride(back, "val_max_new=0");  // the legacy spelling of unset
  EXPECT_FALSE(back.val.IsGiven("max_new"));
  EXPECT_NE(OptionsToText(back).find("val_temperature = 0.3  # validation: softmax temperature"), std::string::npos)
      << OptionsToText(back);
}

TEST(OptionsTest, UnknownKeyNextToAPrefixedViewSuggestsItsPrefixedKey) {
  UsesGroup u;
  try {
    OptionsFromJson(u, Json::parse(R"({"val_temprature": 0.5})"), "cfg.yaml:7");
    FAIL();
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("cfg.yaml:7"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'val_temperature'"), std::string::npos) << m;
  }
}

TEST(OptionsTest, ResolveTakesGivenKeysFromOverridesAndTheRestFromDefaults) {
  Group defaults;
  defaults.temperature = 0.7;
  defaults.max_new = 100;
  defaults.stop = {"x"};
  Overrides<Group> none;
  Group r = Resolve(defaults, none);
  EXPECT_DOUBLE_EQ(r.temperature, 0.7);
  EXPECT_EQ(r.max_new, 100);
  EXPECT_EQ(r.stop, std::vector<std::string>{"x"});
  Overrides<Group> some;
  some.Give("max_new", 5).Give("stop", std::vector<std::string>{});
  some.values.temperature = 0.1;  // a value whose key is not given is ignored
  r = Resolve(defaults, some);
  EXPECT_DOUBLE_EQ(r.temperature, 0.7);
  EXPECT_EQ(r.max_new, 5);
  EXPECT_TRUE(r.stop.empty());  // given as empty: not the default's
  Overrides<Group> all = Overrides<Group>::AllGiven(Group{});
  r = Resolve(defaults, all);
  EXPECT_DOUBLE_EQ(r.temperature, 1.0);
  EXPECT_EQ(r.max_new, 256);
  EXPECT_THROW(some.Give("no_such_key", 1), Error);
}

TEST(OptionsTest, OverridesUnsetKeysSerialiseAsNullAndNullUnsets) {
  Overrides<Group> o;
  o.Give("temperature", 0.5);
  EXPECT_EQ(OptionsToJson(o).dump(), R"({"temperature":0.5,"max_new":null,"stop":null})");
  OptionsFromJson(o, Json::parse(R"({"temperature": null, "stop": ["a"]})"), "t");
  EXPECT_FALSE(o.IsGiven("temperature"));
  EXPECT_TRUE(o.IsGiven("stop"));
  EXPECT_THROW(OptionsFromJson(o, Json::parse(R"({"max_new": "many"})"), "t"), Error);  // still type-checked
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
