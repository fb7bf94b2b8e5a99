// The extraction cascade is one table (verifiers/extract_rules.h); the list in
// docs/verifiers.md must be the table's own rendering, and the policies must
// select the rules the table says.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/verifiers/case_table.h"
#include "verifiers/extract_rules.h"

namespace upt::verifiers {
namespace {

std::string DocSection() {
  std::ifstream in(testing::SourceDir() + "/docs/verifiers.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  const std::string begin = "<!-- extraction-rules:begin (ExtractionRulesMarkdown) -->\n";
  const std::string end = "<!-- extraction-rules:end -->";
  size_t b = doc.find(begin), e = doc.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) return "<markers missing>";
  return doc.substr(b + begin.size(), e - b - begin.size());
}

TEST(ExtractionRulesTest, DocListsTheTableItself) {
  EXPECT_EQ(DocSection(), ExtractionRulesMarkdown())
      << "paste ExtractionRulesMarkdown() between the markers in docs/verifiers.md";
}

TEST(ExtractionRulesTest, EachRuleYieldsItsOwnNameAndPoliciesSelectRules) {
  // One completion per rule that only that rule (and lower ones) can match.
  const std::vector<std::pair<std::string, std::string>> examples = {
      {"boxed", "So $\\boxed{7}$."},
      {"answer_tag", "<answer>7</answer>"},
      {"answer_is", "The answer is 7."},
      {"after_think", "<think>long</think> seven point zero"},
      {"whole_answer", "\\frac{7}{1}"},
      {"last_math", "We get $x = 7$ here."},
      {"last_number", "we got 7 apples"},
  };
  for (const auto& [rule, text] : examples) {
    ExtractOptions def;
    std::vector<Candidate> c = Extract(text, def);
    ASSERT_FALSE(c.empty()) << text;
    EXPECT_EQ(c.front().rule, rule) << text;
    bool in_strict = false;
    for (const ExtractionRule& r : ExtractionRules())
      if (r.name == rule)
        for (ExtractionPolicy p : r.policies) in_strict |= p == ExtractionPolicy::kStrict;
    ExtractOptions strict;
    strict.policy = "strict";
    std::vector<Candidate> s = Extract(text, strict);
    EXPECT_EQ(!s.empty() && s.front().rule == rule, in_strict) << text;
  }
  ExtractOptions hpt;
  hpt.policy = "hpt_code";
  std::vector<Candidate> h = Extract("<think>\\boxed{3}</think> so \\boxed{7}", hpt);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].rule, "hpt_last_boxed");
  EXPECT_EQ(h[0].text, "7");
}

TEST(ExtractionRulesTest, PolicyNamesRoundTripAndUnknownNamesListTheValidOnes) {
  for (const auto& e : ExtractionPolicyTable()) {
    EXPECT_EQ(ParseExtractionPolicy(e.name), e.value);
    ExtractOptions o;
    o.policy = e.name;
    EXPECT_EQ(o.Policy(), e.value);
  }
  for (const auto& e : AnswerKindTable()) EXPECT_EQ(ParseAnswerKind(e.name, "kind"), e.value);
  try {
    ParseExtractionPolicy("boxd", "--policy");
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    for (const char* n : {"default", "strict", "boxed", "upt", "hpt_code"}) EXPECT_NE(m.find(n), std::string::npos) << m;
  }
  ExtractOptions unknown;
  unknown.policy = "boxd";  // never throws in the reward path: reads as strict
  EXPECT_EQ(unknown.Policy(), ExtractionPolicy::kStrict);
  EXPECT_EQ(KindOf(false, {}), AnswerKind::kMath);
  EXPECT_EQ(KindOf(false, {"a", "b"}), AnswerKind::kMultipleChoice);
  EXPECT_EQ(KindOf(true, {}), AnswerKind::kMultipleChoice);
}

}  // namespace
}  // namespace upt::verifiers
