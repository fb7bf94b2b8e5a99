// Internal: the extraction cascade as one priority-ordered table of rules
// (extract.cpp). Extract runs the rules its policy selects, highest priority
// first; the first rule with candidates decides (within a rule the last
// occurrence comes first). docs/verifiers.md lists the table as
// ExtractionRulesMarkdown() renders it (tests/verifiers/extract_rules_test.cpp
// checks the two are equal).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "verifiers/verify.h"

namespace upt::verifiers {

// The text a rule searches: `s` is the completion after the last </think>
// (all of it when there is none), starting at byte `base` of `full`.
struct ExtractText {
  std::string_view full, s;
  size_t base = 0;
  bool after_think = false;
  ExtractionPolicy policy = ExtractionPolicy::kDefault;
};

struct ExtractionRule {
  const char* name;     // Candidate::rule of what it yields
  const char* matches;  // what it looks for
  const char* yields;   // what the candidate holds
  std::vector<ExtractionPolicy> policies;  // the policies that run it
  void (*add)(const ExtractText&, std::vector<Candidate>*);
};

const std::vector<ExtractionRule>& ExtractionRules();
// One markdown list item per rule, in priority order (docs/verifiers.md).
std::string ExtractionRulesMarkdown();

namespace extract_detail {
// Shared by extract.cpp (box, tag and phrase rules) and
// extract_fallbacks.cpp (whole answer, last math span, last number).
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c);
std::string_view Trim(std::string_view s);
size_t RFind(std::string_view s, std::string_view needle, size_t end, size_t lo = 0);
bool HasWord(std::string_view t);
bool ProseWithOneNumber(std::string_view t);
void AddLastMath(std::string_view s, size_t base, std::vector<Candidate>* out);
void AddLastNumber(std::string_view s, size_t base, std::vector<Candidate>* out);
void AddWholeAnswer(std::string_view s, size_t base, std::vector<Candidate>* out);
}  // namespace extract_detail

}  // namespace upt::verifiers
