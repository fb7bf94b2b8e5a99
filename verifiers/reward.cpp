#include "verifiers/reward.h"

#include "core/error.h"
#include "core/strings.h"

namespace upt::verifiers {

const std::vector<RewardPolicyInfo>& RewardPolicies() {
  static const std::vector<RewardPolicyInfo> kTable = {
      {RewardPolicy::kUpt, "upt", "the upt verifier (extraction policy default)"},
      {RewardPolicy::kHptCode, "hpt_code",
       "the HPT fork's entropy_math reward: last \\boxed{} required, mathd / sympy-rule / symbolic match"},
  };
  return kTable;
}

std::vector<std::string> RewardPolicyNames() {
  std::vector<std::string> out;
  for (const auto& p : RewardPolicies()) out.push_back(p.name);
  return out;
}

const char* RewardPolicyName(RewardPolicy p) {
  for (const auto& i : RewardPolicies())
    if (i.policy == p) return i.name;
  return "?";
}

RewardPolicy ParseRewardPolicy(std::string_view name) {
  for (const auto& p : RewardPolicies())
    if (name == p.name) return p.policy;
  throw Error(UnknownNameMessage("reward policy", name, RewardPolicyNames()), "reward.policy",
              "use one of the listed names");
}

GradeOptions RewardGradeOptions(RewardPolicy p, const GradeOptions& base) {
  GradeOptions g = base;
  g.extract.policy = p == RewardPolicy::kHptCode ? "hpt_code" : "default";
  return g;
}

}  // namespace upt::verifiers
