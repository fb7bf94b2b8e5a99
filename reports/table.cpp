#include "reports/table.h"

#include <cmath>

#include <fmt/format.h>

#include "core/strings.h"

namespace upt::reports {

Cell ValueCell(double value) {
  Cell c;
  c.present = true;
  c.value = value;
  return c;
}

Cell CiCell(double value, double low, double high) {
  Cell c = ValueCell(value);
  c.has_ci = true;
  c.low = low;
  c.high = high;
  return c;
}

std::string FormatNumber(double value, int decimals) {
  if (std::isnan(value)) return "nan";
  std::string s = fmt::format("{:.{}f}", value, decimals);
  if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

void MarkBest(Table* table) {
  for (size_t col = 0; col < table->columns.size(); ++col) {
    bool higher = table->columns[col].higher_is_better;
    bool any = false;
    double best = 0;
    auto rounded = [&](double v) { return std::stod(FormatNumber(v, table->decimals)); };
    for (const auto& row : table->rows) {
      if (row.reference || col >= row.cells.size() || !row.cells[col].present) continue;
      double v = rounded(row.cells[col].value);
      if (!any || (higher ? v > best : v < best)) best = v;
      any = true;
    }
    for (auto& row : table->rows) {
      if (col >= row.cells.size()) continue;
      Cell& c = row.cells[col];
      c.bold = any && !row.reference && c.present && rounded(c.value) == best;
    }
  }
}

std::string EscapeMarkdownCell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n') out += ' ';
    else out += ch;
  }
  return out;
}

std::string EscapeLatex(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    switch (ch) {
      case '\\': out += "\\textbackslash{}"; break;
      case '&': case '%': case '$': case '#': case '_': case '{': case '}':
        out += '\\';
        out += ch;
        break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      default:
        if (text.compare(i, 3, "\xE2\x86\x92") == 0) {  // U+2192 RIGHTWARDS ARROW
          out += "$\\rightarrow$";
          i += 2;
        } else if (text.compare(i, 3, "\xE2\x80\xA0") == 0) {  // U+2020 DAGGER
          out += "$^\\dagger$";
          i += 2;
        } else if (text.compare(i, 2, "\xC2\xB1") == 0) {  // U+00B1 PLUS-MINUS
          out += "$\\pm$";
          i += 1;
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += "\"\"";
    else out += ch;
  }
  return out + "\"";
}

namespace {

const char* kDash = "\xE2\x80\x93";  // en dash for a missing cell

std::string HalfWidth(const Cell& c, int decimals) { return FormatNumber((c.high - c.low) / 2, decimals); }

std::string MarkdownCell(const Cell& c, CiStyle ci, int decimals) {
  if (!c.present) return kDash;
  std::string v = FormatNumber(c.value, decimals);
  if (c.bold) v = "**" + v + "**";
  if (c.partial) v += kPartialMark;
  if (!c.has_ci || ci == CiStyle::kNone) return v;
  if (ci == CiStyle::kPlusMinus) return v + " \xC2\xB1 " + HalfWidth(c, decimals);
  return v + "<br><sub>[" + FormatNumber(c.low, decimals) + ", " + FormatNumber(c.high, decimals) + "]</sub>";
}

std::string LatexCell(const Cell& c, CiStyle ci, int decimals) {
  if (!c.present) return "--";
  std::string v = FormatNumber(c.value, decimals);
  if (c.bold) v = "\\textbf{" + v + "}";
  if (c.partial) v += "$^\\dagger$";
  if (!c.has_ci || ci == CiStyle::kNone) return v;
  if (ci == CiStyle::kPlusMinus) return v + "{\\scriptsize${}\\pm{}$" + HalfWidth(c, decimals) + "}";
  return "\\shortstack{" + v + "\\\\{\\scriptsize[" + FormatNumber(c.low, decimals) + ", " +
         FormatNumber(c.high, decimals) + "]}}";
}

// Runs of equal non-empty column groups: (first column, count, group).
struct Span {
  size_t first, count;
  std::string group;
};
std::vector<Span> GroupSpans(const Table& t) {
  std::vector<Span> spans;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (!spans.empty() && spans.back().group == t.columns[i].group) spans.back().count++;
    else spans.push_back({i, 1, t.columns[i].group});
  }
  return spans;
}

bool HasGroups(const Table& t) {
  for (const auto& c : t.columns)
    if (!c.group.empty()) return true;
  return false;
}

}  // namespace

std::string RenderMarkdown(const Table& t, CiStyle ci) {
  std::string out = "| " + EscapeMarkdownCell(t.row_header) + " |";
  std::string rule = "|---|";
  for (const auto& col : t.columns) {
    std::string h = col.header;
    if (!col.group.empty() && HasGroups(t) && col.header == "Avg") h = "Avg (" + col.group + ")";
    out += " " + EscapeMarkdownCell(h) + " |";
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  std::string section;
  for (const auto& row : t.rows) {
    if (!row.section.empty() && row.section != section) {
      out += "| *" + EscapeMarkdownCell(row.section) + "* |";
      for (size_t i = 0; i < t.columns.size(); ++i) out += "  |";
      out += "\n";
      section = row.section;
    }
    out += "| " + EscapeMarkdownCell(row.label) + " |";
    for (size_t i = 0; i < t.columns.size(); ++i)
      out += " " + (i < row.cells.size() ? MarkdownCell(row.cells[i], ci, t.decimals) : std::string(kDash)) + " |";
    out += "\n";
  }
  if (!t.notes.empty()) out += "\n";
  for (const auto& n : t.notes) out += EscapeMarkdownCell(n) + "  \n";
  return out;
}

std::string RenderLatex(const Table& t, CiStyle ci, const std::string& caption, const std::string& label) {
  std::string out = "\\begin{table}[t]\n\\centering\n\\small\n";
  if (!caption.empty()) out += "\\caption{" + EscapeLatex(caption) + "}\n";
  if (!label.empty()) out += "\\label{" + label + "}\n";
  out += "\\begin{tabular}{l" + std::string(t.columns.size(), 'c') + "}\n\\toprule\n";
  if (HasGroups(t)) {
    std::string rules;
    for (const auto& s : GroupSpans(t)) {
      out += " & ";
      if (s.group.empty()) {
        for (size_t i = 1; i < s.count; ++i) out += " & ";
        continue;
      }
      out += fmt::format("\\multicolumn{{{}}}{{c}}{{{}}}", s.count, EscapeLatex(s.group));
      rules += fmt::format("\\cmidrule(lr){{{}-{}}}", s.first + 2, s.first + s.count + 1);
    }
    out += " \\\\\n" + rules + "\n";
  }
  out += EscapeLatex(t.row_header);
  for (const auto& col : t.columns) out += " & " + EscapeLatex(col.header);
  out += " \\\\\n\\midrule\n";
  std::string section;
  bool first_row = true;
  for (const auto& row : t.rows) {
    if (!row.section.empty() && row.section != section) {
      if (!first_row) out += "\\midrule\n";
      out += fmt::format("\\multicolumn{{{}}}{{l}}{{\\textit{{{}}}}} \\\\\n", t.columns.size() + 1,
                         EscapeLatex(row.section));
      section = row.section;
    }
    first_row = false;
    out += EscapeLatex(row.label);
    for (size_t i = 0; i < t.columns.size(); ++i)
      out += " & " + (i < row.cells.size() ? LatexCell(row.cells[i], ci, t.decimals) : std::string("--"));
    out += " \\\\\n";
  }
  out += "\\bottomrule\n\\end{tabular}\n";
  for (const auto& n : t.notes) out += "\\par{\\footnotesize " + EscapeLatex(n) + "}\n";
  out += "\\end{table}\n";
  return out;
}

std::string RenderCsv(const Table& t) {
  std::vector<bool> with_ci(t.columns.size(), false), with_partial(t.columns.size(), false);
  for (const auto& row : t.rows)
    for (size_t i = 0; i < row.cells.size() && i < t.columns.size(); ++i) {
      if (row.cells[i].present && row.cells[i].has_ci) with_ci[i] = true;
      if (row.cells[i].present && row.cells[i].partial) with_partial[i] = true;
    }
  std::string out = CsvField(ToLower(t.row_header)) + ",section";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    out += "," + CsvField(t.columns[i].key);
    if (with_ci[i]) out += "," + CsvField(t.columns[i].key + "_low") + "," + CsvField(t.columns[i].key + "_high");
    if (with_partial[i]) out += "," + CsvField(t.columns[i].key + "_partial");
  }
  out += "\n";
  int csv_decimals = t.decimals + 3;
  for (const auto& row : t.rows) {
    out += CsvField(row.label) + "," + CsvField(row.section);
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const Cell* c = i < row.cells.size() ? &row.cells[i] : nullptr;
      bool p = c && c->present;
      out += "," + (p ? FormatNumber(c->value, csv_decimals) : std::string());
      if (with_ci[i]) {
        bool ci = p && c->has_ci;
        out += "," + (ci ? FormatNumber(c->low, csv_decimals) : std::string());
        out += "," + (ci ? FormatNumber(c->high, csv_decimals) : std::string());
      }
      if (with_partial[i]) out += "," + (p && c->partial ? CsvField(c->partial_note.empty() ? "partial" : c->partial_note) : std::string());
    }
    out += "\n";
  }
  return out;
}

}  // namespace upt::reports
