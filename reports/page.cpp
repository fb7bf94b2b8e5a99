#include "reports/page.h"

#include <fmt/format.h>

#include "core/fs.h"

namespace upt::reports {
namespace {

std::string MdTextTable(const TextTable& t) {
  std::string out = "|";
  std::string rule = "|";
  for (const auto& h : t.headers) out += " " + EscapeMarkdownCell(h) + " |", rule += "---|";
  out += "\n" + rule + "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const auto& c : row) out += " " + EscapeMarkdownCell(c) + " |";
    out += "\n";
  }
  return out;
}

std::string HtmlTextTable(const TextTable& t) {
  std::string out = "<table class=\"prov\"><thead><tr>";
  for (const auto& h : t.headers) out += "<th>" + HtmlEscape(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& c : row) out += "<td>" + HtmlEscape(c) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

const char* kCss =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;"
    "color:#222;line-height:1.45}"
    "table{border-collapse:collapse;margin:0.8em 0;font-size:0.92em}"
    "th,td{padding:0.25em 0.6em;border-bottom:1px solid #ddd;text-align:right}"
    "th:first-child,td:first-child{text-align:left}"
    "thead th{border-bottom:2px solid #444}tr.section td{font-style:italic;background:#f4f4f4;text-align:left}"
    "tr.ref td{color:#555}.ci{color:#777;font-size:0.85em}"
    "table.prov td,table.prov th{text-align:left;font-family:ui-monospace,monospace;font-size:0.85em}"
    "img{max-width:100%;height:auto;border:1px solid #eee}.notes{background:#fff8e1;padding:0.6em 1em}"
    "figcaption,p.what{color:#444}code{background:#f4f4f4;padding:0 0.2em}";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string Base64(std::string_view data) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (unsigned char)data[i] << 16 | (unsigned char)data[i + 1] << 8 | (unsigned char)data[i + 2];
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (i < data.size()) {
    unsigned v = (unsigned char)data[i] << 16;
    if (i + 1 < data.size()) v |= (unsigned char)data[i + 1] << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += i + 1 < data.size() ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string RenderHtmlTable(const Table& t, CiStyle ci) {
  std::string out = "<table><thead>";
  bool groups = false;
  for (const auto& c : t.columns) groups |= !c.group.empty();
  if (groups) {
    out += "<tr><th></th>";
    for (size_t i = 0; i < t.columns.size();) {
      size_t j = i;
      while (j < t.columns.size() && t.columns[j].group == t.columns[i].group) ++j;
      out += fmt::format("<th colspan=\"{}\" style=\"text-align:center\">{}</th>", j - i, HtmlEscape(t.columns[i].group));
      i = j;
    }
    out += "</tr>";
  }
  out += "<tr><th>" + HtmlEscape(t.row_header) + "</th>";
  for (const auto& c : t.columns) out += "<th>" + HtmlEscape(c.header) + "</th>";
  out += "</tr></thead><tbody>\n";
  std::string section;
  for (const auto& row : t.rows) {
    if (!row.section.empty() && row.section != section) {
      out += fmt::format("<tr class=\"section\"><td colspan=\"{}\">{}</td></tr>\n", t.columns.size() + 1,
                         HtmlEscape(row.section));
      section = row.section;
    }
    out += row.reference ? "<tr class=\"ref\">" : "<tr>";
    out += "<td>" + HtmlEscape(row.label) + "</td>";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const Cell* c = i < row.cells.size() ? &row.cells[i] : nullptr;
      if (!c || !c->present) {
        out += "<td>&ndash;</td>";
        continue;
      }
      std::string v = FormatNumber(c->value, t.decimals);
      if (c->bold) v = "<b>" + v + "</b>";
      if (c->has_ci && ci == CiStyle::kPlusMinus)
        v += " <span class=\"ci\">&plusmn;" + FormatNumber((c->high - c->low) / 2, t.decimals) + "</span>";
      else if (c->has_ci && ci == CiStyle::kInterval)
        v += "<br><span class=\"ci\">[" + FormatNumber(c->low, t.decimals) + ", " + FormatNumber(c->high, t.decimals) +
             "]</span>";
      out += "<td>" + v + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string RenderIndexMd(const Document& doc) {
  std::string out = "# " + doc.title + "\n\n";
  for (const auto& l : doc.header_lines) out += l + "  \n";
  out += "\n";
  if (!doc.notes.empty()) {
    out += "**Notes.**\n\n";
    for (const auto& n : doc.notes) out += "- " + n + "\n";
    out += "\n";
  }
  for (const auto& s : doc.sections) {
    out += "## " + s.title + "\n\n";
    if (!s.text.empty()) out += s.text + "\n\n";
    for (const auto& t : s.tables) {
      out += "### " + t.title + "\n\n" + t.sentence + "\n\n" + RenderMarkdown(t.table, t.ci) + "\n";
      out += fmt::format("Files: [tables/{0}.md](tables/{0}.md), [tables/{0}.tex](tables/{0}.tex), "
                         "[tables/{0}.csv](tables/{0}.csv)\n\n",
                         t.stem);
    }
    for (const auto& f : s.figures) {
      out += "### " + f.title + "\n\n" + f.sentence + "\n\n";
      if (f.rendered) out += fmt::format("![{0}](figures/{1}.png)\n\n", f.title, f.name);
      else out += "*(not rendered: gnuplot did not run; the data and script are written)*\n\n";
      out += fmt::format("Files: [png](figures/{0}.png), [svg](figures/{0}.svg), [data](figures/{0}.dat), "
                         "[gnuplot script](figures/{0}.gp)\n\n",
                         f.name);
    }
    for (const auto& tt : s.text_tables) out += MdTextTable(tt) + "\n";
  }
  return out;
}

std::string RenderIndexHtml(const Document& doc, const std::string& out_dir) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" +
                    HtmlEscape(doc.title) + "</title>\n<style>" + kCss + "</style></head><body>\n";
  out += "<h1>" + HtmlEscape(doc.title) + "</h1>\n<p>";
  for (const auto& l : doc.header_lines) out += HtmlEscape(l) + "<br>\n";
  out += "</p>\n";
  if (!doc.notes.empty()) {
    out += "<div class=\"notes\"><b>Notes.</b><ul>\n";
    for (const auto& n : doc.notes) out += "<li>" + HtmlEscape(n) + "</li>\n";
    out += "</ul></div>\n";
  }
  for (const auto& s : doc.sections) {
    out += "<h2>" + HtmlEscape(s.title) + "</h2>\n";
    if (!s.text.empty()) out += "<p>" + HtmlEscape(s.text) + "</p>\n";
    for (const auto& t : s.tables) {
      out += "<h3>" + HtmlEscape(t.title) + "</h3>\n<p class=\"what\">" + HtmlEscape(t.sentence) + "</p>\n";
      out += RenderHtmlTable(t.table, t.ci);
      out += "<p class=\"what\">Files: <code>tables/" + HtmlEscape(t.stem) + ".{md,tex,csv}</code></p>\n";
    }
    for (const auto& f : s.figures) {
      out += "<figure><h3>" + HtmlEscape(f.title) + "</h3>\n";
      std::string png = out_dir + "/figures/" + f.name + ".png";
      if (f.rendered && FileExists(png))
        out += "<img alt=\"" + HtmlEscape(f.title) + "\" src=\"data:image/png;base64," + Base64(ReadFile(png)) + "\">\n";
      else
        out += "<p><i>(not rendered: gnuplot did not run; the data and script are written)</i></p>\n";
      out += "<figcaption>" + HtmlEscape(f.sentence) + " Files: <code>figures/" + HtmlEscape(f.name) +
             ".{png,svg,dat,gp}</code></figcaption></figure>\n";
    }
    for (const auto& tt : s.text_tables) out += HtmlTextTable(tt);
  }
  return out + "</body></html>\n";
}

}  // namespace upt::reports
