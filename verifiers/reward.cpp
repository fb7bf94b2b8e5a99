#include "verifiers/reward.h"

#include "core/error.h"

namespace upt::verifiers {

const std::vector<RewardPolicyInfo>& RewardPolicies() {
  static const std::vector<RewardPolicyInfo> kTable = {
      {RewardPolicy::kUpt, "upt", "the upt verifier (extraction policy default)"},
      {RewardPolicy::kHptCode, "hpt_code",
       "the HPT fork's entropy_math reward: last \\boxed{} required, mathd / sympy-rule / symbolic match"},
  };
  return kTable;
}

std::vector<std::string> RewardPolicyNames() { return TableNames(RewardPolicies()); }
const char* RewardPolicyName(RewardPolicy p) { return TableName(RewardPolicies(), p); }
RewardPolicy ParseRewardPolicy(std::string_view name, std::string_view where) {
  return ParseTableName(RewardPolicies(), name, "reward policy", where);
}

GradeOptions RewardGradeOptions(RewardPolicy p, const GradeOptions& base) {
  GradeOptions g = base;
  if (p == RewardPolicy::kHptCode) g.extract.policy = "hpt_code";
  else if (g.extract.Policy() == ExtractionPolicy::kHptCode) g.extract.policy = "default";
  return g;
}

}  // namespace upt::verifiers
