#include "reports/claims.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "eval/passk.h"
#include "eval/seeds.h"
#include "reports/curves.h"
#include "reports/seeds_report.h"
#include "reports/table.h"

namespace upt::reports {
namespace {

using Matrix = std::vector<std::vector<double>>;

// Runs grouped by method; a run without a seed part is a one-seed group.
std::vector<SeedGroup> Groups(const std::vector<RunData>& runs) {
  auto g = GroupBySeed(runs);
  if (!g.empty()) return g;
  for (const auto& r : runs) g.push_back({r.label, {""}, {&r}});
  return g;
}

const SeedGroup* FindMethod(const std::vector<SeedGroup>& groups, std::initializer_list<const char*> keys) {
  for (const auto& g : groups)
    for (const char* k : keys)
      if (MethodKey(g.method) == k) return &g;
  return nullptr;
}

// Per-problem pass@k (k = 1: c/n) of a seed group on `bench` for `seeds` and `ids`.
Matrix Values(const SeedGroup& g, const std::string& bench, const std::vector<std::string>& seeds,
              const std::vector<std::string>& ids, long long k) {
  Matrix m;
  for (const auto& sd : seeds) {
    const RunData* run = nullptr;
    for (size_t i = 0; i < g.seeds.size(); ++i)
      if (g.seeds[i] == sd) run = g.runs[i];
    std::vector<double> row;
    for (const auto& id : ids)
      for (const auto& c : *CountsOf(*run, bench))
        if (c.id == id) row.push_back(eval::PassAtK(c.n, c.c, k));
    m.push_back(std::move(row));
  }
  return m;
}

std::vector<std::string> SharedSeeds(const SeedGroup& a, const SeedGroup& b) {
  std::vector<std::string> out;
  for (const auto& s : a.seeds)
    if (std::find(b.seeds.begin(), b.seeds.end(), s) != b.seeds.end()) out.push_back(s);
  return out;
}

// Claims 1-4: A − B averaged over `keys`, at k (0 = the largest power of two both have, capped at max_k).
ClaimResult PairedClaim(const std::string& text, const SeedGroup* a, const SeedGroup* b,
                        const std::vector<std::string>& keys, long long k, long long max_k, const StatsOptions& stats) {
  ClaimResult r;
  r.claim = text;
  r.verdict = "not tested";
  if (!a || !b) {
    r.detail = "needs runs of both methods (labels " + std::string(!a ? "A" : "B") + " missing)";
    return r;
  }
  auto seeds = SharedSeeds(*a, *b);
  std::vector<std::vector<std::string>> ids_by_bench;
  long long problems = 0, k_used = k > 0 ? k : max_k;
  for (const auto& bench : keys) {
    auto ia = CommonIds(*a, bench, seeds), ib = CommonIds(*b, bench, seeds);
    std::set<std::string> in_b(ib.begin(), ib.end());
    std::vector<std::string> ids;
    for (const auto& id : ia)
      if (in_b.count(id)) ids.push_back(id);
    if (ids.empty() || seeds.empty()) {
      r.detail = "no shared seeds and problems on " + bench;
      return r;
    }
    for (const SeedGroup* g : {a, b})  // k <= every n (for k = 0: the largest power of two that fits)
      for (const RunData* run : g->runs)
        if (const auto* c = CountsOf(*run, bench))
          for (const auto& x : *c) k_used = std::min(k_used, x.n);
    problems += static_cast<long long>(ids.size());
    ids_by_bench.push_back(std::move(ids));
  }
  if (k == 0) {
    long long p2 = 1;
    while (p2 * 2 <= k_used) p2 *= 2;
    k_used = p2;
  }
  std::vector<Matrix> ma, mb;
  for (size_t g = 0; g < keys.size(); ++g) {
    ma.push_back(Values(*a, keys[g], seeds, ids_by_bench[g], k_used));
    mb.push_back(Values(*b, keys[g], seeds, ids_by_bench[g], k_used));
  }
  eval::PairedResult p = eval::HierarchicalPairedAverage(ma, mb, Boot(stats));
  r.tested = true;
  r.has_p = true;
  r.value = 100 * p.diff;
  r.low = 100 * p.low;
  r.high = 100 * p.high;
  r.p = p.p_value;
  r.statistic = fmt::format("{} − {}, Pass@{} (points), mean over {} benchmark{}", a->method, b->method, k_used,
                            keys.size(), keys.size() == 1 ? "" : "s");
  r.detail = fmt::format("{} seed{}, {} problems", seeds.size(), seeds.size() == 1 ? "" : "s", problems);
  return r;
}

// Claim 5 from the HPT runs' hpt/offline_data_ratio series.
ClaimResult RatioClaim(const SeedGroup* hpt, const StatsOptions& stats) {
  ClaimResult r;
  r.claim = "HPT's SFT share falls as training goes on";
  r.verdict = "not tested";
  if (!hpt) {
    r.detail = "no HPT run";
    return r;
  }
  std::vector<double> per_seed;
  std::vector<std::vector<double>> quarters;  // one seed: {last, -first}
  for (const RunData* run : hpt->runs) {
    const Series* s = nullptr;
    for (const char* key : {"hpt/offline_data_ratio", "offline_data_ratio", "offline_ratio"})
      if (auto it = run->train.metrics.find(key); it != run->train.metrics.end()) s = &it->second;
    if (!s || s->value.size() < 8) continue;
    size_t q = s->value.size() / 4;
    std::vector<double> first(s->value.begin(), s->value.begin() + q), last(s->value.end() - q, s->value.end());
    double mf = 0, ml = 0;
    for (double x : first) mf += x / q;
    for (double x : last) ml += x / q;
    per_seed.push_back(ml - mf);
    for (auto& x : first) x = -x;
    quarters = {last, first};
  }
  if (per_seed.empty()) {
    r.detail = "no HPT run logs hpt/offline_data_ratio over 8 or more steps";
    return r;
  }
  eval::Interval iv;
  if (per_seed.size() >= 2) {
    iv = eval::BootstrapMeanCI(per_seed, Boot(stats));
    r.detail = fmt::format("{} seeds; interval: bootstrap over seeds", per_seed.size());
  } else {
    iv = eval::StratifiedMeanCI(quarters, Boot(stats));  // (last − first) / 2
    iv = {2 * iv.mean, 2 * iv.low, 2 * iv.high};
    r.detail = "1 seed; interval: bootstrap over the steps of each quarter (within-run noise only)";
  }
  r.tested = true;
  r.value = iv.mean;
  r.low = iv.low;
  r.high = iv.high;
  r.statistic = "mean ratio, last quarter of steps − first quarter";
  return r;
}

std::string Verdict(double low, double high, bool claimed_positive, bool has_p, double p_holm, double alpha) {
  bool sig = !has_p || p_holm <= alpha;
  bool above = low > 0, below = high < 0;
  if (sig && (claimed_positive ? above : below)) return "supported";
  if (sig && (claimed_positive ? below : above)) return "not supported";
  return "inconclusive";
}

}  // namespace

std::string MethodKey(const std::string& label) {
  std::string out;
  for (unsigned char ch : label)
    if (std::isalnum(ch)) out += static_cast<char>(std::tolower(ch));
  return out;
}

std::vector<ClaimResult> TestClaims(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches,
                                    const std::vector<std::string>& unseen, long long max_k, const StatsOptions& stats) {
  auto groups = Groups(runs);
  const SeedGroup* hpt = FindMethod(groups, {"hpt"});
  const SeedGroup* sft_grpo = FindMethod(groups, {"sftgrpo", "sftthengrpo"});
  const SeedGroup* luffy = FindMethod(groups, {"luffy"});
  const SeedGroup* grpo = FindMethod(groups, {"grpo"});
  const SeedGroup* sft = FindMethod(groups, {"sft"});
  std::vector<std::string> id_keys;
  for (const auto& b : benches)
    if (b.group == BenchGroup::kInDistribution) id_keys.push_back(b.key);
  std::vector<ClaimResult> out;
  out.push_back(PairedClaim("HPT ≥ SFT→GRPO on the in-distribution Pass@1 average", hpt, sft_grpo, id_keys, 1, max_k, stats));
  out.push_back(PairedClaim("HPT ≥ LUFFY on the in-distribution Pass@1 average", hpt, luffy, id_keys, 1, max_k, stats));
  if (unseen.empty()) {
    out.push_back({"HPT ≥ GRPO at large k on the tiers unseen in pre-training", "", false, 0, 0, 0, 1, 1, false,
                   "not tested", "no unseen benchmarks named (report option unseen)"});
  } else {
    out.push_back(PairedClaim("HPT ≥ GRPO at large k on the tiers unseen in pre-training", hpt, grpo, unseen, 0, max_k,
                              stats));
  }
  out.push_back(PairedClaim("SFT→GRPO ≥ SFT on the in-distribution Pass@1 average", sft_grpo, sft, id_keys, 1, max_k, stats));
  std::vector<double> ps;
  for (const auto& c : out)
    if (c.tested) ps.push_back(c.p);
  auto adj = eval::HolmAdjust(ps);
  size_t at = 0;
  const double alpha = 1 - stats.level;
  for (auto& c : out)
    if (c.tested) {
      c.p_holm = adj[at++];
      c.verdict = Verdict(c.low, c.high, true, true, c.p_holm, alpha);
    }
  ClaimResult ratio = RatioClaim(hpt, stats);
  if (ratio.tested) ratio.verdict = Verdict(ratio.low, ratio.high, false, false, 1, alpha);
  out.push_back(ratio);
  return out;
}

TextTable ClaimsTextTable(const std::vector<ClaimResult>& claims) {
  TextTable t;
  t.headers = {"claim", "statistic", "value", "interval", "p", "p (Holm)", "verdict", "data"};
  for (const auto& c : claims) {
    if (!c.tested) {
      t.rows.push_back({c.claim, "", "", "", "", "", c.verdict, c.detail});
      continue;
    }
    t.rows.push_back({c.claim, c.statistic, FormatNumber(c.value, 2),
                      "[" + FormatNumber(c.low, 2) + ", " + FormatNumber(c.high, 2) + "]",
                      c.has_p ? fmt::format("{:.3g}", c.p) : "", c.has_p ? fmt::format("{:.3g}", c.p_holm) : "",
                      c.verdict, c.detail});
  }
  return t;
}

std::string ClaimsCsv(const std::vector<ClaimResult>& claims) {
  std::string out = "claim,statistic,value,ci_low,ci_high,p,p_holm,verdict,detail\n";
  for (const auto& c : claims) {
    out += CsvField(c.claim) + "," + CsvField(c.statistic) + ",";
    if (c.tested) out += fmt::format("{:.6g},{:.6g},{:.6g}", c.value, c.low, c.high);
    else out += ",,";
    out += "," + (c.tested && c.has_p ? fmt::format("{:.6g},{:.6g}", c.p, c.p_holm) : std::string(",")) + "," +
           CsvField(c.verdict) + "," + CsvField(c.detail) + "\n";
  }
  return out;
}

}  // namespace upt::reports
