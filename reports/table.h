// A results table (rows = methods, columns = benchmarks / k values / averages)
// and its renderers: Markdown (GitHub pipes), LaTeX (booktabs) and CSV.
//
// Values are stored in display units (percent). "Best" is decided on the value
// rounded to the displayed decimals, so cells that print equal are all bold;
// reference rows (the paper's numbers) never compete for bold.
#pragma once

#include <string>
#include <vector>

namespace upt::reports {

struct Cell {
  bool present = false;   // false: printed as "–" (Markdown/LaTeX) or empty (CSV)
  double value = 0;
  bool has_ci = false;    // percentile interval [low, high] around value
  double low = 0, high = 0;
  bool bold = false;      // set by MarkBest
  bool partial = false;   // scored on part of the benchmark: printed with kPartialMark (see Table::notes)
  std::string partial_note;  // e.g. "10 of 500 problems"; CSV column `<key>_partial`
};

inline constexpr const char* kPartialMark = "\xE2\x80\xA0";  // dagger

struct Column {
  std::string key;        // CSV header, e.g. "aime24", "avg_id", "k=16"
  std::string header;     // display header, e.g. "AIME 24", "Avg"
  std::string group;      // spanning header ("In-distribution"); "" = none
  bool higher_is_better = true;
};

struct Row {
  std::string label;
  std::vector<Cell> cells;  // one per column
  bool reference = false;   // e.g. the paper's numbers; excluded from MarkBest
  std::string section;      // rows with a new section start a block (midrule / bold label row)
};

enum class CiStyle {
  kNone,       // value only
  kPlusMinus,  // "52.7 ± 1.9", half-width (high - low) / 2
  kInterval,   // value with "[low, high]" on a second line
};

struct Table {
  std::string row_header = "Method";
  std::vector<Column> columns;
  std::vector<Row> rows;
  int decimals = 1;
  std::vector<std::string> notes;  // printed under the table (Markdown, LaTeX), e.g. partial benchmarks
};

Cell ValueCell(double value);
Cell CiCell(double value, double low, double high);

// Bolds, per column, every non-reference present cell whose rounded value is the best.
void MarkBest(Table* table);

// Fixed-point text with `decimals` places ("-0.0" printed as "0.0").
std::string FormatNumber(double value, int decimals);

std::string RenderMarkdown(const Table& table, CiStyle ci = CiStyle::kPlusMinus);
// A complete `table` environment; needs \usepackage{booktabs}.
std::string RenderLatex(const Table& table, CiStyle ci = CiStyle::kPlusMinus, const std::string& caption = {},
                        const std::string& label = {});
// One line per row: row header, section, then per column the value and, for
// columns where any cell has an interval, "<key>_low" and "<key>_high". RFC 4180 quoting.
std::string RenderCsv(const Table& table);

std::string EscapeLatex(const std::string& text);
std::string EscapeMarkdownCell(const std::string& text);
std::string CsvField(const std::string& text);

}  // namespace upt::reports
