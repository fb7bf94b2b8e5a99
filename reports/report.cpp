#include "reports/report.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/options.h"
#include "core/strings.h"
#include "core/version.h"
#include "reports/claims.h"
#include "reports/curves.h"
#include "reports/figures.h"
#include "reports/gnuplot.h"
#include "reports/heatmap.h"
#include "reports/inputs.h"
#include "reports/manifest.h"
#include "reports/page.h"
#include "reports/paper.h"
#include "reports/seeds_report.h"
#include "reports/tables.h"
#include "reports/unique.h"

namespace upt::reports {
namespace fs = std::filesystem;
namespace {

CiStyle ParseCi(const std::string& s) {
  if (s == "pm") return CiStyle::kPlusMinus;
  if (s == "interval") return CiStyle::kInterval;
  if (s == "none") return CiStyle::kNone;
  throw Error(UnknownNameMessage("CI style", s, {"pm", "interval", "none"}), "--ci");
}

// File-name-safe form of a run label.
std::string SafeName(const std::string& label) {
  std::string out;
  for (unsigned char ch : label) out += std::isalnum(ch) || ch == '-' || ch == '_' ? static_cast<char>(ch) : '_';
  return out.empty() ? "run" : out;
}

std::vector<RunData> LoadRuns(const ReportOptions& opts) {
  if (opts.runs.empty()) throw Error("no runs given", "--runs", "pass one or more run directories: --runs DIR [label=DIR ...]");
  std::vector<RunData> runs;
  std::set<std::string> used;
  for (size_t i = 0; i < opts.runs.size(); ++i) {
    auto [label, dir] = SplitRunArg(opts.runs[i]);
    if (i < opts.labels.size() && !opts.labels[i].empty()) label = opts.labels[i];
    RunData run = LoadRun(dir, label);
    std::string base = run.label;
    for (int k = 2; used.count(run.label); ++k) run.label = base + " #" + std::to_string(k);
    used.insert(run.label);
    runs.push_back(std::move(run));
  }
  return runs;
}

void WriteTableFiles(const std::string& out, const TableBlock& t, std::vector<std::string>* written) {
  std::string rel = "tables/" + t.stem;
  WriteFileAtomic(out + "/" + rel + ".md", RenderMarkdown(t.table, t.ci));
  WriteFileAtomic(out + "/" + rel + ".tex", RenderLatex(t.table, t.ci, t.title, "tab:" + t.stem));
  WriteFileAtomic(out + "/" + rel + ".csv", RenderCsv(t.table));
  for (const char* ext : {".md", ".tex", ".csv"}) written->push_back(rel + ext);
}

// The figure files of this run for the manifest: data and script always, the
// images when rendered now or listed by the previous manifest (same name, ours).
std::vector<std::string> FigureFiles(const std::string& out, const Document& doc, const std::vector<std::string>& old) {
  std::set<std::string> before(old.begin(), old.end());
  std::vector<std::string> files;
  for (const auto& sec : doc.sections)
    for (const auto& f : sec.figures) {
      std::string rel = "figures/" + f.name;
      for (const char* ext : {".dat", ".gp", "_rows.csv"})
        if (fs::exists(out + "/" + rel + ext)) files.push_back(rel + ext);
      for (const char* ext : {".png", ".svg"})
        if (f.rendered || (before.count(rel + ext) && fs::exists(out + "/" + rel + ext))) files.push_back(rel + ext);
    }
  return files;
}

std::string BootText(const StatsOptions& s) {
  return fmt::format("{:g}% percentile bootstrap over problems (B = {}, seed {})", 100 * s.level, s.replicates, s.seed);
}

Section ResultsSection(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches,
                       const ReportOptions& opts, const StatsOptions& stats, CiStyle ci,
                       std::vector<std::string>* notes) {
  Section sec;
  sec.title = "Results";
  TableBlock main;
  main.stem = "results";
  main.title = "Pass@1 by benchmark";
  main.ci = ci;
  main.table = BuildMainTable(runs, benches, stats);
  main.table.decimals = opts.decimals;
  main.sentence = "Pass@1 (%) is avg@n, the mean over problems of c/n from each score directory's problems.csv; " +
                  std::string(ci == CiStyle::kPlusMinus ? "± is half the width of the " : "intervals are the ") +
                  BootText(stats) +
                  "; Avg is the unweighted mean over its group's benchmarks (shown only when a run has all of them); "
                  "bold marks the best run per column.";
  for (const auto& run : runs)
    for (const auto& s : run.scores)
      if (s.problems.empty())
        notes->push_back(fmt::format("{} / {}: no problems.csv; Pass@1 taken from results.json without an interval.",
                                     run.label, s.benchmark));
  sec.tables.push_back(main);
  if (!opts.compare_paper) return sec;
  const PaperTable& paper = GetPaperTable(opts.paper_model);
  TableBlock cmp = main;
  cmp.stem = "paper_comparison";
  cmp.title = "Beside the paper's numbers";
  AppendPaperRows(&cmp.table, paper);
  cmp.sentence = "The runs of this report above the numbers reported in " + paper.caption +
                 " (transcribed from the paper, reports/paper/); the paper's Avg is its own rounded value when the "
                 "benchmark set matches, else the mean of the shown columns. Bold marks the best of this report's runs.";
  sec.tables.push_back(cmp);
  Table delta = BuildPaperDeltaTable(cmp.table, paper);
  if (!delta.rows.empty()) {
    TableBlock d;
    d.stem = "paper_delta";
    d.title = "Difference to the paper";
    d.ci = CiStyle::kNone;
    d.table = delta;
    d.sentence = "For runs whose label matches a model of " + paper.caption +
                 ": this report's Pass@1, the paper's, and the difference in points.";
    sec.tables.push_back(d);
  } else {
    notes->push_back("No run label matches a model of " + paper.caption +
                     " (e.g. HPT, GRPO, LUFFY, SFT); the difference table is omitted.");
  }
  return sec;
}

Section PassKSection(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches,
                     const ReportOptions& opts, const StatsOptions& stats, CiStyle ci,
                     std::vector<LineFigure>* line_figs, std::vector<std::string>* notes) {
  Section sec;
  sec.title = "Pass@k";
  auto pks = ComputePassK(runs, benches, stats, opts.max_k);
  if (pks.empty()) {
    notes->push_back("Pass@k tables and curves omitted: no benchmark has n >= 2 samples per problem.");
    return sec;
  }
  sec.text = "Unbiased Pass@k (Chen et al. 2021) for k = 1, 2, 4, … up to the smallest n of a run's problems, "
             "averaged over problems; intervals: " + BootText(stats) + " of the per-problem estimates.";
  LineFigure fig;
  fig.name = "passk";
  for (const auto& pk : pks) {
    TableBlock t;
    t.stem = "passk_" + pk.bench.key;
    t.title = "Pass@k on " + pk.bench.header;
    t.ci = ci;
    t.table = BuildPassKTable(pk);
    t.table.decimals = opts.decimals;
    t.sentence = fmt::format("Pass@k (%) on {} per run and k; bold marks the best run per k.", pk.bench.header);
    sec.tables.push_back(t);
    LinePanel p;
    p.title = pk.bench.header;
    p.xlabel = "k";
    p.ylabel = "Pass@k (%)";
    p.log2_x = true;
    for (const auto& c : pk.curves) {
      int color = 0;
      for (size_t i = 0; i < runs.size(); ++i)
        if (runs[i].label == c.label) color = static_cast<int>(i);
      LineSeries s;
      s.label = c.label;
      s.color = color;
      for (size_t i = 0; i < c.ks.size(); ++i) {
        s.x.push_back(static_cast<double>(c.ks[i]));
        s.y.push_back(c.mean[i]);
        s.low.push_back(c.low[i]);
        s.high.push_back(c.high[i]);
      }
      p.series.push_back(std::move(s));
    }
    fig.panels.push_back(std::move(p));
  }
  std::string unique_note;
  Table unique = BuildUniqueSolvesTable(runs, benches, {opts.unique_ref, opts.unique_k}, &unique_note);
  if (!unique.rows.empty()) {
    TableBlock u;
    u.stem = "unique_solves";
    u.title = "Problems solved by one method only (Table 4)";
    u.ci = CiStyle::kNone;
    u.table = std::move(unique);
    u.sentence = "Per pair of runs and benchmark, the expected number of problems that k samples of one run solve "
                 "and k samples of the other do not: the sum over shared problems of pass@k(A)·(1 − pass@k(B)), "
                 "with the unbiased per-problem pass@k. " + unique_note;
    sec.tables.push_back(std::move(u));
  }
  sec.figures.push_back({"passk", "Pass@k curves",
                         "Pass@k (%) against k on a log2 axis, one panel per benchmark and one curve per run; the "
                         "shaded band is the bootstrap interval over problems.",
                         false});
  line_figs->push_back(std::move(fig));
  return sec;
}

struct HeatmapJob {
  std::string name;
  Heatmap map;
  HeatmapStyle style;
};

Section DynamicsSection(const std::vector<RunData>& runs, const ReportOptions& opts, std::vector<HeatmapJob>* jobs,
                        std::vector<std::string>* notes) {
  Section sec;
  sec.title = "Training dynamics";
  std::vector<std::pair<std::string, Heatmap>> maps;
  for (const auto& run : runs) {
    if (run.rollouts.empty()) continue;
    Heatmap h = BuildHeatmap(run.rollouts);
    std::string name = "heatmap_" + SafeName(run.label);
    HeatmapStyle style;
    style.title = fmt::format("{}: rollout accuracy per question and {} (never solved: {:.0f}%)", run.label,
                              h.column_axis, 100 * h.never_solved_fraction);
    sec.figures.push_back({name, "Rollout accuracy: " + run.label,
                           fmt::format("Each row is a training question, each column an {0}; colour = c/n of its "
                                       "rollouts in that {0} (from {1}); rows ordered by the {0} of first "
                                       "success; {2} of {3} questions are never solved.",
                                       h.column_axis, run.rollout_path, fmt::format("{:.0f}%", 100 * h.never_solved_fraction),
                                       h.questions.size()),
                           false});
    jobs->push_back({name, h, style});
    maps.push_back({run.label, std::move(h)});
  }
  if (maps.empty()) {
    notes->push_back("Training-dynamics heatmaps omitted: no run has rollout_accuracy.jsonl.");
    return sec;
  }
  std::string a = maps[0].first, b = maps.size() > 1 ? maps[1].first : "";
  if (!opts.diff.empty()) {
    auto parts = Split(opts.diff, ',');
    if (parts.size() != 2) throw Error("expected two labels A,B", "--diff");
    a = std::string(Trim(parts[0]));
    b = std::string(Trim(parts[1]));
  }
  const Heatmap *ha = nullptr, *hb = nullptr;
  for (const auto& [label, h] : maps) {
    if (label == a) ha = &h;
    if (label == b) hb = &h;
  }
  if (!ha || !hb || a == b) {
    notes->push_back(b.empty() ? "Difference heatmap omitted: it needs two runs with rollout_accuracy.jsonl."
                               : "Difference heatmap omitted: --diff names runs without rollout logs (" + opts.diff + ").");
    return sec;
  }
  Heatmap d = BuildDiffHeatmap(*ha, *hb);
  if (d.questions.empty() || d.columns.empty()) {
    notes->push_back("Difference heatmap omitted: " + a + " and " + b + " share no question and " + d.column_axis + ".");
    return sec;
  }
  HeatmapStyle style;
  style.title = a + " minus " + b + ": difference in rollout accuracy";
  style.cblabel = "acc(" + a + ") - acc(" + b + ")";
  style.diverging = true;
  sec.figures.push_back({"heatmap_diff", "Difference: " + a + " - " + b,
                         fmt::format("Rollout accuracy of {} minus {} on the {} questions and {}s both logged; blue = "
                                     "{} better, red = {} better; rows ordered by {}'s first success.",
                                     a, b, d.questions.size(), d.column_axis, a, b, a),
                         false});
  jobs->push_back({"heatmap_diff", std::move(d), style});
  return sec;
}

Section CurvesSection(const std::vector<RunData>& runs, std::vector<LineFigure>* line_figs,
                      std::vector<std::string>* notes) {
  Section sec;
  sec.title = "Training curves";
  for (auto& f : BuildTrainingFigures(runs, notes)) {
    std::string what = f.name == "curve_validation" ? "Validation accuracy (the trainer's val-core metric, per benchmark)"
                                                     : f.panels[0].title;
    std::vector<std::string> sources;
    for (const auto& r : runs)
      if (!r.train.path.empty()) sources.push_back(r.train.path);
    std::string how = f.name == "curve_validation"
                          ? " against training step, one line per run (from "
                          : " against training step: a trailing moving average (window MA in the legend) over the raw "
                            "per-step values drawn faintly; runs labelled METHOD/SEED are one mean line per method with "
                            "a band of ± one standard deviation over seeds (from ";
    sec.figures.push_back({f.name, what, what + how + Join(sources, ", ") + ").", false});
    line_figs->push_back(std::move(f));
  }
  return sec;
}

Section ProvenanceSection(const std::vector<RunData>& runs, const std::vector<BenchInfo>& benches,
                          const StatsOptions& stats) {
  Section sec;
  sec.title = "Provenance";
  sec.text = "Where each number comes from: one row per run and benchmark, as recorded in results.json by `upt score`; "
             "n = samples per problem (min-max). Intervals: " + BootText(stats) + ".";
  TextTable t;
  t.headers = {"run", "benchmark", "problems", "n", "dataset sha256", "verifier", "model", "sampling", "seed", "git",
               "score dir"};
  for (const auto& run : runs) {
    for (const auto& b : benches) {
      auto it = std::find_if(run.scores.begin(), run.scores.end(),
                             [&](const BenchmarkScore& s) { return s.benchmark == b.key; });
      if (it == run.scores.end()) continue;
      const BenchmarkScore& s = *it;
      const auto& p = s.provenance;
      std::string n = p.n_min == p.n_max ? std::to_string(p.n_min) : fmt::format("{}-{}", p.n_min, p.n_max);
      t.rows.push_back({run.label, s.benchmark, std::to_string(s.problems.size()), s.problems.empty() ? "?" : n,
                        p.dataset_sha256.empty() ? "?" : p.dataset_sha256.substr(0, 16),
                        p.verifier.empty() ? "?" : p.verifier, p.model.empty() ? "?" : p.model, p.sampling.empty() ? "?" : p.sampling,
                        p.seed.empty() ? "?" : p.seed, p.git_revision.empty() ? "?" : p.git_revision, s.dir});
    }
  }
  if (!t.rows.empty()) sec.text_tables.push_back(std::move(t));
  return sec;
}

// Renders every figure; marks FigureBlock.rendered; adds notes for failures.
void RenderFigures(const std::string& fig_dir, Document* doc, const ReportOptions& opts, ReportResult* result) {
  bool have = opts.render && GnuplotAvailable();
  if (opts.render && !have) {
    result->gnuplot_missing = true;
    doc->notes.push_back("gnuplot was not found (" + GnuplotProgram() +
                         "): figures are not rendered, their data and scripts are in figures/. Install it "
                         "(Debian: apt-get install gnuplot-nox) or set UPT_GNUPLOT, then run `gnuplot NAME.gp` there.");
    LogWarn("gnuplot not found; writing figure data and scripts only (apt-get install gnuplot-nox)");
  }
  for (auto& sec : doc->sections) {
    for (auto& f : sec.figures) {
      ++result->figures_written;
      if (!have) continue;
      GnuplotRun run = RunGnuplot(fig_dir, f.name + ".gp");
      std::string png = fig_dir + "/" + f.name + ".png", svg = fig_dir + "/" + f.name + ".svg";
      bool ok = run.exit_code == 0 && fs::exists(png) && fs::file_size(png) > 0 && fs::exists(svg) &&
                fs::file_size(svg) > 0;
      f.rendered = ok;
      if (ok) ++result->figures_rendered;
      else
        doc->notes.push_back(fmt::format("Figure {} failed to render (gnuplot exit {}): {}", f.name, run.exit_code,
                                         std::string(Trim(run.stderr_text)).substr(0, 400)));
    }
  }
}

}  // namespace

ReportResult WriteReport(const ReportOptions& opts) {
  if (opts.out.empty()) throw Error("no output folder", "--out", "pass --out DIR");
  CiStyle ci = ParseCi(opts.ci);
  if (opts.compare_paper) GetPaperTable(opts.paper_model);  // fail early on a bad key
  const StatsOptions& stats = opts.boot;
  std::vector<RunData> runs = LoadRuns(opts);
  auto benches = ReportBenchmarks(runs, opts.ood);
  MakeDirs(opts.out + "/tables");
  MakeDirs(opts.out + "/figures");

  Document doc;
  doc.title = opts.title;
  doc.header_lines.push_back(fmt::format("Generated by upt {} (git {}) on {}.", VersionString(), GitRevision(), UtcNowIso()));
  for (const auto& r : runs) doc.header_lines.push_back("Run " + r.label + ": " + r.dir);
  std::vector<LineFigure> line_figs;
  std::vector<HeatmapJob> heatmaps;
  std::string claims_csv;
  if (benches.empty()) {
    doc.notes.push_back("Results and Pass@k tables omitted: no score directory found (expected RUN/scores/<benchmark>/ "
                        "with results.json and problems.csv from `upt score`).");
  } else {
    doc.sections.push_back(ResultsSection(runs, benches, opts, stats, ci, &doc.notes));
    Section seeds = SeedsSection(runs, benches, stats, ci, opts.decimals);
    if (!seeds.tables.empty()) doc.sections.push_back(std::move(seeds));
    auto claims = TestClaims(runs, benches, opts.unseen, opts.max_k, stats);
    if (std::any_of(claims.begin(), claims.end(), [](const ClaimResult& c) { return c.tested; })) {
      Section cs;
      cs.title = "Claims";
      cs.text = "The paper's statements tested one by one (rules in docs/reports.md): paired differences on the same "
                "seeds and problems with a hierarchical bootstrap interval, p-values Holm-adjusted over the claims; "
                "supported = the interval lies on the claimed side of 0 and p (Holm) <= " +
                fmt::format("{:g}", 1 - opts.boot.level) + ", not supported = it lies on the other side, else inconclusive.";
      cs.text_tables.push_back(ClaimsTextTable(claims));
      doc.sections.push_back(std::move(cs));
      claims_csv = ClaimsCsv(claims);
    }
    Section pk = PassKSection(runs, benches, opts, stats, ci, &line_figs, &doc.notes);
    if (!pk.tables.empty()) doc.sections.push_back(std::move(pk));
  }
  Section dyn = DynamicsSection(runs, opts, &heatmaps, &doc.notes);
  if (!dyn.figures.empty()) doc.sections.push_back(std::move(dyn));
  Section curves = CurvesSection(runs, &line_figs, &doc.notes);
  if (!curves.figures.empty()) doc.sections.push_back(std::move(curves));
  Section prov = ProvenanceSection(runs, benches, stats);
  if (!prov.text_tables.empty()) doc.sections.push_back(std::move(prov));

  const std::vector<std::string> old_manifest = ReadManifest(opts.out);
  std::vector<std::string> written;
  for (const auto& sec : doc.sections)
    for (const auto& t : sec.tables) WriteTableFiles(opts.out, t, &written);
  if (!claims_csv.empty()) {
    WriteFileAtomic(opts.out + "/tables/claims.csv", claims_csv);
    written.push_back("tables/claims.csv");
  }
  std::string fig_dir = opts.out + "/figures";
  for (const auto& f : line_figs) WriteLineFigure(fig_dir, f);
  for (const auto& h : heatmaps) WriteHeatmapFigure(fig_dir, h.name, h.map, h.style);

  ReportResult result;
  RenderFigures(fig_dir, &doc, opts, &result);
  for (auto& f : FigureFiles(opts.out, doc, old_manifest)) written.push_back(std::move(f));
  result.removed = ReplaceManifest(opts.out, std::move(written));
  if (!result.removed.empty())
    LogInfo("removed {} stale file(s) of the previous report in {}: {}", result.removed.size(), opts.out,
            Join(result.removed, ", "));
  result.notes = doc.notes;
  result.index_md = opts.out + "/index.md";
  result.index_html = opts.out + "/index.html";
  WriteFileAtomic(result.index_md, RenderIndexMd(doc));
  WriteFileAtomic(result.index_html, RenderIndexHtml(doc, opts.out));

  OrderedJson j;
  j["provenance"] = BaseProvenance();
  j["options"] = OptionsToJson(opts);
  j["runs"] = OrderedJson::array();
  for (const auto& r : runs) {
    OrderedJson rj;
    rj["label"] = r.label;
    rj["dir"] = r.dir;
    rj["benchmarks"] = OrderedJson::object();
    for (const auto& s : r.scores) {
      Pass1 p = ComputePass1(s, stats);
      OrderedJson b;
      b["pass@1"] = p.present ? OrderedJson(p.mean) : OrderedJson();
      if (p.has_ci) b["ci"] = {p.low, p.high};
      b["source"] = p.source;
      b["problems"] = s.problems.size();
      b["n_min"] = s.provenance.n_min;
      b["n_max"] = s.provenance.n_max;
      b["dataset_sha256"] = s.provenance.dataset_sha256;
      b["verifier"] = s.provenance.verifier;
      b["git_revision"] = s.provenance.git_revision;
      rj["benchmarks"][s.benchmark] = b;
    }
    rj["train_log"] = r.train.path;
    rj["rollout_log"] = r.rollout_path;
    j["runs"].push_back(rj);
  }
  j["notes"] = doc.notes;
  WriteFileAtomic(opts.out + "/report.json", DumpPretty(j));
  return result;
}

}  // namespace upt::reports
