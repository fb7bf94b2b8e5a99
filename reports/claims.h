// The "claims" table: the paper's statements (hpt_spec.md §9-10) tested one by
// one on the runs of a report, each with its statistic, interval and verdict.
//
//   1. HPT ≥ SFT→GRPO on the in-distribution Pass@1 average
//   2. HPT ≥ LUFFY on the in-distribution Pass@1 average
//   3. HPT ≥ GRPO at large k on the tiers unseen in pre-training (exploration)
//   4. SFT→GRPO ≥ SFT on the in-distribution Pass@1 average
//   5. HPT's SFT share falls as training goes on (hpt/offline_data_ratio)
//
// Claims 1-4: paired A − B on the same seeds and problems, averaged over the
// benchmarks with equal weight (eval::HierarchicalPairedAverage), p-values
// Holm-adjusted over the claims tested. Claim 5: per HPT seed, the mean ratio
// over the last quarter of logged steps minus the first quarter; the interval
// is a bootstrap over seeds (two or more) or, with one seed, over the steps of
// each quarter. Verdict (level = the report's confidence level, α = 1 − level):
//   supported      the interval lies on the claimed side of 0 (and p_Holm ≤ α)
//   not supported  the interval lies on the other side (and p_Holm ≤ α)
//   inconclusive   otherwise (the interval contains 0)
// A claim whose runs or data are missing is listed as "not tested" with why.
#pragma once

#include <string>
#include <vector>

#include "reports/benchmarks.h"
#include "reports/inputs.h"
#include "reports/page.h"
#include "reports/tables.h"

namespace upt::reports {

struct ClaimResult {
  std::string claim;
  std::string statistic;        // what was measured
  bool tested = false;
  double value = 0, low = 0, high = 0;  // points (Pass) or ratio units
  double p = 1, p_holm = 1;     // NaN-free; 1 when not applicable
  bool has_p = false;
  std::string verdict;          // supported | not supported | inconclusive | not tested
  std::string detail;           // seeds, problems, k, or why not tested
};

// Method key of a label: lower case, letters and digits only ("SFT→GRPO" and
// "sft_then_grpo" both give "sftgrpo" / "sftthengrpo"; both are recognised).
std::string MethodKey(const std::string& label);

// `unseen`: benchmark keys of the tiers unseen in pre-training (claim 3).
std::vector<ClaimResult> TestClaims(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches,
                                    const std::vector<std::string>& unseen, long long max_k, const StatsOptions& stats);

// Text table (index.md / html) and CSV of the results.
TextTable ClaimsTextTable(const std::vector<ClaimResult>& claims);
std::string ClaimsCsv(const std::vector<ClaimResult>& claims);

}  // namespace upt::reports
