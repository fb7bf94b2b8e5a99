// `upt compare RUN_A RUN_B`: paired difference (A - B) per metric with a
// bootstrap CI and a paired-bootstrap p-value, over the problems both runs scored.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/fs.h"
#include "eval/counts.h"
#include "eval/report.h"

namespace upt::cli {
namespace {

struct CompareCli {
  std::string a, b, format = "md", out;
  int bootstrap = 1000;
  long long seed = 0;
  double level = 0.95;
};

int RunCompare(const CompareCli& c) {
  eval::BootstrapOptions bo;
  CheckBootstrapFlags(c.level, c.bootstrap);
  bo.replicates = c.bootstrap;
  bo.seed = static_cast<uint64_t>(c.seed);
  bo.level = c.level;
  auto ra = eval::LoadScoredRun(c.a), rb = eval::LoadScoredRun(c.b);
  auto cmp = eval::CompareRuns(ra, rb, bo);
  std::string text = eval::RenderComparison(cmp, c.a, c.b, c.format);
  WriteStdout(text);
  if (!c.out.empty()) WriteFileAtomic(c.out, text);
  return 0;
}

RunFn SetupCompare(CLI::App& app) {
  auto c = std::make_shared<CompareCli>();
  app.add_option("RUN_A", c->a, "score directory A")->required();
  app.add_option("RUN_B", c->b, "score directory B")->required();
  app.add_option("--bootstrap", c->bootstrap, "bootstrap replicates B")->capture_default_str();
  app.add_option("--seed", c->seed, "bootstrap seed")->capture_default_str();
  app.add_option("--level", c->level, "confidence level")->capture_default_str();
  app.add_option("--format", c->format, "csv | json | md")->capture_default_str();
  app.add_option("--out", c->out, "also write the table to this file");
  return [c] { return RunCompare(*c); };
}

}  // namespace

UPT_COMMAND(compare, "Paired comparison of two score directories (difference, CI, p-value)", SetupCompare);

}  // namespace upt::cli
