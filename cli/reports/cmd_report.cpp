// `upt report`: tables, figures and index.html from run directories (docs/reports.md).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/strings.h"
#include "reports/report.h"

namespace {

int RunReport(const upt::reports::ReportOptions& opts) {
  upt::reports::ReportResult r = upt::reports::WriteReport(opts);
  std::printf("wrote %s\n      %s\n", r.index_md.c_str(), r.index_html.c_str());
  std::printf("figures: %d written, %d rendered%s\n", r.figures_written, r.figures_rendered,
              r.gnuplot_missing ? " (gnuplot not found: data and scripts only)" : "");
  for (const auto& n : r.notes) std::printf("note: %s\n", n.c_str());
  return 0;
}

// The run list and output folder, then the report's own options (recorded in report.json).
struct ReportCli {
  upt::reports::ReportOptions o;
  template <class V>
  void ForEach(V&& v) {
    v("runs", o.runs, "run directories, DIR or label=DIR (one method each)", upt::kOptRequired);
    v("out", o.out, "output folder", upt::kOptRequired);
    v("labels", o.labels, "display labels by position: a,b,...", upt::kOptCommaList);
    v("", o, "");
  }
};

upt::cli::RunFn SetupReport(CLI::App& app) {
  auto c = std::make_shared<ReportCli>();
  upt::cli::AddOptions(app, *c);
  return [c] { return RunReport(c->o); };
}

}  // namespace

UPT_COMMAND(report, "Tables, Pass@k curves, training figures and index.html from run directories", SetupReport);
