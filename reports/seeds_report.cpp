#include "reports/seeds_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "eval/seeds.h"
#include "reports/curves.h"

namespace upt::reports {
namespace {

const RunData* RunOf(const SeedGroup& g, const std::string& seed) {
  for (size_t i = 0; i < g.seeds.size(); ++i)
    if (g.seeds[i] == seed) return g.runs[i];
  return nullptr;
}

// Seeds of `g` that scored `bench`.
std::vector<std::string> SeedsWith(const SeedGroup& g, const std::string& bench) {
  std::vector<std::string> out;
  for (size_t i = 0; i < g.runs.size(); ++i)
    if (CountsOf(*g.runs[i], bench)) out.push_back(g.seeds[i]);
  return out;
}

}  // namespace

const std::vector<eval::Counts>* CountsOf(const RunData& run, const std::string& bench) {
  for (const auto& s : run.scores)
    if (s.benchmark == bench && !s.problems.empty()) return &s.problems;
  return nullptr;
}

std::vector<SeedGroup> GroupBySeed(const std::vector<RunData>& runs) {
  std::vector<SeedGroup> groups;
  bool any = false;
  for (const auto& r : runs) {
    auto [method, seed] = SplitSeedLabel(r.label);
    any |= !seed.empty();
    auto it = std::find_if(groups.begin(), groups.end(), [&](const SeedGroup& g) { return g.method == method; });
    if (it == groups.end()) {
      groups.push_back({method, {}, {}});
      it = groups.end() - 1;
    }
    it->seeds.push_back(seed);
    it->runs.push_back(&r);
  }
  if (!any) groups.clear();
  return groups;
}

std::vector<std::string> CommonIds(const SeedGroup& g, const std::string& bench, const std::vector<std::string>& seeds) {
  std::vector<std::string> ids;
  bool first = true;
  for (const auto& sd : seeds) {
    const RunData* run = RunOf(g, sd);
    const auto* c = run ? CountsOf(*run, bench) : nullptr;
    if (!c) return {};
    std::set<std::string> have;
    for (const auto& k : *c) have.insert(k.id);
    if (first) {
      for (const auto& k : *c) ids.push_back(k.id);
      first = false;
    } else {
      ids.erase(std::remove_if(ids.begin(), ids.end(), [&](const std::string& id) { return !have.count(id); }), ids.end());
    }
  }
  return ids;
}

std::vector<std::vector<double>> SeedMatrix(const SeedGroup& g, const std::string& bench,
                                            const std::vector<std::string>& seeds, const std::vector<std::string>& ids) {
  std::vector<std::vector<double>> m;
  for (const auto& sd : seeds) {
    const auto* c = CountsOf(*RunOf(g, sd), bench);
    std::unordered_map<std::string, const eval::Counts*> by_id;
    for (const auto& k : *c) by_id[k.id] = &k;
    std::vector<double> row;
    for (const auto& id : ids) {
      const eval::Counts* k = by_id.at(id);
      row.push_back(static_cast<double>(k->c) / static_cast<double>(k->n));
    }
    m.push_back(std::move(row));
  }
  return m;
}

Table BuildSeedMeanTable(const std::vector<SeedGroup>& groups, const std::vector<BenchInfo>& benches,
                         const StatsOptions& stats) {
  Table t;
  for (const auto& b : benches) t.columns.push_back({b.key, b.header, "", true});
  for (const auto& g : groups) {
    Row row{fmt::format("{} ({} seed{})", g.method, g.runs.size(), g.runs.size() == 1 ? "" : "s"), {}, false, ""};
    for (const auto& b : benches) {
      auto seeds = SeedsWith(g, b.key);
      auto ids = CommonIds(g, b.key, seeds);
      if (ids.empty()) {
        row.cells.push_back({});
        continue;
      }
      eval::Interval iv = eval::HierarchicalMeanCI(SeedMatrix(g, b.key, seeds, ids), Boot(stats));
      row.cells.push_back(CiCell(100 * iv.mean, 100 * iv.low, 100 * iv.high));
    }
    t.rows.push_back(std::move(row));
  }
  MarkBest(&t);
  return t;
}

Table BuildSeedPairsTable(const std::vector<SeedGroup>& groups, const std::vector<BenchInfo>& benches,
                          const StatsOptions& stats) {
  Table t;
  t.row_header = "Comparison";
  t.columns = {{"diff", "A − B (points)", "", true},
               {"p", "p", "", false},
               {"p_holm", "p (Holm)", "", false}};
  t.decimals = 3;
  std::vector<double> ps;
  for (const auto& b : benches) {
    for (size_t i = 0; i < groups.size(); ++i)
      for (size_t j = i + 1; j < groups.size(); ++j) {
        // Seeds both methods ran on this benchmark, then problems every one of them scored.
        auto si = SeedsWith(groups[i], b.key), sj = SeedsWith(groups[j], b.key);
        std::vector<std::string> seeds;
        for (const auto& s : si)
          if (std::find(sj.begin(), sj.end(), s) != sj.end()) seeds.push_back(s);
        if (seeds.empty()) continue;
        auto ids = CommonIds(groups[i], b.key, seeds);
        auto idj = CommonIds(groups[j], b.key, seeds);
        std::set<std::string> in_j(idj.begin(), idj.end());
        ids.erase(std::remove_if(ids.begin(), ids.end(), [&](const std::string& id) { return !in_j.count(id); }),
                  ids.end());
        if (ids.empty()) continue;
        auto r = eval::HierarchicalPaired(SeedMatrix(groups[i], b.key, seeds, ids),
                                          SeedMatrix(groups[j], b.key, seeds, ids), Boot(stats));
        Row row{fmt::format("{} − {} ({} seeds × {} problems)", groups[i].method, groups[j].method, seeds.size(),
                            ids.size()),
                {}, false, b.header};
        row.cells = {CiCell(100 * r.diff, 100 * r.low, 100 * r.high), ValueCell(r.p_value), {}};
        ps.push_back(r.p_value);
        t.rows.push_back(std::move(row));
      }
  }
  auto adj = eval::HolmAdjust(ps);
  for (size_t r = 0; r < t.rows.size(); ++r) t.rows[r].cells[2] = ValueCell(adj[r]);
  return t;
}

Section SeedsSection(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches, const StatsOptions& stats,
                     CiStyle ci, int decimals) {
  Section sec;
  sec.title = "Over seeds";
  auto groups = GroupBySeed(runs);
  if (groups.empty()) return sec;
  std::string boot = fmt::format("{:g}% hierarchical percentile bootstrap (B = {}, seed {}): each replicate resamples "
                                 "the seeds, then the problems within each drawn seed",
                                 100 * stats.level, stats.replicates, stats.seed);
  sec.text = "Runs labelled METHOD/SEED are independent replicates (base pre-training and post-training seeds) of one "
             "method; the numbers below pool them.";
  TableBlock mean;
  mean.stem = "seeds_pass1";
  mean.title = "Pass@1 over seeds";
  mean.ci = ci;
  mean.table = BuildSeedMeanTable(groups, benches, stats);
  mean.table.decimals = decimals;
  mean.sentence = "Pass@1 (%) as the mean of c/n over seeds x problems (the problems every seed of the method scored); "
                  "intervals: " + boot + ". Bold marks the best method per column.";
  sec.tables.push_back(std::move(mean));
  TableBlock pairs;
  pairs.stem = "seeds_pairs";
  pairs.title = "Paired differences over seeds";
  pairs.ci = ci;
  pairs.table = BuildSeedPairsTable(groups, benches, stats);
  pairs.sentence = "A − B in Pass@1 points on the same seeds and problems (per seed and problem the difference of c/n); "
                   "interval: " + boot + "; p: two-sided, from the replicates centred at 0. With " +
                   std::to_string(pairs.table.rows.size()) +
                   " comparisons, p (Holm) is Holm's step-down adjustment over all of them: read a difference as "
                   "significant at level α only when p (Holm) ≤ α.";
  if (!pairs.table.rows.empty()) sec.tables.push_back(std::move(pairs));
  return sec;
}

}  // namespace upt::reports
