// cli/options_cli.h: how an options struct becomes flags, and the lint that
// every flag of every command is bound that way.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/options_cli.h"
#include "core/options.h"

namespace upt::cli {
namespace {

struct Inner {
  int replicates = 1000;
  double level = 0.95;
  template <class V>
  void ForEach(V&& v) {
    v("bootstrap", replicates, "replicates");
    v("level", level, "level");
  }
};

struct Demo {
  bool all_tokens = false;
  bool render = true;
  bool quiet = false;
  std::string file;
  std::string out;
  std::vector<std::string> labels;
  Inner inner;
  Inner nested;
  template <class V>
  void ForEach(V&& v) {
    v("all_tokens", all_tokens, "list every token");
    v("render", render, "run gnuplot", kOptNegated);
    v("quiet", quiet, "quiet", kOptShortName);
    v("file", file, "input", kOptPositional | kOptRequired);
    v("out", out, "output", kOptRequired);
    v("labels", labels, "a,b", kOptCommaList);
    v("", inner, "");
    v("nested", nested, "");
  }
};

// Parses `args` (after the program name) into a fresh Demo.
Demo Parse(std::vector<std::string> args) {
  Demo d;
  CLI::App app;
  AddOptions(app, d);
  std::vector<std::string> rev(args.rbegin(), args.rend());
  app.parse(rev);
  return d;
}

TEST(OptionsCliTest, BoolFieldIsABareFlag) {
  EXPECT_TRUE(Parse({"in", "--out", "o", "--all-tokens"}).all_tokens);
  EXPECT_FALSE(Parse({"in", "--out", "o"}).all_tokens);
}

TEST(OptionsCliTest, BoolFlagTakesAnExplicitValueAfterEquals) {
  EXPECT_TRUE(Parse({"in", "--out", "o", "--all-tokens=true"}).all_tokens);
  EXPECT_FALSE(Parse({"in", "--out", "o", "--all-tokens=false"}).all_tokens);
  EXPECT_FALSE(Parse({"in", "--out", "o", "--all-tokens=0"}).all_tokens);
}

TEST(OptionsCliTest, BoolFlagRefusesASeparateValueWord) {
  // `--all-tokens true` leaves "true" as a second positional: an error, not a silent value.
  EXPECT_THROW(Parse({"in", "--out", "o", "--all-tokens", "true"}), CLI::ParseError);
}

TEST(OptionsCliTest, NegatedBoolIsNoFlagAndSetsFalse) {
  EXPECT_TRUE(Parse({"in", "--out", "o"}).render);
  EXPECT_FALSE(Parse({"in", "--out", "o", "--no-render"}).render);
  EXPECT_THROW(Parse({"in", "--out", "o", "--render"}), CLI::ParseError);
}

TEST(OptionsCliTest, ShortNameIsTheFirstLetter) {
  EXPECT_TRUE(Parse({"in", "--out", "o", "-q"}).quiet);
  EXPECT_TRUE(Parse({"in", "--out", "o", "--quiet"}).quiet);
}

TEST(OptionsCliTest, PositionalRequiredAndCommaList) {
  Demo d = Parse({"in.jsonl", "--out", "o", "--labels", "a,b", "--labels", "c"});
  EXPECT_EQ(d.file, "in.jsonl");
  EXPECT_EQ(d.out, "o");
  EXPECT_EQ(d.labels, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_THROW(Parse({"in.jsonl"}), CLI::ParseError);  // --out is required
  EXPECT_THROW(Parse({"--out", "o"}), CLI::ParseError);  // the positional too
}

TEST(OptionsCliTest, InlinedGroupKeepsFlatFlagsAndNestedGroupIsPrefixed) {
  Demo d = Parse({"in", "--out", "o", "--bootstrap", "7", "--level", "0.5", "--nested-bootstrap", "9"});
  EXPECT_EQ(d.inner.replicates, 7);
  EXPECT_EQ(d.inner.level, 0.5);
  EXPECT_EQ(d.nested.replicates, 9);
  Demo dflt;
  const auto keys = OptionKeys(dflt);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "bootstrap"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "nested.bootstrap"), keys.end());
}

TEST(OptionsCliTest, HelpShowsDefaultsButNotForRequiredOnes) {
  Demo d;
  CLI::App app;
  AddOptions(app, d);
  const std::string help = app.help();
  EXPECT_NE(help.find("1000"), std::string::npos) << help;
  EXPECT_NE(help.find("--no-render"), std::string::npos) << help;
}

namespace {
struct Sampling {
  double temperature = 1.0;
  int max_new_tokens = 256;
  std::vector<std::string> stop;
  template <class V>
  void ForEach(V&& v) {
    v("temperature", temperature, "softmax temperature");
    v("max_new_tokens", max_new_tokens, "tokens");
    v("stop", stop, "stop strings");
  }
};
struct WithOverrides {
  Overrides<Sampling> sampling;
  WithOverrides() { sampling.unset_as = {{"temperature", -1.0}}; }
  template <class V>
  void ForEach(V&& v) {
    auto view = ViewOptions(sampling, {"temperature", "max_new_tokens", "stop"}, "", "", " (unset: the benchmark's)");
    v("", view, "");
  }
};
Overrides<Sampling> ParseOverrides(std::vector<std::string> args) {
  WithOverrides w;
  CLI::App app;
  AddOptions(app, w);
  std::vector<std::string> rev(args.rbegin(), args.rend());
  app.parse(rev);
  return w.sampling;
}
}  // namespace

TEST(OptionsCliTest, OverridesKeyIsGivenOnlyWhenItsFlagIsPassed) {
  Overrides<Sampling> none = ParseOverrides({});
  EXPECT_TRUE(none.given.empty());
  Overrides<Sampling> some = ParseOverrides({"--max-new-tokens", "12", "--stop", "a", "--stop", "b"});
  EXPECT_EQ(some.given, (std::set<std::string>{"max_new_tokens", "stop"}));
  EXPECT_EQ(some.values.max_new_tokens, 12);
  EXPECT_EQ(some.values.stop, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(ParseOverrides({"--temperature", "0"}).IsGiven("temperature"));  // 0 = greedy, a value
  EXPECT_FALSE(ParseOverrides({"--temperature", "-1"}).IsGiven("temperature"));  // the legacy unset spelling
  Sampling defaults;
  defaults.temperature = 0.6;
  EXPECT_DOUBLE_EQ(Resolve(defaults, ParseOverrides({"--temperature", "-1"})).temperature, 0.6);
  EXPECT_DOUBLE_EQ(Resolve(defaults, ParseOverrides({"--temperature", "0.2"})).temperature, 0.2);
}

TEST(OptionsCliTest, OverridesFlagsShowNoDefaultAndTheViewsHelp) {
  WithOverrides w;
  CLI::App app;
  AddOptions(app, w);
  const std::string help = app.help();
  EXPECT_NE(help.find("--max-new-tokens"), std::string::npos) << help;
  EXPECT_NE(help.find("tokens (unset: the benchmark's)"), std::string::npos) << help;
  EXPECT_EQ(help.find("256"), std::string::npos) << help;  // the struct's value is not a default
}

// Lint: every command binds its flags through AddOptions; no CLI11 add_option /
// add_flag call remains in a command file (cli/options_cli.h is the one binder).
TEST(OptionsCliTest, NoCommandBindsAFlagByHand) {
  const char* root = std::getenv("UPT_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  namespace fs = std::filesystem;
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(root) / "cli")) {
    if (e.path().extension() != ".cpp" && e.path().extension() != ".h") continue;
    if (e.path().filename() == "options_cli.h") continue;
    std::ifstream in(e.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      const auto code = line.substr(0, line.find("//"));
      EXPECT_EQ(code.find("add_option("), std::string::npos) << e.path() << ":" << n << ": " << line;
      EXPECT_EQ(code.find("add_flag("), std::string::npos) << e.path() << ":" << n << ": " << line;
    }
    ++files;
  }
  EXPECT_GE(files, 13);
}

}  // namespace
}  // namespace upt::cli
