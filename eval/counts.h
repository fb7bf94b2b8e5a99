// Per-problem counts from files: a score directory's problems.csv, or a plain
// CSV with header id,n,c (for `upt passk --counts`).
#pragma once

#include <string>
#include <vector>

#include "eval/passk.h"

namespace upt::eval {

// Reads a CSV with columns id, n and c (or "correct", as in problems.csv), any
// order, extra columns ignored. Rows with n = 0 (problems without samples) are
// skipped and counted in *skipped. Throws upt::Error with file:line on bad rows.
// With `maj`, also reads the column maj_correct (majority vote over the n
// samples correct, 0/1, as `upt score` writes it): one entry per returned row,
// -1 where the column is absent or empty.
std::vector<Counts> ReadCountsCsv(const std::string& path, long long* skipped = nullptr,
                                  std::vector<int>* maj = nullptr);

// A scored run: its benchmark name (results.json) and counts (problems.csv).
struct ScoredRun {
  std::string dir;
  std::string benchmark;
  std::vector<Counts> counts;
  std::vector<int> maj;   // per counts row: maj@n correct (0/1), -1 unknown
  long long missing = 0;  // problems without samples
};
ScoredRun LoadScoredRun(const std::string& dir);

}  // namespace upt::eval
