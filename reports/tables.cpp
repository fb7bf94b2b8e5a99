#include "reports/tables.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/error.h"
#include "reports/benchmarks.h"

namespace upt::reports {
namespace {

const BenchmarkScore* FindScore(const RunData& run, const std::string& key) {
  for (const auto& s : run.scores)
    if (s.benchmark == key) return &s;
  return nullptr;
}

const char* GroupName(BenchGroup g) {
  return g == BenchGroup::kInDistribution ? "In-distribution" : "Out-of-distribution";
}

}  // namespace

Pass1 ComputePass1(const BenchmarkScore& score, const StatsOptions& stats) {
  Pass1 p;
  if (score.problems_scored == 0) return p;  // nothing scored: "–", never 0.0
  std::vector<double> acc;
  for (const auto& c : score.problems)
    if (c.n > 0) acc.push_back(static_cast<double>(c.c) / static_cast<double>(c.n));
  if (!acc.empty()) {
    eval::Interval ci = eval::BootstrapMeanCI(acc, Boot(stats));
    p.present = p.has_ci = true;
    p.mean = 100.0 * ci.mean;
    p.low = 100.0 * ci.low;
    p.high = 100.0 * ci.high;
    p.source = "problems.csv";
  } else if (score.has_declared_pass1) {
    p.present = true;
    p.mean = 100.0 * score.declared_pass1;
    p.source = "results.json";
  }
  return p;
}

std::vector<BenchInfo> ReportBenchmarks(const std::vector<RunData>& runs, const std::vector<std::string>& extra_ood) {
  std::vector<std::string> keys;
  for (const auto& r : runs)
    for (const auto& s : r.scores) keys.push_back(s.benchmark);
  return OrderBenchmarks(keys, extra_ood);
}

Table BuildMainTable(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches, const StatsOptions& stats) {
  Table t;
  bool has_ood = std::any_of(benches.begin(), benches.end(),
                             [](const BenchInfo& b) { return b.group == BenchGroup::kOutOfDistribution; });
  // Column layout: per group, its benchmarks then its Avg; col_bench[i] = index into benches or -1 for Avg.
  struct Layout {
    int bench = -1;  // index into benches, -1 = an Avg column
    BenchGroup group;
  };
  std::vector<Layout> layout;
  for (BenchGroup g : {BenchGroup::kInDistribution, BenchGroup::kOutOfDistribution}) {
    bool any = false;
    for (size_t i = 0; i < benches.size(); ++i) {
      if (benches[i].group != g) continue;
      any = true;
      layout.push_back({static_cast<int>(i), g});
      t.columns.push_back({benches[i].key, benches[i].header, has_ood ? GroupName(g) : "", true});
    }
    if (any) {
      layout.push_back({-1, g});
      t.columns.push_back({g == BenchGroup::kInDistribution ? "avg_id" : "avg_ood", "Avg", has_ood ? GroupName(g) : "", true});
    }
  }
  for (const auto& run : runs) {
    Row row;
    row.label = run.label;
    for (const auto& col : layout) {
      if (col.bench >= 0) {
        const BenchmarkScore* s = FindScore(run, benches[col.bench].key);
        Pass1 p = s ? ComputePass1(*s, stats) : Pass1{};
        Cell c;
        if (p.present) c = p.has_ci ? CiCell(p.mean, p.low, p.high) : ValueCell(p.mean);
        if (p.present && s->Partial()) {
          c.partial = true;
          c.partial_note = fmt::format("{} of {} problems{}", s->problems_scored, s->problems_total,
                                       s->subset_rule.empty() ? "" : " (" + s->subset_rule + ")");
          t.notes.push_back(fmt::format("{} {} of {}: {}", kPartialMark, benches[col.bench].header, run.label, c.partial_note));
        }
        row.cells.push_back(c);
        continue;
      }
      // Avg over this group's cells of this row (already pushed).
      double sum = 0;
      int count = 0;
      bool complete = true, partial = false;
      for (size_t j = 0; j < row.cells.size(); ++j) {
        if (layout[j].bench < 0 || layout[j].group != col.group) continue;
        if (!row.cells[j].present) complete = false;
        partial = partial || row.cells[j].partial;
        sum += row.cells[j].value;
        ++count;
      }
      Cell avg = complete && count > 0 ? ValueCell(sum / count) : Cell{};
      avg.partial = avg.present && partial;
      if (avg.partial) avg.partial_note = "average over partial benchmarks";
      row.cells.push_back(avg);
    }
    t.rows.push_back(std::move(row));
  }
  MarkBest(&t);
  return t;
}

void AppendPaperRows(Table* table, const PaperTable& paper) {
  for (auto& row : table->rows)
    if (!row.reference) row.section = "This report";
  std::set<std::string> paper_cols(paper.columns.begin(), paper.columns.end());
  for (const auto& prow : paper.rows) {
    Row row;
    row.label = prow.model;
    row.reference = true;
    row.section = paper.caption;
    for (size_t i = 0; i < table->columns.size(); ++i) {
      const Column& col = table->columns[i];
      bool is_avg = col.key == "avg_id" || col.key == "avg_ood";
      if (!is_avg) {
        auto it = prow.values.find(col.key);
        row.cells.push_back(it != prow.values.end() ? ValueCell(it->second) : Cell{});
        continue;
      }
      // Benchmarks of this Avg's group as shown, and as in the paper.
      std::set<std::string> shown, in_paper;
      double sum = 0;
      bool complete = true;
      for (size_t j = 0; j < i; ++j) {
        const Column& b = table->columns[j];
        if (b.key == "avg_id" || b.key == "avg_ood" || b.group != col.group) continue;
        shown.insert(b.key);
        if (!row.cells[j].present) complete = false;
        sum += row.cells[j].value;
      }
      for (const auto& k : paper.columns) {
        if (k == "avg_id" || k == "avg_ood") continue;
        bool ood = LookupBenchmark(k).group == BenchGroup::kOutOfDistribution;
        if (ood == (col.key == "avg_ood")) in_paper.insert(k);
      }
      auto reported = prow.values.find(col.key);
      if (shown == in_paper && reported != prow.values.end()) row.cells.push_back(ValueCell(reported->second));
      else if (complete && !shown.empty()) row.cells.push_back(ValueCell(sum / shown.size()));
      else row.cells.push_back(Cell{});
    }
    table->rows.push_back(std::move(row));
  }
  MarkBest(table);
}

Table BuildPaperDeltaTable(const Table& main, const PaperTable& paper) {
  Table t;
  t.columns = main.columns;
  t.decimals = main.decimals;
  const Row* prow_of = nullptr;
  for (const auto& row : main.rows) {
    if (row.reference) continue;
    prow_of = nullptr;
    for (const auto& pr : main.rows)
      if (pr.reference && MatchKey(pr.label) == MatchKey(row.label)) prow_of = &pr;
    if (!prow_of) continue;
    Row ours = row, theirs = *prow_of, delta;
    ours.section = theirs.section = delta.section = row.label;
    ours.label = "upt";
    theirs.label = "paper";
    theirs.reference = false;
    delta.label = "\xCE\x94 (upt - paper)";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const Cell& a = row.cells[i];
      const Cell& b = prow_of->cells[i];
      delta.cells.push_back(a.present && b.present ? ValueCell(a.value - b.value) : Cell{});
      ours.cells[i].bold = theirs.cells[i].bold = false;
    }
    t.rows.push_back(ours);
    t.rows.push_back(theirs);
    t.rows.push_back(delta);
  }
  (void)paper;
  return t;
}

std::vector<PassKBenchmark> ComputePassK(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches,
                                         const StatsOptions& stats, long long max_k) {
  std::vector<PassKBenchmark> out;
  for (const auto& b : benches) {
    PassKBenchmark pk;
    pk.bench = b;
    for (const auto& run : runs) {
      const BenchmarkScore* s = FindScore(run, b.key);
      if (!s || s->problems.empty() || s->provenance.n_min < 2) continue;
      PassKCurve curve;
      curve.label = run.label;
      curve.n_min = s->provenance.n_min;
      curve.ks = eval::PowersOfTwoUpTo(std::min(max_k, s->provenance.n_min));
      // Per-problem unbiased pass@k, then a percentile bootstrap over problems per k
      // (the same resamples for every k, so the k = 1 interval is Pass@1's).
      std::vector<std::vector<double>> per_k(curve.ks.size());
      for (const auto& c : s->problems) {
        std::vector<double> all = eval::PassAtKAll(c.n, c.c);
        for (size_t i = 0; i < curve.ks.size(); ++i) per_k[i].push_back(all[curve.ks[i] - 1]);
      }
      std::vector<eval::Interval> ci = eval::BootstrapMeanCIs(per_k, Boot(stats));
      for (size_t i = 0; i < curve.ks.size(); ++i) {
        curve.mean.push_back(100.0 * ci[i].mean);
        curve.low.push_back(100.0 * ci[i].low);
        curve.high.push_back(100.0 * ci[i].high);
      }
      pk.curves.push_back(std::move(curve));
    }
    if (!pk.curves.empty()) out.push_back(std::move(pk));
  }
  return out;
}

Table BuildPassKTable(const PassKBenchmark& pk) {
  Table t;
  std::set<long long> ks;
  for (const auto& c : pk.curves) ks.insert(c.ks.begin(), c.ks.end());
  for (long long k : ks) t.columns.push_back({"pass@" + std::to_string(k), "k=" + std::to_string(k), "", true});
  for (const auto& c : pk.curves) {
    Row row;
    row.label = c.label;
    for (long long k : ks) {
      auto it = std::find(c.ks.begin(), c.ks.end(), k);
      if (it == c.ks.end()) {
        row.cells.push_back(Cell{});
        continue;
      }
      size_t i = static_cast<size_t>(it - c.ks.begin());
      row.cells.push_back(CiCell(c.mean[i], c.low[i], c.high[i]));
    }
    t.rows.push_back(std::move(row));
  }
  MarkBest(&t);
  return t;
}

}  // namespace upt::reports
