// `upt report`: tables, figures and index.html from run directories (docs/reports.md).
#include <cstdio>
#include <memory>

#include "cli/command.h"
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

upt::cli::RunFn SetupReport(CLI::App& app) {
  auto o = std::make_shared<upt::reports::ReportOptions>();
  app.add_option("--runs", o->runs, "run directories, DIR or label=DIR (one method each)")->required();
  app.add_option("--out", o->out, "output folder")->required();
  app.add_option("--title", o->title, "report title")->capture_default_str();
  app.add_option("--labels", o->labels, "display labels by position: a,b,...")->delimiter(',');
  app.add_flag("--compare-paper", o->compare_paper, "add the paper's reported numbers (HPT Tables 2/3)");
  app.add_option("--paper-model", o->paper_model, "paper table: qwen2.5-math-7b | qwen2.5-math-1.5b | llama3.1-8b")
      ->capture_default_str();
  app.add_option("--ci", o->ci, "interval display: pm | interval | none")->capture_default_str();
  app.add_option("--bootstrap", o->bootstrap, "bootstrap replicates")->capture_default_str();
  app.add_option("--seed", o->seed, "bootstrap seed")->capture_default_str();
  app.add_option("--level", o->level, "confidence level")->capture_default_str();
  app.add_option("--max-k", o->max_k, "largest k for Pass@k")->capture_default_str();
  app.add_option("--ood", o->ood, "extra benchmarks averaged as out-of-distribution: a,b")->delimiter(',');
  app.add_option("--diff", o->diff, "difference heatmap A - B: two run labels A,B");
  app.add_option("--decimals", o->decimals, "decimals in tables")->capture_default_str();
  app.add_option("--unique-ref", o->unique_ref, "Table 4 reference run label (default HPT, else the first run)");
  app.add_option("--unique-k", o->unique_k, "Table 4 k (0 = the smallest n per benchmark)")->capture_default_str();
  app.add_option("--unseen", o->unseen, "benchmarks unseen in pre-training, for the exploration claim: a,b")
      ->delimiter(',');
  app.add_flag("!--no-render", o->render, "write figure data and gnuplot scripts without running gnuplot");
  return [o] { return RunReport(*o); };
}

}  // namespace

UPT_COMMAND(report, "Tables, Pass@k curves, training figures and index.html from run directories", SetupReport);
