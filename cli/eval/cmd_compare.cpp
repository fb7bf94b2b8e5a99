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
  eval::BootstrapOptions boot;
  template <class V>
  void ForEach(V&& v) {
    v("RUN_A", a, "score directory A", kOptPositional | kOptRequired);
    v("RUN_B", b, "score directory B", kOptPositional | kOptRequired);
    v("", boot, "");
    v("format", format, "csv | json | md");
    v("out", out, "also write the table to this file");
  }
};

int RunCompare(const CompareCli& c) {
  CheckBootstrapFlags(c.boot);
  auto ra = eval::LoadScoredRun(c.a), rb = eval::LoadScoredRun(c.b);
  auto cmp = eval::CompareRuns(ra, rb, c.boot);
  std::string text = eval::RenderComparison(cmp, c.a, c.b, c.format);
  WriteStdout(text);
  if (!c.out.empty()) WriteFileAtomic(c.out, text);
  return 0;
}

RunFn SetupCompare(CLI::App& app) {
  auto c = std::make_shared<CompareCli>();
  AddOptions(app, *c);
  return [c] { return RunCompare(*c); };
}

}  // namespace

UPT_COMMAND(compare, "Paired comparison of two score directories (difference, CI, p-value)", SetupCompare);

}  // namespace upt::cli
