// Figure data files and gnuplot scripts. Each figure NAME is three files in one
// folder: NAME.dat (the numbers), NAME.gp (a commented script a user can edit
// and re-run with `gnuplot NAME.gp`) and, once rendered, NAME.png + NAME.svg.
#pragma once

#include <string>
#include <vector>

#include "reports/heatmap.h"

namespace upt::reports {

struct LineSeries {
  std::string label;
  int color = 0;                    // index into the shared palette (stable per run)
  std::vector<double> x, y;
  std::vector<double> low, high;    // optional band (same length as x) or empty
  std::vector<double> raw;          // optional raw values under a smoothed y (same length), drawn faintly, no key
};

struct LinePanel {
  std::string title, xlabel, ylabel;
  bool log2_x = false;              // log2 x axis with ticks at powers of two
  std::vector<LineSeries> series;
};

struct LineFigure {
  std::string name;                 // file stem
  std::string title;                // multiplot title ("" = none)
  std::vector<LinePanel> panels;    // one panel each, laid out in up to 3 columns
};

// NAME.dat: one block per (panel, series), "x y [low high] [raw]" rows, blocks
// separated by two blank lines (gnuplot `index`), each headed by a comment.
std::string LineFigureData(const LineFigure& fig);
std::string LineFigureScript(const LineFigure& fig);

struct HeatmapStyle {
  std::string title;
  std::string cblabel = "rollout accuracy c/n";
  bool diverging = false;           // [-1, 1] blue-white-red instead of [0, 1] sequential
};

// NAME.dat: the matrix (rows = questions in order, columns = epochs; NaN = not sampled).
std::string HeatmapData(const Heatmap& h);
// NAME_rows.csv: row, question, first_solved (epoch value or empty), mean accuracy.
std::string HeatmapRowsCsv(const Heatmap& h);
std::string HeatmapScript(const std::string& name, const Heatmap& h, const HeatmapStyle& style);

// Writes NAME.dat and NAME.gp (line figures) into `dir`.
void WriteLineFigure(const std::string& dir, const LineFigure& fig);
// Writes NAME.dat, NAME_rows.csv and NAME.gp into `dir`.
void WriteHeatmapFigure(const std::string& dir, const std::string& name, const Heatmap& h, const HeatmapStyle& style);

}  // namespace upt::reports
