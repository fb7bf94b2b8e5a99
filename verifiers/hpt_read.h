// Internal to hpt_code (verifiers/hpt_math.h): LaTeX as Math-Verify's reader
// sees it, turned into the parser's plain text (verifiers/hpt_latex.cpp), and
// the markers that text carries for the parser (verifiers/hpt_parse.cpp).
#pragma once

#include <string>
#include <string_view>

namespace upt::verifiers::hpt {

// Bytes LaTeX never holds: "\in", "\pm", "\cup", a matrix.
constexpr char kIn = '\x01', kPmMark = '\x02', kCupMark = '\x03', kMatrixMark = '\x04';
// The imaginary unit of the LaTeX dialect (a name the evaluator is given i for).
constexpr const char* kImaginary = "_imaginary_i";
constexpr int kMaxDepth = 100;

// One side of Math-Verify's parse("$..$") as parser text: the math of one $..$
// group, unicode symbols as commands, "28 percent" as 28/100, \frac{a}{b} as
// ((a)/(b)), mixed numbers (3\frac12, 4 4/9) as sums, \sqrt, \log_b, \binom,
// Greek letters and \text words as names, matrices, \pm, \in, \cup as markers.
// False when the LaTeX holds a command the reader does not know.
bool LatexToParserText(std::string_view latex, std::string* out);

}  // namespace upt::verifiers::hpt
