// hpt_code's unit-word matchers (verifiers/hpt_units.h) against the std::regex
// replacements they replace, on every gold and prediction tail of the case
// tables and on seeded random strings built from the words themselves.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "core/rng.h"
#include "tests/verifiers/case_table.h"
#include "verifiers/hpt_units.h"

namespace upt::verifiers::hpt {
namespace {

// The patterns hpt_code compiled before (hpt_code.cpp at c899cf0).
std::regex WholeWordRegex(const std::string& word) { return std::regex("(^|\\W)" + word + "($|\\W)"); }
std::regex UnitWithPowerRegex(const std::string& unit) { return std::regex(unit + "(es)?(s)? *(\\^[0-9]+)?"); }

// Case-table strings as hpt_code meets them (answers: golds, prediction tails).
std::vector<std::string> TableStrings() {
  std::vector<std::string> out;
  for (bool heldout : {false, true})
    for (const testing::Case& c : testing::LoadCases(heldout)) {
      out.push_back(c.gold);
      out.push_back(c.pred.size() > 120 ? c.pred.substr(c.pred.size() - 120) : c.pred);
    }
  return out;
}

// Random concatenations of words, their pieces, separators, line breaks and
// non-ASCII bytes: where whole-word boundaries, "." wildcards and plurals meet.
std::vector<std::string> RandomStrings(const std::vector<std::string>& words, int n) {
  static const char* kPieces[] = {" ", " ", "  ", ".", ",", "_", "s", "es", "^", "^2", "^ 3", "2", "x", "-",
                                  "\n", "\r", "\xcf", "\x80", "(", "\\text{", "}", "e", "m", "a"};
  RngStream rng(17, {0x756e697473});
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string s;
    int parts = 1 + static_cast<int>(rng.Below(7));
    for (int k = 0; k < parts; ++k) {
      if (rng.Below(2) == 0) s += words[rng.Below(words.size())];
      else s += kPieces[rng.Below(sizeof kPieces / sizeof kPieces[0])];
    }
    out.push_back(s);
  }
  return out;
}

TEST(HptUnitsTest, WholeWordDeletionEqualsTheRegexOnEveryWord) {
  const std::vector<std::string>& words = MathdUnitWords();
  ASSERT_EQ(words.size(), 2 * 132u);  // the fork's 132 words (kmph and sec twice) and their plurals
  std::vector<std::string> inputs = TableStrings();
  std::vector<std::string> random = RandomStrings(words, 400);
  inputs.insert(inputs.end(), random.begin(), random.end());
  size_t changed = 0, mismatches = 0;
  for (const std::string& word : words) {
    std::regex re = WholeWordRegex(word);
    char first = word[0] == ' ' ? word[1] : word[0];
    for (const std::string& s : inputs) {
      if (s.find(first) == std::string::npos) continue;  // as hpt_code skips
      std::string want = std::regex_replace(s, re, "$1$2");
      std::string got = s;
      bool hit = StripWholeWord(s, word, &got);  // true exactly when something was deleted
      changed += want != s;
      if ((got != want || hit != (want != s)) && ++mismatches <= 5)
        ADD_FAILURE() << "word '" << word << "' on '" << s << "': " << got << " vs " << want;
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(changed, 1000u);  // the comparison met many deletions
}

TEST(HptUnitsTest, UnitWithPowerDeletionEqualsTheRegex) {
  const std::vector<std::string>& units = SympyUnitWords();
  std::vector<std::string> inputs = TableStrings();
  std::vector<std::string> random = RandomStrings(units, 3000);
  inputs.insert(inputs.end(), random.begin(), random.end());
  size_t changed = 0;
  for (const std::string& unit : units) {
    std::regex re = UnitWithPowerRegex(unit);
    for (const std::string& s : inputs) {
      std::string want = std::regex_replace(s, re, "");
      changed += want != s;
      ASSERT_EQ(StripUnitWithPower(s, unit), want) << unit << " on '" << s << "'";
    }
  }
  EXPECT_GT(changed, 1000u);
}

std::string Whole(std::string_view s, std::string_view word) {
  std::string out(s);
  StripWholeWord(s, word, &out);
  return out;
}

TEST(HptUnitsTest, DocumentedForms) {
  EXPECT_EQ(Whole("5 cm", "cm"), "5 ");
  EXPECT_EQ(Whole("5cm", "cm"), "5cm");        // not a whole word
  EXPECT_EQ(Whole("m m m", "m"), " m ");       // the separator a match ends on is spent
  EXPECT_EQ(Whole("3 a x", "a ."), "3 ");      // "." is any byte
  EXPECT_EQ(Whole("3 a\nx", "a ."), "3 a\nx");  // ... but a line break
  EXPECT_EQ(StripUnitWithPower("4 inches^2", "inch"), "4 ");
  EXPECT_EQ(StripUnitWithPower("2 feet ^x", "feet"), "2 ^x");
}

}  // namespace
}  // namespace upt::verifiers::hpt
