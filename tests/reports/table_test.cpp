#include "reports/table.h"

#include <gtest/gtest.h>

namespace upt::reports {
namespace {

// Two rows, an ID group (benchmark + Avg) and an OOD group; a tie in GPQA at
// one decimal; a missing Avg; a label that needs LaTeX and CSV escaping.
Table SmallTable() {
  Table t;
  t.columns = {{"aime24", "AIME 24", "In-distribution", true},
               {"avg_id", "Avg", "In-distribution", true},
               {"gpqa", "GPQA", "Out-of-distribution", true}};
  Row a;
  a.label = "SFT\xE2\x86\x92GRPO";
  a.cells = {CiCell(25.0, 20.0, 30.0), ValueCell(25.0), ValueCell(30.04)};
  Row b;
  b.label = "a_b & 50%, v2";
  b.cells = {ValueCell(33.0), Cell{}, ValueCell(30.0)};
  t.rows = {a, b};
  MarkBest(&t);
  return t;
}

TEST(TableTest, MarkdownExact) {
  EXPECT_EQ(RenderMarkdown(SmallTable(), CiStyle::kPlusMinus),
            "| Method | AIME 24 | Avg (In-distribution) | GPQA |\n"
            "|---|---:|---:|---:|\n"
            "| SFT\xE2\x86\x92GRPO | 25.0 \xC2\xB1 5.0 | **25.0** | **30.0** |\n"
            "| a_b & 50%, v2 | **33.0** | \xE2\x80\x93 | **30.0** |\n");
}

TEST(TableTest, MarkdownIntervalOnSecondLine) {
  std::string md = RenderMarkdown(SmallTable(), CiStyle::kInterval);
  EXPECT_NE(md.find("| 25.0<br><sub>[20.0, 30.0]</sub> |"), std::string::npos) << md;
}

TEST(TableTest, LatexBooktabsExactWithEscaping) {
  EXPECT_EQ(RenderLatex(SmallTable(), CiStyle::kPlusMinus, "Pass@1 (%)", "tab:results"),
            "\\begin{table}[t]\n\\centering\n\\small\n"
            "\\caption{Pass@1 (\\%)}\n\\label{tab:results}\n"
            "\\begin{tabular}{lccc}\n\\toprule\n"
            " & \\multicolumn{2}{c}{In-distribution} & \\multicolumn{1}{c}{Out-of-distribution} \\\\\n"
            "\\cmidrule(lr){2-3}\\cmidrule(lr){4-4}\n"
            "Method & AIME 24 & Avg & GPQA \\\\\n\\midrule\n"
            "SFT$\\rightarrow$GRPO & 25.0{\\scriptsize${}\\pm{}$5.0} & \\textbf{25.0} & \\textbf{30.0} \\\\\n"
            "a\\_b \\& 50\\%, v2 & \\textbf{33.0} & -- & \\textbf{30.0} \\\\\n"
            "\\bottomrule\n\\end{tabular}\n\\end{table}\n");
}

TEST(TableTest, LatexIntervalOnSecondLine) {
  std::string tex = RenderLatex(SmallTable(), CiStyle::kInterval);
  EXPECT_NE(tex.find("\\shortstack{25.0\\\\{\\scriptsize[20.0, 30.0]}}"), std::string::npos) << tex;
  EXPECT_EQ(RenderLatex(SmallTable(), CiStyle::kNone).find("scriptsize"), std::string::npos);
}

TEST(TableTest, LatexEscapesEverySpecialCharacter) {
  EXPECT_EQ(EscapeLatex("\\ & % $ # _ { } ~ ^"),
            "\\textbackslash{} \\& \\% \\$ \\# \\_ \\{ \\} \\textasciitilde{} \\textasciicircum{}");
}

TEST(TableTest, CsvExactWithIntervalColumnsAndQuoting) {
  EXPECT_EQ(RenderCsv(SmallTable()),
            "method,section,aime24,aime24_low,aime24_high,avg_id,gpqa\n"
            "SFT\xE2\x86\x92GRPO,,25.0000,20.0000,30.0000,25.0000,30.0400\n"
            "\"a_b & 50%, v2\",,33.0000,,,,30.0000\n");
}

TEST(TableTest, BestIsDecidedOnDisplayedPrecisionAndTiesAllBold) {
  Table t = SmallTable();
  EXPECT_FALSE(t.rows[0].cells[0].bold);
  EXPECT_TRUE(t.rows[1].cells[0].bold);
  EXPECT_TRUE(t.rows[0].cells[1].bold);   // the only present Avg
  EXPECT_FALSE(t.rows[1].cells[1].bold);  // missing
  EXPECT_TRUE(t.rows[0].cells[2].bold);   // 30.04 prints as 30.0 ...
  EXPECT_TRUE(t.rows[1].cells[2].bold);   // ... tied with 30.0
  t.decimals = 2;
  MarkBest(&t);
  EXPECT_TRUE(t.rows[0].cells[2].bold);
  EXPECT_FALSE(t.rows[1].cells[2].bold);
}

TEST(TableTest, ReferenceRowsNeverCompeteForBold) {
  Table t = SmallTable();
  Row paper;
  paper.label = "paper";
  paper.reference = true;
  paper.cells = {ValueCell(99.0), ValueCell(99.0), ValueCell(99.0)};
  t.rows.push_back(paper);
  MarkBest(&t);
  EXPECT_TRUE(t.rows[1].cells[0].bold);
  for (const auto& c : t.rows[2].cells) EXPECT_FALSE(c.bold);
}

TEST(TableTest, LowerIsBetterColumns) {
  Table t;
  t.columns = {{"len", "Length", "", false}};
  t.rows = {{"a", {ValueCell(5)}, false, ""}, {"b", {ValueCell(3)}, false, ""}};
  MarkBest(&t);
  EXPECT_FALSE(t.rows[0].cells[0].bold);
  EXPECT_TRUE(t.rows[1].cells[0].bold);
}

TEST(TableTest, SectionsStartBlocks) {
  Table t = SmallTable();
  t.rows[0].section = "This report";
  t.rows[1].section = "Paper";
  std::string md = RenderMarkdown(t, CiStyle::kNone);
  EXPECT_NE(md.find("| *This report* |  |  |  |\n| SFT"), std::string::npos) << md;
  std::string tex = RenderLatex(t, CiStyle::kNone);
  EXPECT_NE(tex.find("\\midrule\n\\multicolumn{4}{l}{\\textit{Paper}} \\\\\n"), std::string::npos) << tex;
}

TEST(TableTest, FormatNumberNeverPrintsNegativeZero) {
  EXPECT_EQ(FormatNumber(-0.01, 1), "0.0");
  EXPECT_EQ(FormatNumber(-0.06, 1), "-0.1");
  EXPECT_EQ(FormatNumber(52.65, 2), "52.65");
}

}  // namespace
}  // namespace upt::reports
