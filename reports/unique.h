// Table 4 of the paper (hpt_spec.md §9): the problems one method solves and
// another does not, at Pass@k, per benchmark (the toy world's tiers are its
// difficulty groups). One reference run (HPT by default) against each other run.
//
// "Solved at Pass@k": with the unbiased per-problem estimate p = pass@k(n, c),
// the cell is the expected number of problems that k independent samples of A
// solve and k of B do not, sum_i pA_i (1 - pB_i), over the problems both runs
// scored (matched by id). At k = n this is the plain count of problems with
// c_A > 0 and c_B = 0, an integer.
#pragma once

#include <string>
#include <vector>

#include "reports/benchmarks.h"
#include "reports/inputs.h"
#include "reports/table.h"

namespace upt::reports {

struct UniqueOptions {
  std::string reference;  // run label; "" = the run labelled HPT (any case), else the first run
  long long k = 0;        // 0 = the smallest n of the two runs' problems, per benchmark
};

// Expected number of problems solved by A only (first) and B only (second) at
// k, over the ids both score; `shared` receives the number of shared problems.
std::pair<double, double> SolvedByOneOnly(const std::vector<eval::Counts>& a, const std::vector<eval::Counts>& b,
                                          long long k, long long* shared = nullptr);

// Rows "<ref> only (vs X)" and "X only (vs <ref>)" per other run; columns =
// benchmarks (key = benchmark, header "<bench> (k=K)") and "total". A cell is
// missing where either run lacks problems.csv for that benchmark. Empty table
// when fewer than two runs have counts. `note` receives the k choice and reference.
Table BuildUniqueSolvesTable(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches,
                             const UniqueOptions& opts, std::string* note);

}  // namespace upt::reports
