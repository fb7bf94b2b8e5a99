#include "reports/report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "../core/test_util.h"
#include "../cli/run_util.h"
#include "core/error.h"
#include "core/fs.h"
#include "fixtures.h"
#include "reports/curves.h"
#include "reports/gnuplot.h"
#include "reports/inputs.h"

namespace upt::reports {
namespace {

namespace fs = std::filesystem;
using upt::testing::TempDir;

// Three runs: two with training logs, one scores-only.
ReportOptions Fixture(const TempDir& tmp) {
  upt::testing::WriteRun(tmp.file("runs/grpo"), "GRPO", 0.3, 11, true);
  upt::testing::WriteRun(tmp.file("runs/hpt"), "HPT", 0.5, 22, true);
  upt::testing::WriteRun(tmp.file("runs/base"), "base", 0.1, 33, false);
  ReportOptions o;
  o.runs = {tmp.file("runs/grpo"), tmp.file("runs/hpt"), "Qwen base=" + tmp.file("runs/base")};
  o.out = tmp.file("report");
  o.boot.replicates = 100;
  o.compare_paper = true;
  return o;
}

bool NonEmpty(const std::string& p) { return fs::exists(p) && fs::file_size(p) > 0; }

TEST(InputsTest, DiscoversScoresLogsAndLabels) {
  TempDir tmp;
  upt::testing::WriteRun(tmp.file("r"), "HPT", 0.5, 1, true);
  RunData run = LoadRun(tmp.file("r"), "");
  EXPECT_EQ(run.label, "HPT");
  ASSERT_EQ(run.scores.size(), 3u);
  EXPECT_EQ(run.scores[0].benchmark, "aime24");
  EXPECT_EQ(run.scores[0].problems.size(), 12u);
  EXPECT_EQ(run.scores[0].provenance.n_min, 16);
  EXPECT_EQ(run.scores[0].provenance.dataset_sha256, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(run.scores[0].provenance.verifier, "default");
  EXPECT_EQ(run.scores[0].provenance.git_revision, "abc1234");
  EXPECT_EQ(run.scores[0].provenance.model, "toy-1m");
  EXPECT_EQ(run.scores[0].provenance.seed, "7");
  EXPECT_EQ(run.scores[0].provenance.sampling, "temperature=0.6 top_p=0.95 max_new_tokens=512");
  EXPECT_TRUE(run.scores[0].has_declared_pass1);
  EXPECT_EQ(run.train.metrics.at("actor/entropy").step.size(), 21u);
  EXPECT_EQ(run.train.metrics.at("val-core/aime24/acc/mean@8").step.size(), 5u);
  EXPECT_EQ(run.rollouts.size(), 12u * 6u);
  EXPECT_EQ(LoadRun(tmp.file("r"), "mine").label, "mine");
  EXPECT_EQ(SplitRunArg("a=b/c"), (std::pair<std::string, std::string>{"a", "b/c"}));
  EXPECT_EQ(SplitRunArg("b/c"), (std::pair<std::string, std::string>{"", "b/c"}));
  EXPECT_THROW(LoadRun(tmp.file("missing"), ""), Error);
}

TEST(InputsTest, SingleScoreDirectoryAndCsvTrainLog) {
  TempDir tmp;
  upt::testing::WriteScoreDir(tmp.file("s"), "MATH-500", {{"a", 2, 1}});
  WriteFileAtomic(tmp.file("s/metrics.csv"), "step,actor/entropy,note\n0,0.5,x\n1,0.25,y\n");
  RunData run = LoadRun(tmp.file("s"), "");
  ASSERT_EQ(run.scores.size(), 1u);
  EXPECT_EQ(run.scores[0].benchmark, "math500");
  EXPECT_EQ(run.train.metrics.at("actor/entropy").value, (std::vector<double>{0.5, 0.25}));
  EXPECT_EQ(run.train.metrics.count("note"), 0u);
}

// The layout `upt train` writes (train/loop/run_log.h): flat metric names,
// validation in validation.jsonl, rollout lines keyed by "question".
TEST(InputsTest, UptTrainLogLayout) {
  TempDir tmp;
  MakeDirs(tmp.file("t"));
  WriteFileAtomic(tmp.file("t/metrics.jsonl"),
                  "{\"step\":1,\"epoch\":0,\"reward_mean\":0.2,\"entropy\":0.9,\"offline_ratio\":0.5,"
                  "\"response_length_mean\":100,\"grad_norm\":null}\n"
                  "{\"step\":2,\"epoch\":0,\"reward_mean\":0.3,\"entropy\":0.8,\"offline_ratio\":0.25,"
                  "\"response_length_mean\":120}\n{\"step\":3,\"rew");
  WriteFileAtomic(tmp.file("t/validation.jsonl"),
                  "{\"step\":0,\"benchmark\":\"aime24\",\"avg_at_n\":0.1,\"n\":8,\"problems\":30}\n"
                  "{\"step\":2,\"benchmark\":\"aime24\",\"avg_at_n\":0.2,\"n\":8,\"problems\":30}\n");
  WriteFileAtomic(tmp.file("t/rollout_accuracy.jsonl"),
                  "{\"step\":1,\"epoch\":0,\"question\":\"q7\",\"c\":1,\"n\":4}\n");
  RunData run = LoadRun(tmp.file("t"), "");
  EXPECT_EQ(run.train.metrics.at("reward_mean").value, (std::vector<double>{0.2, 0.3}));
  EXPECT_EQ(run.train.metrics.count("grad_norm"), 0u);
  EXPECT_EQ(run.train.metrics.at("val-core/aime24/acc/mean@8").step, (std::vector<double>{0, 2}));
  ASSERT_EQ(run.rollouts.size(), 1u);
  EXPECT_EQ(run.rollouts[0].question, "q7");
  std::vector<std::string> notes;
  auto figs = BuildTrainingFigures({run}, &notes);
  std::vector<std::string> names;
  for (const auto& f : figs) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"curve_validation", "curve_reward", "curve_response_length",
                                             "curve_entropy", "curve_offline_ratio"}));
  EXPECT_TRUE(notes.empty()) << notes[0];
}

TEST(InputsTest, BadCountsNameTheLine) {
  TempDir tmp;
  MakeDirs(tmp.file("s"));
  WriteFileAtomic(tmp.file("s/problems.csv"), "id,n,c\na,2,1\nb,2,3\n");
  try {
    ReadScoreDir(tmp.file("s"), "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("problems.csv:3"), std::string::npos) << e.what();
  }
}

TEST(ReportTest, WritesTablesFiguresAndPages) {
  TempDir tmp;
  ReportOptions o = Fixture(tmp);
  ReportResult r = WriteReport(o);
  for (const char* f : {"index.md", "index.html", "report.json", "tables/results.md", "tables/results.tex",
                        "tables/results.csv", "tables/paper_comparison.md", "tables/paper_delta.csv",
                        "tables/passk_aime24.csv", "tables/passk_math500.tex"})
    EXPECT_TRUE(NonEmpty(o.out + "/" + f)) << f;
  EXPECT_FALSE(fs::exists(o.out + "/tables/passk_gpqa_diamond.csv"));  // n = 1
  for (const char* f : {"passk", "heatmap_GRPO", "heatmap_HPT", "heatmap_diff", "curve_validation", "curve_reward",
                        "curve_entropy", "curve_response_length", "curve_offline_ratio"}) {
    EXPECT_TRUE(NonEmpty(o.out + "/figures/" + f + ".dat")) << f;
    EXPECT_TRUE(NonEmpty(o.out + "/figures/" + f + ".gp")) << f;
  }
  EXPECT_EQ(r.figures_written, 9);
  std::string csv = ReadFile(o.out + "/tables/results.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "method,section,aime24,aime24_low,aime24_high,math500,math500_low,math500_high,avg_id,"
            "gpqa_diamond,gpqa_diamond_low,gpqa_diamond_high,avg_ood");
  EXPECT_NE(csv.find("\nQwen base,"), std::string::npos);
  std::string md = ReadFile(o.out + "/index.md");
  EXPECT_NE(md.find("0123456789abcdef"), std::string::npos);  // dataset hash in provenance
  EXPECT_NE(md.find("abc1234"), std::string::npos);           // git revision
  EXPECT_NE(md.find("HPT paper, Table 2"), std::string::npos);
  if (!GnuplotAvailable()) GTEST_SKIP() << "gnuplot not installed";
  EXPECT_EQ(r.figures_rendered, 9) << ::testing::PrintToString(r.notes);
  for (const char* f : {"passk", "heatmap_diff", "curve_validation"}) {
    EXPECT_GT(fs::file_size(o.out + "/figures/" + f + ".png"), 5000u) << f;
    std::string svg = ReadFile(o.out + "/figures/" + f + ".svg");
    EXPECT_NE(svg.find("<svg"), std::string::npos) << f;
  }
}

TEST(ReportTest, IndexHtmlIsSelfContained) {
  TempDir tmp;
  ReportOptions o = Fixture(tmp);
  WriteReport(o);
  std::string html = ReadFile(o.out + "/index.html");
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  int images = 0;
  for (size_t at = html.find("src=\""); at != std::string::npos; at = html.find("src=\"", at + 1), ++images)
    EXPECT_EQ(html.compare(at + 5, 22, "data:image/png;base64,"), 0) << html.substr(at, 60);
  if (GnuplotAvailable()) {
    EXPECT_EQ(images, 9);
  }
  EXPECT_NE(html.find("<h2>Provenance</h2>"), std::string::npos);
}

TEST(ReportTest, MissingInputsBecomeNotesNotFigures) {
  TempDir tmp;
  upt::testing::WriteRun(tmp.file("a"), "A", 0.3, 1, false);
  ReportOptions o;
  o.runs = {tmp.file("a")};
  o.out = tmp.file("out");
  o.boot.replicates = 50;
  o.render = false;
  ReportResult r = WriteReport(o);
  auto has = [&](const std::string& s) {
    for (const auto& n : r.notes)
      if (n.find(s) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("Training-dynamics heatmaps omitted"));
  EXPECT_TRUE(has("Training curves omitted"));
  EXPECT_FALSE(fs::exists(o.out + "/figures/heatmap_diff.dat"));
  EXPECT_TRUE(fs::exists(o.out + "/figures/passk.gp"));
  EXPECT_FALSE(fs::exists(o.out + "/figures/passk.png"));
  std::string md = ReadFile(o.out + "/index.md");
  EXPECT_NE(md.find("Training-dynamics heatmaps omitted"), std::string::npos);

  TempDir empty;
  MakeDirs(empty.file("nothing"));
  o.runs = {empty.file("nothing")};
  o.out = empty.file("out");
  r = WriteReport(o);
  EXPECT_TRUE(has("no score directory found"));
  EXPECT_TRUE(fs::exists(o.out + "/index.html"));
}

TEST(ReportTest, MissingGnuplotStillWritesDataAndScripts) {
  TempDir tmp;
  ReportOptions o = Fixture(tmp);
  ::setenv("UPT_GNUPLOT", "/nonexistent/gnuplot", 1);
  ReportResult r = WriteReport(o);
  ::unsetenv("UPT_GNUPLOT");
  EXPECT_TRUE(r.gnuplot_missing);
  EXPECT_EQ(r.figures_rendered, 0);
  EXPECT_TRUE(NonEmpty(o.out + "/figures/passk.dat"));
  EXPECT_TRUE(NonEmpty(o.out + "/figures/passk.gp"));
  EXPECT_NE(ReadFile(o.out + "/index.md").find("apt-get install gnuplot-nox"), std::string::npos);
}

TEST(ReportTest, LabelsOverrideByPositionAndDuplicatesAreNumbered) {
  TempDir tmp;
  upt::testing::WriteRun(tmp.file("a"), "A", 0.3, 1, false);
  ReportOptions o;
  o.runs = {tmp.file("a"), "x=" + tmp.file("a"), tmp.file("a")};
  o.labels = {"first"};
  o.out = tmp.file("out");
  o.boot.replicates = 20;
  o.render = false;
  WriteReport(o);
  std::string csv = ReadFile(o.out + "/tables/results.csv");
  EXPECT_NE(csv.find("\nfirst,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nx,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nA,"), std::string::npos) << csv;
  o.labels = {"same", "same"};
  WriteReport(o);
  EXPECT_NE(ReadFile(o.out + "/tables/results.csv").find("\nsame #2,"), std::string::npos);
}

TEST(ReportTest, BadOptionsAreErrors) {
  TempDir tmp;
  ReportOptions o = Fixture(tmp);
  o.ci = "sideways";
  EXPECT_THROW(WriteReport(o), Error);
  o.ci = "pm";
  o.paper_model = "gpt-2";
  EXPECT_THROW(WriteReport(o), Error);
  o.paper_model = "qwen2.5-math-7b";
  o.runs.clear();
  EXPECT_THROW(WriteReport(o), Error);
}

TEST(ReportCliTest, UptReportRuns) {
  TempDir tmp;
  ReportOptions o = Fixture(tmp);
  auto r = upt::testing::RunUpt("report --runs hpt=" + tmp.file("runs/hpt") + " " + tmp.file("runs/grpo") +
                                " --out " + tmp.file("cli") + " --bootstrap 50 --compare-paper --no-render");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("index.html"), std::string::npos) << r.out;
  EXPECT_TRUE(NonEmpty(tmp.file("cli/tables/results.tex")));
  auto bad = upt::testing::RunUpt("report --runs " + tmp.file("nope") + " --out " + tmp.file("cli2"));
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("run directory not found"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace upt::reports
