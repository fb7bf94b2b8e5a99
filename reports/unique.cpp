#include "reports/unique.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.h"
#include "core/strings.h"
#include "reports/curves.h"
#include "eval/passk.h"

namespace upt::reports {
namespace {

const BenchmarkScore* Find(const RunData& run, const std::string& key) {
  for (const auto& s : run.scores)
    if (s.benchmark == key && !s.problems.empty()) return &s;
  return nullptr;
}

long long MinN(const std::vector<eval::Counts>& a) {
  long long n = a.empty() ? 0 : a[0].n;
  for (const auto& c : a) n = std::min(n, c.n);
  return n;
}

}  // namespace

std::pair<double, double> SolvedByOneOnly(const std::vector<eval::Counts>& a, const std::vector<eval::Counts>& b,
                                          long long k, long long* shared) {
  std::unordered_map<std::string, const eval::Counts*> in_b;
  for (const auto& c : b) in_b[c.id] = &c;
  double only_a = 0, only_b = 0;
  long long m = 0;
  for (const auto& ca : a) {
    auto it = in_b.find(ca.id);
    if (it == in_b.end()) continue;
    double pa = eval::PassAtK(ca.n, ca.c, k), pb = eval::PassAtK(it->second->n, it->second->c, k);
    only_a += pa * (1 - pb);
    only_b += pb * (1 - pa);
    ++m;
  }
  if (shared) *shared = m;
  return {only_a, only_b};
}

Table BuildUniqueSolvesTable(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches,
                             const UniqueOptions& opts, std::string* note) {
  Table t;
  t.row_header = "Solved by";
  // Methods over seeds (METHOD/SEED labels; a plain label is a one-seed method).
  std::vector<std::string> methods;
  std::vector<std::vector<std::pair<std::string, const RunData*>>> seeds;  // per method: (seed, run)
  for (const auto& r : runs) {
    auto [m, sd] = SplitSeedLabel(r.label);
    auto it = std::find(methods.begin(), methods.end(), m);
    if (it == methods.end()) {
      methods.push_back(m);
      seeds.emplace_back();
      it = methods.end() - 1;
    }
    seeds[it - methods.begin()].push_back({sd, &r});
  }
  if (methods.size() < 2) return t;
  size_t ref = methods.size();
  for (size_t i = 0; i < methods.size() && ref == methods.size(); ++i)
    if (opts.reference.empty() ? ToLower(methods[i]) == "hpt" : methods[i] == opts.reference) ref = i;
  if (ref == methods.size()) {
    if (!opts.reference.empty())
      throw Error("no run or method labelled '" + opts.reference + "'", "--unique_ref",
                  "use one of: " + fmt::format("{}", fmt::join(methods, ", ")));
    ref = 0;
  }
  // Per benchmark, k = opts.k or the smallest n over every run that has it.
  std::vector<long long> ks;
  std::vector<BenchInfo> used;
  for (const auto& b : benches) {
    long long k = 0;
    for (const auto& [sd, run] : seeds[ref])
      if (const BenchmarkScore* s = Find(*run, b.key)) k = k == 0 ? MinN(s->problems) : std::min(k, MinN(s->problems));
    if (k == 0) continue;
    for (const auto& r : runs)
      if (const BenchmarkScore* s = Find(r, b.key)) k = std::min(k, MinN(s->problems));
    if (opts.k > 0) {
      if (opts.k > k)
        throw Error(fmt::format("k = {} exceeds the smallest n ({}) on {}", opts.k, k, b.key), "--unique_k",
                    "choose k <= n or score more samples per problem");
      k = opts.k;
    }
    ks.push_back(k);
    used.push_back(b);
  }
  if (used.empty()) return t;
  for (size_t j = 0; j < used.size(); ++j)
    t.columns.push_back({used[j].key, fmt::format("{} (k={})", used[j].header, ks[j]), "", false});
  t.columns.push_back({"total", "Total", "", false});
  bool integral = true;
  size_t max_seeds = 1;
  for (size_t i = 0; i < methods.size(); ++i) {
    if (i == ref) continue;
    Row ra{methods[ref] + " only (vs " + methods[i] + ")", {}, false, methods[ref] + " vs " + methods[i]};
    Row rb{methods[i] + " only (vs " + methods[ref] + ")", {}, false, ra.section};
    double ta = 0, tb = 0;
    bool all = true;
    for (size_t j = 0; j < used.size(); ++j) {
      // Mean over the seeds both methods ran and scored on this benchmark.
      double a = 0, b = 0;
      size_t n = 0;
      for (const auto& [sd, run_ref] : seeds[ref])
        for (const auto& [sd2, run] : seeds[i]) {
          const BenchmarkScore *sa = Find(*run_ref, used[j].key), *sb = Find(*run, used[j].key);
          if (sd != sd2 || !sa || !sb) continue;
          auto [x, y] = SolvedByOneOnly(sa->problems, sb->problems, ks[j]);
          a += x, b += y, ++n;
        }
      if (n == 0) {
        ra.cells.push_back({});
        rb.cells.push_back({});
        all = false;
        continue;
      }
      max_seeds = std::max(max_seeds, n);
      a /= static_cast<double>(n);
      b /= static_cast<double>(n);
      integral = integral && a == std::floor(a) && b == std::floor(b);
      ra.cells.push_back(ValueCell(a));
      rb.cells.push_back(ValueCell(b));
      ta += a;
      tb += b;
    }
    ra.cells.push_back(all ? ValueCell(ta) : Cell{});
    rb.cells.push_back(all ? ValueCell(tb) : Cell{});
    t.rows.push_back(std::move(ra));
    t.rows.push_back(std::move(rb));
  }
  t.decimals = integral ? 0 : 1;
  if (note)
    *note = fmt::format("Reference {}; k per benchmark in the header ({}){}.", methods[ref],
                        opts.k > 0 ? "set by unique_k"
                                   : "the smallest n of the runs, so a cell counts the problems one run solved in some "
                                     "sample and the other in none",
                        max_seeds > 1 ? "; runs labelled METHOD/SEED are paired by seed and the cell is the mean over "
                                        "seeds"
                                      : "");
  return t;
}

}  // namespace upt::reports
