#include "reports/unique.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.h"
#include "core/strings.h"
#include "eval/passk.h"

namespace upt::reports {
namespace {

const BenchmarkScore* Find(const RunData& run, const std::string& key) {
  for (const auto& s : run.scores)
    if (s.benchmark == key && !s.problems.empty()) return &s;
  return nullptr;
}

size_t ReferenceIndex(const std::vector<RunData>& runs, const std::string& ref) {
  for (size_t i = 0; i < runs.size(); ++i)
    if (ref.empty() ? ToLower(runs[i].label) == "hpt" : runs[i].label == ref) return i;
  if (!ref.empty()) {
    std::vector<std::string> labels;
    for (const auto& r : runs) labels.push_back(r.label);
    throw Error("no run labelled '" + ref + "'", "--unique_ref", "use one of: " + fmt::format("{}", fmt::join(labels, ", ")));
  }
  return 0;
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
  if (runs.size() < 2) return t;
  const size_t ref = ReferenceIndex(runs, opts.reference);
  // Per benchmark, the k both runs of every pair can estimate: opts.k or the smallest n.
  std::vector<long long> ks;
  std::vector<BenchInfo> used;
  for (const auto& b : benches) {
    const BenchmarkScore* sr = Find(runs[ref], b.key);
    if (!sr) continue;
    long long k = MinN(sr->problems);
    for (size_t i = 0; i < runs.size(); ++i)
      if (const BenchmarkScore* s = Find(runs[i], b.key); s && i != ref) k = std::min(k, MinN(s->problems));
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
  for (size_t j = 0; j < used.size(); ++j) t.columns.push_back({used[j].key, fmt::format("{} (k={})", used[j].header, ks[j]), "", false});
  t.columns.push_back({"total", "Total", "", false});
  bool integral = true;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i == ref) continue;
    Row ra{runs[ref].label + " only (vs " + runs[i].label + ")", {}, false, runs[ref].label + " vs " + runs[i].label};
    Row rb{runs[i].label + " only (vs " + runs[ref].label + ")", {}, false, ra.section};
    double ta = 0, tb = 0;
    bool all = true;
    for (size_t j = 0; j < used.size(); ++j) {
      const BenchmarkScore *sa = Find(runs[ref], used[j].key), *sb = Find(runs[i], used[j].key);
      if (!sb) {
        ra.cells.push_back({});
        rb.cells.push_back({});
        all = false;
        continue;
      }
      auto [a, b] = SolvedByOneOnly(sa->problems, sb->problems, ks[j]);
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
    *note = fmt::format("Reference run {}; k per benchmark in the header ({}).", runs[ref].label,
                        opts.k > 0 ? "set by unique_k" : "the smallest n of the runs, so a cell counts the problems one run "
                                                         "solved in some sample and the other in none");
  return t;
}

}  // namespace upt::reports
