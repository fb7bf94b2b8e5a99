// `upt report` as a library call, so `upt reproduce` can write the same report.
//
// Output folder:
//   OUT/index.md, OUT/index.html (self-contained), OUT/report.json (numbers + provenance)
//   OUT/tables/<stem>.{md,tex,csv}   results, paper_comparison, paper_delta, passk_<bench>, unique_solves, seeds_pass1, seeds_pairs, claims (csv)
//   OUT/figures/<name>.{dat,gp,png,svg}  passk, heatmap_<run>, heatmap_diff, curve_*
//   OUT/.upt-report-manifest  the files above this run wrote; a re-run deletes the ones it no longer writes
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/options.h"
#include "eval/passk.h"

namespace upt::reports {

struct ReportOptions {
  std::vector<std::string> runs;    // run directories, "DIR" or "label=DIR"
  std::vector<std::string> labels;  // display labels by position (override run.json / folder name)
  std::string out;                  // output folder (created)
  std::string title = "upt report";
  bool compare_paper = false;       // add the paper's Table 2/3 rows
  std::string paper_model = "qwen2.5-math-7b";
  std::string ci = "pm";            // pm | interval | none
  eval::BootstrapOptions boot;      // replicates, seed and level of intervals
  long long max_k = 1024;           // largest k in Pass@k tables and curves
  std::vector<std::string> ood;     // further benchmarks to average as out-of-distribution
  std::string diff;                 // "A,B": labels for the difference heatmap (default: first two with logs)
  bool render = true;               // run gnuplot (false: data + scripts only)
  int decimals = 1;
  std::string unique_ref;           // Table 4 reference run ("" = HPT, else the first run)
  long long unique_k = 0;           // Table 4 k (0 = the smallest n per benchmark)
  std::vector<std::string> unseen;  // benchmarks unseen in pre-training (the exploration claim)

  template <class V>
  void ForEach(V&& v) {
    v("title", title, "report title");
    v("compare_paper", compare_paper, "add the paper's reported numbers beside yours");
    v("paper_model", paper_model, "paper table: qwen2.5-math-7b | qwen2.5-math-1.5b | llama3.1-8b");
    v("ci", ci, "interval display: pm (± half-width) | interval ([low, high] on a second line) | none");
    v("", boot, "");
    v("max_k", max_k, "largest k for Pass@k");
    v("ood", ood, "extra benchmarks averaged as out-of-distribution: a,b", kOptCommaList);
    v("diff", diff, "two run labels A,B for the difference heatmap A - B");
    v("render", render, "run gnuplot to render PNG and SVG (--no-render: write figure data and gnuplot scripts only)",
      kOptNegated);
    v("decimals", decimals, "decimals in tables");
    v("unique_ref", unique_ref, "Table 4 (solved by one method only): reference run label (default HPT, else the first)");
    v("unique_k", unique_k, "Table 4: k for Pass@k (0 = the smallest n of the runs per benchmark)");
    v("unseen", unseen, "benchmarks unseen in pre-training, for the claim HPT >= GRPO at large k (claims table): a,b",
      kOptCommaList);
  }
};

struct ReportResult {
  std::vector<std::string> notes;  // omitted figures, missing inputs (also in index.md)
  int figures_written = 0;
  int figures_rendered = 0;
  bool gnuplot_missing = false;
  std::vector<std::string> removed;  // stale files of an earlier report in OUT, deleted (reports/manifest.h)
  std::string index_md, index_html;
};

// Reads every run, writes the whole report. Throws upt::Error on unreadable
// inputs (a missing figure's data is a note, not an error).
ReportResult WriteReport(const ReportOptions& opts);

}  // namespace upt::reports
