#include "eval/report.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.h"

namespace upt::eval {

PassKTable ComputePassKTable(const std::string& benchmark, const std::vector<Counts>& counts,
                             const std::vector<long long>& ks, const std::vector<long long>& boot_ks,
                             const BootstrapOptions& opts) {
  CheckKs(counts, ks);
  PassKTable t;
  t.benchmark = benchmark;
  t.problems = static_cast<long long>(counts.size());
  t.ks = ks;
  t.replicates = opts.replicates;
  t.exact.assign(ks.size(), Interval{});
  t.bootstrap.assign(ks.size(), Interval{});
  t.resampled.assign(ks.size(), 0);
  for (const auto& c : counts) {
    std::vector<double> all = PassAtKAll(c.n, c.c);
    for (size_t i = 0; i < ks.size(); ++i) t.exact[i].mean += all[ks[i] - 1];
  }
  for (auto& iv : t.exact) iv.mean /= static_cast<double>(counts.size());
  std::vector<long long> sub;
  std::vector<size_t> where;
  for (size_t i = 0; i < ks.size(); ++i)
    if (std::count(boot_ks.begin(), boot_ks.end(), ks[i])) {
      sub.push_back(ks[i]);
      where.push_back(i);
    }
  if (sub.empty()) return t;
  std::vector<std::vector<double>> per_k;
  for (long long k : sub) {
    std::vector<double> v;
    v.reserve(counts.size());
    for (const auto& c : counts) v.push_back(PassAtK(c.n, c.c, k));
    per_k.push_back(std::move(v));
  }
  auto cis = BootstrapMeanCIs(per_k, opts);
  auto boot = BootstrapPassAtK(counts, sub, opts);
  for (size_t j = 0; j < sub.size(); ++j) {
    t.exact[where[j]].low = cis[j].low;
    t.exact[where[j]].high = cis[j].high;
    t.bootstrap[where[j]] = boot[j];
    t.resampled[where[j]] = 1;
  }
  return t;
}

PassKAverage AveragePassK(const std::vector<PassKTable>& tables, const std::vector<std::vector<Counts>>& counts,
                          const BootstrapOptions& opts) {
  PassKAverage avg;
  if (tables.size() < 2) return avg;
  for (long long k : tables[0].ks) {
    bool everywhere = true;
    for (const auto& t : tables) {
      auto it = std::find(t.ks.begin(), t.ks.end(), k);
      everywhere = everywhere && it != t.ks.end() && t.resampled[it - t.ks.begin()];
    }
    if (!everywhere) continue;
    std::vector<std::vector<double>> groups;
    for (const auto& cs : counts) {
      std::vector<double> v;
      for (const auto& c : cs) v.push_back(PassAtK(c.n, c.c, k));
      groups.push_back(std::move(v));
    }
    avg.ks.push_back(k);
    avg.exact.push_back(StratifiedMeanCI(groups, opts));
  }
  return avg;
}

namespace {

std::string Pct(double x) { return fmt::format("{:.1f}", 100.0 * x); }

OrderedJson TableJson(const PassKTable& t, bool with_name) {
  OrderedJson j = OrderedJson::object();
  if (with_name) {
    j["benchmark"] = t.benchmark;
    j["problems"] = t.problems;
  }
  j["k"] = t.ks;
  OrderedJson exact = OrderedJson::array(), mean = OrderedJson::array(), lo = OrderedJson::array(),
              hi = OrderedJson::array();
  for (size_t i = 0; i < t.ks.size(); ++i) {
    exact.push_back(t.exact[i].mean);
    auto v = [&](double x) { return t.resampled[i] ? OrderedJson(x) : OrderedJson(nullptr); };
    mean.push_back(v(t.bootstrap[i].mean));
    lo.push_back(v(t.bootstrap[i].low));
    hi.push_back(v(t.bootstrap[i].high));
  }
  j["pass_at_k"] = exact;
  j["bootstrap"] = OrderedJson{{"B", t.replicates}, {"mean", mean}, {"ci_low", lo}, {"ci_high", hi}};
  return j;
}

}  // namespace

std::string RenderPassK(const std::vector<PassKTable>& tables, const std::string& format, const PassKAverage& avg) {
  if (format == "json") {
    if (tables.size() == 1) return DumpPretty(TableJson(tables[0], false));
    OrderedJson all = OrderedJson::array();
    for (const auto& t : tables) all.push_back(TableJson(t, true));
    OrderedJson out = OrderedJson::object();
    out["benchmarks"] = all;
    if (!avg.ks.empty()) {
      OrderedJson a = OrderedJson::object();
      a["k"] = avg.ks;
      for (const char* f : {"pass_at_k", "ci_low", "ci_high"}) a[f] = OrderedJson::array();
      for (const auto& iv : avg.exact) {
        a["pass_at_k"].push_back(iv.mean);
        a["ci_low"].push_back(iv.low);
        a["ci_high"].push_back(iv.high);
      }
      out["average"] = a;
    }
    return DumpPretty(out);
  }
  std::string out;
  if (format == "csv") {
    out = "benchmark,k,pass_at_k,ci_low,ci_high,bootstrap_mean,bootstrap_ci_low,bootstrap_ci_high\n";
    for (const auto& t : tables)
      for (size_t i = 0; i < t.ks.size(); ++i) {
        if (!t.resampled[i]) {
          out += fmt::format("{},{},{:.6f},,,,,\n", t.benchmark, t.ks[i], t.exact[i].mean);
          continue;
        }
        out += fmt::format("{},{},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f}\n", t.benchmark, t.ks[i], t.exact[i].mean,
                           t.exact[i].low, t.exact[i].high, t.bootstrap[i].mean, t.bootstrap[i].low,
                           t.bootstrap[i].high);
      }
    for (size_t i = 0; i < avg.ks.size(); ++i)
      out += fmt::format("average,{},{:.6f},{:.6f},{:.6f},,,\n", avg.ks[i], avg.exact[i].mean, avg.exact[i].low,
                         avg.exact[i].high);
    return out;
  }
  if (format != "md") throw Error("unknown output format '" + format + "'", "--format", "use csv, json or md");
  for (const auto& t : tables) {
    out += fmt::format("### {} ({} problems; pass@k in %, 95% CI; bootstrap B = {})\n\n", t.benchmark, t.problems,
                       t.replicates);
    out += "| k | pass@k (unbiased) | CI | bootstrap mean | bootstrap CI |\n|---:|---:|---|---:|---|\n";
    for (size_t i = 0; i < t.ks.size(); ++i) {
      if (!t.resampled[i]) {
        out += fmt::format("| {} | {} | | | |\n", t.ks[i], Pct(t.exact[i].mean));
        continue;
      }
      out += fmt::format("| {} | {} | [{}, {}] | {} | [{}, {}] |\n", t.ks[i], Pct(t.exact[i].mean), Pct(t.exact[i].low),
                         Pct(t.exact[i].high), Pct(t.bootstrap[i].mean), Pct(t.bootstrap[i].low),
                         Pct(t.bootstrap[i].high));
    }
    out += "\n";
  }
  if (!avg.ks.empty()) {
    out += fmt::format("### Average over {} benchmarks (unweighted; stratified bootstrap CI)\n\n", tables.size());
    out += "| k | pass@k | CI |\n|---:|---:|---|\n";
    for (size_t i = 0; i < avg.ks.size(); ++i)
      out += fmt::format("| {} | {} | [{}, {}] |\n", avg.ks[i], Pct(avg.exact[i].mean), Pct(avg.exact[i].low),
                         Pct(avg.exact[i].high));
    out += "\n";
  }
  return out;
}

Comparison CompareRuns(const ScoredRun& a, const ScoredRun& b, const BootstrapOptions& opts) {
  Comparison cmp;
  cmp.benchmark = a.benchmark == b.benchmark ? a.benchmark : a.benchmark + " vs " + b.benchmark;
  std::unordered_map<std::string, size_t> in_b;
  for (size_t i = 0; i < b.counts.size(); ++i) in_b[b.counts[i].id] = i;
  std::vector<Counts> ca, cb;
  std::vector<double> maj_a, maj_b;  // maj@n correctness where both runs record it
  bool have_maj = true;
  for (size_t i = 0; i < a.counts.size(); ++i) {
    const auto& c = a.counts[i];
    auto it = in_b.find(c.id);
    if (it == in_b.end()) {
      ++cmp.only_a;
      continue;
    }
    ca.push_back(c);
    cb.push_back(b.counts[it->second]);
    int ma = i < a.maj.size() ? a.maj[i] : -1, mb = it->second < b.maj.size() ? b.maj[it->second] : -1;
    have_maj = have_maj && ma >= 0 && mb >= 0;
    maj_a.push_back(ma);
    maj_b.push_back(mb);
  }
  cmp.only_b = static_cast<long long>(b.counts.size() - cb.size());
  if (ca.empty())
    throw Error("the runs share no scored problem", a.dir + " / " + b.dir, "compare runs of the same benchmark");
  cmp.problems = static_cast<long long>(ca.size());
  long long n_min = ca[0].n;
  for (size_t i = 0; i < ca.size(); ++i) n_min = std::min({n_min, ca[i].n, cb[i].n});
  for (long long k : PowersOfTwoUpTo(n_min)) {
    std::vector<double> va, vb;
    for (size_t i = 0; i < ca.size(); ++i) {
      va.push_back(PassAtK(ca[i].n, ca[i].c, k));
      vb.push_back(PassAtK(cb[i].n, cb[i].c, k));
    }
    cmp.rows.push_back({"pass@" + std::to_string(k), PairedBootstrap(va, vb, opts)});
  }
  // Majority vote over all n samples (problems.csv maj_correct); the same
  // problem resamples as pass@k, so its rows are paired the same way.
  if (have_maj) {
    bool same_n = true;
    for (size_t i = 0; i < ca.size(); ++i) same_n = same_n && ca[i].n == ca[0].n && cb[i].n == ca[0].n;
    cmp.rows.push_back({same_n ? "maj@" + std::to_string(ca[0].n) : "maj@n", PairedBootstrap(maj_a, maj_b, opts)});
  } else {
    cmp.notes.push_back("maj@n omitted: a problems.csv lacks maj_correct (re-score with `upt score`)");
  }
  return cmp;
}

std::string RenderComparison(const Comparison& c, const std::string& a_name, const std::string& b_name,
                             const std::string& format) {
  if (format == "json") {
    OrderedJson rows = OrderedJson::array();
    for (const auto& r : c.rows)
      rows.push_back(OrderedJson{{"metric", r.metric},
                                 {"a", r.r.mean_a},
                                 {"b", r.r.mean_b},
                                 {"diff", r.r.diff},
                                 {"ci_low", r.r.low},
                                 {"ci_high", r.r.high},
                                 {"p_value", r.r.p_value}});
    return DumpPretty(OrderedJson{{"benchmark", c.benchmark},
                                  {"a", a_name},
                                  {"b", b_name},
                                  {"problems", c.problems},
                                  {"only_a", c.only_a},
                                  {"only_b", c.only_b},
                                  {"metrics", rows},
                                  {"notes", c.notes}});
  }
  std::string out;
  if (format == "csv") {
    out = "benchmark,metric,a,b,diff,ci_low,ci_high,p_value\n";
    for (const auto& r : c.rows)
      out += fmt::format("{},{},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.4g}\n", c.benchmark, r.metric, r.r.mean_a,
                         r.r.mean_b, r.r.diff, r.r.low, r.r.high, r.r.p_value);
    return out;
  }
  if (format != "md") throw Error("unknown output format '" + format + "'", "--format", "use csv, json or md");
  out += fmt::format("### {}: A = {}, B = {} ({} paired problems", c.benchmark, a_name, b_name, c.problems);
  if (c.only_a || c.only_b) out += fmt::format("; {} only in A, {} only in B", c.only_a, c.only_b);
  out += ")\n\n";
  for (const auto& n : c.notes) out += "Note: " + n + ".\n\n";
  out += "| metric | A | B | A − B | 95% CI | p |\n|---|---:|---:|---:|---|---:|\n";
  for (const auto& r : c.rows)
    out += fmt::format("| {} | {} | {} | {:+.1f} | [{:+.1f}, {:+.1f}] | {:.3g} |\n", r.metric, Pct(r.r.mean_a),
                       Pct(r.r.mean_b), 100 * r.r.diff, 100 * r.r.low, 100 * r.r.high, r.r.p_value);
  return out;
}

}  // namespace upt::eval
