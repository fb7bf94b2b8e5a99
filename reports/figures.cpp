#include "reports/figures.h"

#include <cmath>

#include <fmt/format.h>

#include "core/fs.h"
#include "reports/gnuplot.h"

namespace upt::reports {
namespace {

// Colour-blind-safe qualitative palette (Okabe & Ito 2008) plus two greys.
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                "#56B4E9", "#000000", "#F0E442", "#999999", "#882255"};
constexpr int kPaletteSize = 10;

std::string Num(double v) {
  if (std::isnan(v)) return "NaN";
  return fmt::format("{:.6g}", v);
}

// Terminal setup, output name and the loop that renders both formats.
std::string Preamble(const std::string& name, const std::string& what, int width, int height) {
  std::string s = fmt::format(
      "# upt report: {}\n"
      "# Data: {}.dat. Re-render after editing: gnuplot {}.gp  (writes {}.png and {}.svg)\n"
      "set datafile missing '?'\n",
      what, name, name, name, name);
  for (int i = 0; i < kPaletteSize; ++i)
    s += fmt::format("set linetype {} lc rgb '{}' lw 2.5 pt 7 ps 0.9\n", i + 1, kPalette[i]);
  s += fmt::format(
      "W = {}; H = {}\n"
      "do for [fmt in 'png svg'] {{\n"
      "if (fmt eq 'png') {{ set terminal pngcairo noenhanced size W,H font 'Sans,14' }} "
      "else {{ set terminal svg noenhanced size W,H font 'Sans,14' background '#ffffff' }}\n"
      "set output '{}.'.fmt\n",
      width, height, name);
  return s;
}

}  // namespace

std::string LineFigureData(const LineFigure& fig) {
  std::string out = "# upt report figure '" + fig.name + "': columns x y [low high] [raw]; blocks = gnuplot index\n";
  int block = 0;
  for (const auto& panel : fig.panels) {
    for (const auto& s : panel.series) {
      if (block > 0) out += "\n\n";
      out += fmt::format("# index {}: panel '{}', series '{}'\n", block, panel.title, s.label);
      bool band = !s.low.empty();
      for (size_t i = 0; i < s.x.size(); ++i) {
        out += Num(s.x[i]) + " " + Num(s.y[i]);
        if (band) out += " " + Num(s.low[i]) + " " + Num(s.high[i]);
        if (!s.raw.empty()) out += " " + Num(s.raw[i]);
        out += "\n";
      }
      ++block;
    }
  }
  return out;
}

std::string LineFigureScript(const LineFigure& fig) {
  int n = static_cast<int>(fig.panels.size());
  int cols = n <= 1 ? 1 : (n == 2 || n == 4 ? 2 : 3);
  int rows = (n + cols - 1) / cols;
  int width = cols == 1 ? 1000 : cols * 640, height = rows * 480 + (fig.title.empty() ? 0 : 40);
  std::string s = Preamble(fig.name, fig.title.empty() ? fig.name : fig.title, width, height);
  s += fmt::format("set multiplot layout {},{}{}\n", rows, cols,
                   fig.title.empty() ? "" : " title " + GnuplotString(fig.title));
  int block = 0;
  for (const auto& panel : fig.panels) {
    s += "# ---- panel: " + panel.title + "\n";
    s += "set title " + GnuplotString(panel.title) + "\n";
    s += "set xlabel " + GnuplotString(panel.xlabel) + "\nset ylabel " + GnuplotString(panel.ylabel) + "\n";
    s += "set grid lc rgb '#dddddd'\nset key below horizontal samplen 2.5 spacing 1.1 height 1.5\n";
    if (panel.log2_x) s += "set logscale x 2\nset xtics 1,2 format '%.0f'\nset mxtics 1\n";
    else s += "unset logscale x\nset xtics autofreq format '% h'\n";
    std::vector<std::string> parts;
    for (const auto& ser : panel.series) {
      int lt = ser.color % kPaletteSize + 1;
      if (!ser.raw.empty())  // faint raw values under the smoothed line (alpha byte C0: mostly transparent)
        parts.push_back(fmt::format("'{}.dat' index {} using 1:{} with lines lw 1 lc rgb '#C0{}' notitle", fig.name,
                                    block, ser.low.empty() ? 3 : 5, kPalette[ser.color % kPaletteSize] + 1));
      if (!ser.low.empty())
        parts.push_back(fmt::format("'{}.dat' index {} using 1:3:4 with filledcurves lt {} fs transparent solid 0.18 "
                                    "noborder notitle",
                                    fig.name, block, lt));
      parts.push_back(fmt::format("'{}.dat' index {} using 1:2 with {} lt {} title {}", fig.name, block,
                                  ser.x.size() <= 16 ? "linespoints" : "lines", lt, GnuplotString(ser.label)));
      ++block;
    }
    s += "plot ";
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", \\\n     " : "") + parts[i];
    s += "\n";
  }
  s += "unset multiplot\nset output\n}\n";
  return s;
}

std::string HeatmapData(const Heatmap& h) {
  std::string out = fmt::format("# rows = {} questions (order: see _rows.csv), columns = {} {}s; NaN = not sampled\n",
                                h.questions.size(), h.columns.size(), h.column_axis);
  for (const auto& row : h.acc) {
    for (size_t j = 0; j < row.size(); ++j) out += (j ? " " : "") + Num(row[j]);
    out += "\n";
  }
  return out;
}

std::string HeatmapRowsCsv(const Heatmap& h) {
  std::string out = "row,question,first_solved_" + h.column_axis + ",mean\n";
  for (size_t i = 0; i < h.questions.size(); ++i) {
    double s = 0;
    int n = 0;
    for (double v : h.acc[i])
      if (!std::isnan(v)) s += v, ++n;
    std::string q = h.questions[i];
    if (q.find_first_of(",\"") != std::string::npos) {
      std::string esc = "\"";
      for (char ch : q) esc += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      q = esc + "\"";
    }
    std::string first = h.first_solved[i] < 0 ? "" : std::to_string(h.columns[h.first_solved[i]]);
    out += fmt::format("{},{},{},{}\n", i, q, first, n ? Num(s / n) : "");
  }
  return out;
}

std::string HeatmapScript(const std::string& name, const Heatmap& h, const HeatmapStyle& style) {
  size_t rows = h.questions.size(), cols = h.columns.size();
  std::string s = Preamble(name, style.title, 1100, 760);
  s += "set title " + GnuplotString(style.title) + "\n";
  s += "set xlabel " + GnuplotString(h.column_axis) + "\n";
  s += "set ylabel " + GnuplotString(fmt::format("question ({} rows, ordered by first-solved {})", rows,
                                                 h.column_axis)) + "\n";
  s += "set cblabel " + GnuplotString(style.cblabel) + "\n";
  if (style.diverging)
    s += "set cbrange [-1:1]\nset palette defined (-1 '#b2182b', -0.5 '#ef8a62', 0 '#f7f7f7', 0.5 '#67a9cf', 1 '#2166ac')\n";
  else
    s += "set cbrange [0:1]\nset palette defined (0 '#f7fbff', 0.25 '#c6dbef', 0.5 '#6baed6', 0.75 '#2171b5', 1 '#08306b')\n";
  s += fmt::format("set xrange [-0.5:{}]\nset yrange [{}:-0.5]\n", cols - 0.5, rows - 0.5);
  s += "unset key\nset tics out nomirror\nset object 1 rectangle from graph 0,0 to graph 1,1 behind "
       "fc rgb '#d9d9d9' fs solid noborder\n";
  // Column ticks: label by epoch value, at most ~12 labels.
  size_t every = std::max<size_t>(1, (cols + 11) / 12);
  s += "set xtics (";
  for (size_t j = 0; j < cols; j += every) s += (j ? ", " : "") + fmt::format("'{}' {}", h.columns[j], j);
  s += ")\n";
  if (rows > 40) s += "unset ytics\n";
  // Small maps as one rectangle per cell (crisp SVG); large ones as an embedded bitmap.
  bool pixels = rows * cols <= 40000;
  s += fmt::format("plot '{}.dat' matrix with image{}\n", name, pixels ? " pixels" : "");
  s += "set output\n}\n";
  return s;
}

void WriteLineFigure(const std::string& dir, const LineFigure& fig) {
  WriteFileAtomic(dir + "/" + fig.name + ".dat", LineFigureData(fig));
  WriteFileAtomic(dir + "/" + fig.name + ".gp", LineFigureScript(fig));
}

void WriteHeatmapFigure(const std::string& dir, const std::string& name, const Heatmap& h, const HeatmapStyle& style) {
  WriteFileAtomic(dir + "/" + name + ".dat", HeatmapData(h));
  WriteFileAtomic(dir + "/" + name + "_rows.csv", HeatmapRowsCsv(h));
  WriteFileAtomic(dir + "/" + name + ".gp", HeatmapScript(name, h, style));
}

}  // namespace upt::reports
