// Reward policies: how a training run (and `upt verify/score --policy`) turns
// a completion into a 0/1 reward. One enum, one name table; unknown names list
// the valid ones.
//   upt       the upt verifier (verifiers::Grade, extraction policy "default")
//   hpt_code  the HPT fork's training reward (reward_impl_version 6,
//             `entropy_math`), transcribed behaviourally: the last \boxed{}
//             is required; Hendrycks-normalised string match, then the
//             Dr. GRPO sympy grader's rules, then Math-Verify's comparison,
//             each on hpt_code's own frozen code (verifiers/hpt_math.h), never
//             upt's rules. See docs/verifiers.md "Reward policies".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "verifiers/verify.h"

namespace upt::verifiers {

enum class RewardPolicy { kUpt, kHptCode };

using RewardPolicyInfo = NameEntry<RewardPolicy>;  // value, name, help

// The name table, in declaration order.
const std::vector<RewardPolicyInfo>& RewardPolicies();
std::vector<std::string> RewardPolicyNames();
const char* RewardPolicyName(RewardPolicy p);
// Throws upt::Error listing the valid names (config and command-line boundary).
RewardPolicy ParseRewardPolicy(std::string_view name, std::string_view where = "reward.policy");

// The GradeOptions a reward policy grades with: hpt_code's own extraction, or
// for upt the extraction policy of `base` ("default" unless set; "hpt_code"
// there reads as "default"); verify options are kept from `base`.
GradeOptions RewardGradeOptions(RewardPolicy p, const GradeOptions& base = {});

// The HPT fork's reward of one completion (what Grade does under extraction
// policy "hpt_code"). Reasons: "hpt_no_boxed", "hpt_mathd", "hpt_sympy",
// "hpt_symbolic", "hpt_wrong". Never throws.
Verdict GradeHptCode(std::string_view gold, std::string_view completion, const VerifyOptions& opts);
// The fork's answer extraction: the content of the last "\boxed{...}" (braces
// counted from the last "\boxed", else the last "\fbox"); false when there is
// none or it is not of the form \boxed{...}.
bool HptLastBoxed(std::string_view text, std::string* out);

}  // namespace upt::verifiers
