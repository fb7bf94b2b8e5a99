#include "reports/figures.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../core/test_util.h"
#include "core/fs.h"
#include "reports/gnuplot.h"

namespace upt::reports {
namespace {

namespace fs = std::filesystem;

LineFigure TwoPanels() {
  LineFigure f;
  f.name = "fig";
  LinePanel a{"AIME 24", "k", "Pass@k (%)", true, {}};
  a.series.push_back({"HPT", 0, {1, 2}, {10, 20}, {8, 17}, {12, 23.5}});
  a.series.push_back({"it's GRPO", 1, {1}, {5}, {4}, {6}});
  LinePanel b{"entropy", "step", "nats", false, {}};
  b.series.push_back({"HPT", 0, {0, 10}, {0.9, 0.5}, {}, {}});
  f.panels = {a, b};
  return f;
}

TEST(FiguresTest, LineDataHasOneIndexedBlockPerSeries) {
  EXPECT_EQ(LineFigureData(TwoPanels()),
            "# upt report figure 'fig': columns x y [low high] [raw]; blocks = gnuplot index\n"
            "# index 0: panel 'AIME 24', series 'HPT'\n1 10 8 12\n2 20 17 23.5\n\n\n"
            "# index 1: panel 'AIME 24', series 'it's GRPO'\n1 5 4 6\n\n\n"
            "# index 2: panel 'entropy', series 'HPT'\n0 0.9\n10 0.5\n");
}

TEST(FiguresTest, LineScriptReferencesBlocksQuotesTitlesAndRendersBothFormats) {
  std::string gp = LineFigureScript(TwoPanels());
  EXPECT_NE(gp.find("set multiplot layout 1,2"), std::string::npos) << gp;
  EXPECT_NE(gp.find("set logscale x 2"), std::string::npos);
  EXPECT_NE(gp.find("'fig.dat' index 1 using 1:3:4 with filledcurves lt 2"), std::string::npos) << gp;
  EXPECT_NE(gp.find("title 'it''s GRPO'"), std::string::npos) << gp;
  EXPECT_NE(gp.find("'fig.dat' index 2 using 1:2 with linespoints lt 1 title 'HPT'"), std::string::npos) << gp;
  EXPECT_NE(gp.find("do for [fmt in 'png svg']"), std::string::npos);
  EXPECT_NE(gp.find("set output 'fig.'.fmt"), std::string::npos);
}

TEST(FiguresTest, HeatmapDataAndRowsCsv) {
  Heatmap h;
  h.columns = {1, 2};
  h.questions = {"a", "b,c"};
  h.acc = {{0.5, 1}, {0, std::nan("")}};
  h.first_solved = {0, -1};
  EXPECT_EQ(HeatmapData(h),
            "# rows = 2 questions (order: see _rows.csv), columns = 2 epochs; NaN = not sampled\n0.5 1\n0 NaN\n");
  EXPECT_EQ(HeatmapRowsCsv(h), "row,question,first_solved_epoch,mean\n0,a,1,0.75\n1,\"b,c\",,0\n");
  HeatmapStyle diverging;
  diverging.diverging = true;
  EXPECT_NE(HeatmapScript("d", h, diverging).find("set cbrange [-1:1]"), std::string::npos);
  EXPECT_NE(HeatmapScript("d", h, {}).find("set cbrange [0:1]"), std::string::npos);
}

TEST(FiguresTest, GnuplotRendersNonEmptyPngAndSvg) {
  if (!GnuplotAvailable()) GTEST_SKIP() << "gnuplot not installed";
  upt::testing::TempDir tmp;
  WriteLineFigure(tmp.path(), TwoPanels());
  GnuplotRun run = RunGnuplot(tmp.path(), "fig.gp");
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_GT(fs::file_size(tmp.file("fig.png")), 1000u);
  EXPECT_NE(ReadFile(tmp.file("fig.svg")).find("</svg>"), std::string::npos);

  Heatmap h;
  h.columns = {0, 1, 2};
  h.questions = {"a", "b"};
  h.acc = {{0, 0.5, 1}, {0, std::nan(""), 0}};
  h.first_solved = {1, -1};
  WriteHeatmapFigure(tmp.path(), "hm", h, {"t", "c/n", false});
  run = RunGnuplot(tmp.path(), "hm.gp");
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_GT(fs::file_size(tmp.file("hm.png")), 1000u);
  EXPECT_GT(fs::file_size(tmp.file("hm.svg")), 1000u);
}

TEST(FiguresTest, MissingGnuplotIsReportedNotThrown) {
  ::setenv("UPT_GNUPLOT", "/nonexistent/gnuplot", 1);
  EXPECT_FALSE(GnuplotAvailable());
  GnuplotRun run = RunGnuplot("/tmp", "x.gp");
  ::unsetenv("UPT_GNUPLOT");
  EXPECT_FALSE(run.started);
}

}  // namespace
}  // namespace upt::reports
