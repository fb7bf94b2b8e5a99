// `upt passk`: Pass@k tables (unbiased + bootstrap, with CIs) from score
// directories or a plain counts CSV (id,n,c).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "eval/counts.h"
#include "eval/report.h"

namespace upt::cli {
namespace {

struct PassKCli {
  std::vector<std::string> scores, counts;
  std::string k = "pow2", bootstrap_k = "same", format = "md", out;
  eval::BootstrapOptions boot;
  template <class V>
  void ForEach(V&& v) {
    v("scores", scores, "score directories written by `upt score`");
    v("counts", counts, "CSV files of per-problem counts with header id,n,c");
    v("k", k, "k values: 1,2,4,... | pow2 (up to the smallest n) | all");
    v("bootstrap_k", bootstrap_k, "ks at which CIs and bootstrap pass@k are computed: same (as --k) | pow2 | 1,2,4,...");
    v("", boot, "");
    v("format", format, "csv | json | md");
    v("out", out, "also write the table to this file");
  }
};

int RunPassK(const PassKCli& c) {
  CheckBootstrapFlags(c.boot);
  if (c.scores.empty() && c.counts.empty())
    throw Error("nothing to read", "upt passk", "pass --scores DIR... or --counts FILE.csv");
  std::vector<eval::ScoredRun> runs;
  for (const auto& d : c.scores) runs.push_back(eval::LoadScoredRun(d));
  for (const auto& f : c.counts) {
    eval::ScoredRun r;
    r.dir = f;
    r.benchmark = f;
    r.counts = eval::ReadCountsCsv(f, &r.missing);
    runs.push_back(std::move(r));
  }
  // Same benchmark from several directories: label the tables with the directory.
  for (auto& r : runs) {
    int same = 0;
    for (const auto& o : runs) same += o.benchmark == r.benchmark;
    if (same > 1 && r.benchmark != r.dir) r.benchmark += " [" + r.dir + "]";
  }
  const eval::BootstrapOptions& bo = c.boot;
  std::vector<eval::PassKTable> tables;
  for (const auto& r : runs) {
    if (r.counts.empty()) throw Error("no scored problems", r.dir, "check that the run has samples");
    if (r.missing > 0) LogWarn("{}: {} problems without samples are left out", r.dir, r.missing);
    long long n_min = r.counts[0].n;
    for (const auto& p : r.counts) n_min = std::min(n_min, p.n);
    auto ks = eval::ParseKs(c.k, n_min);
    auto boot_ks = c.bootstrap_k == "same" ? ks : eval::ParseKs(c.bootstrap_k, n_min);
    try {
      tables.push_back(eval::ComputePassKTable(r.benchmark, r.counts, ks, boot_ks, bo));
    } catch (const Error& e) {
      throw Error(e.message(), r.dir + ": " + e.where(), e.hint());
    }
  }
  std::vector<std::vector<eval::Counts>> counts;
  for (const auto& r : runs) counts.push_back(r.counts);
  std::string text = eval::RenderPassK(tables, c.format, eval::AveragePassK(tables, counts, bo));
  WriteStdout(text);
  if (!c.out.empty()) WriteFileAtomic(c.out, text);
  return 0;
}

RunFn SetupPassK(CLI::App& app) {
  auto c = std::make_shared<PassKCli>();
  AddOptions(app, *c);
  return [c] { return RunPassK(*c); };
}

}  // namespace

UPT_COMMAND(passk, "Pass@k tables (unbiased and bootstrap, with confidence intervals)", SetupPassK);

}  // namespace upt::cli
