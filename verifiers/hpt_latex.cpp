// hpt_code's reduced latex2sympy front end: LaTeX -> the parser's plain text
// (verifiers/hpt_read.h). Math-Verify reads LaTeX with latex2sympy2_extended
// after its own normalisation (src/math_verify/parser.py @5d148cf); this is a
// behavioural stand-in for the forms the HPT fork's rewards meet, listed in
// docs/verifiers.md "Reward policies".
#include <algorithm>
#include <cctype>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "verifiers/hpt_read.h"

namespace upt::verifiers::hpt {
namespace {

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// ---------------------------------------------------------------- LaTeX -> text

// One LaTeX argument at s[*i]: a {group} (without its braces), a command, or
// one character.
bool LatexArg(std::string_view s, size_t* i, std::string* out) {
  while (*i < s.size() && IsSpace(s[*i])) ++*i;
  if (*i >= s.size()) return false;
  size_t b = *i;
  if (s[b] == '{') {
    int depth = 0;
    for (size_t k = b; k < s.size(); ++k) {
      depth += s[k] == '{' ? 1 : s[k] == '}' ? -1 : 0;
      if (depth == 0) {
        *out = std::string(s.substr(b + 1, k - b - 1));
        *i = k + 1;
        return true;
      }
    }
    return false;
  }
  size_t e = b + 1;
  if (s[b] == '\\')
    while (e < s.size() && IsAlpha(s[e])) ++e;
  *out = std::string(s.substr(b, e - b));
  *i = e;
  return true;
}

bool LatexToText(std::string_view s, std::string* out, int depth);

bool ConvertArg(std::string_view s, size_t* i, std::string* out, int depth) {
  std::string a;
  return LatexArg(s, i, &a) && LatexToText(a, out, depth + 1);
}


bool IsDigits(const std::string& x) {
  return !x.empty() && std::all_of(x.begin(), x.end(), [](char c) { return IsDigit(c); });
}

// \frac{a}{b}; right after an integer (2\frac{1}{3}) a mixed number, as
// Math-Verify's normalisation reads it.
bool LatexFrac(std::string_view s, size_t* i, std::string* out, int depth) {
  std::string ra, rb, a, b;
  if (!LatexArg(s, i, &ra) || !LatexArg(s, i, &rb)) return false;
  if (!LatexToText(ra, &a, depth + 1) || !LatexToText(rb, &b, depth + 1)) return false;
  size_t k = out->size();
  while (k > 0 && IsDigit((*out)[k - 1])) --k;
  bool mixed = k < out->size() && IsDigits(ra) && IsDigits(rb) && (k == 0 || !IsAlpha((*out)[k - 1]));
  if (mixed) {
    std::string whole = out->substr(k);
    out->resize(k);
    *out += "(" + whole + "+" + a + "/" + b + ")";
  } else {
    *out += "((" + a + ")/(" + b + "))";
  }
  return true;
}

// \begin{pmatrix} a & b \\ c & d \end{pmatrix} (also bmatrix, matrix, array).
bool LatexMatrix(std::string_view s, size_t* i, std::string* out, int depth) {
  std::string env;
  if (!LatexArg(s, i, &env) || (env.find("matrix") == std::string::npos && env != "array")) return false;
  if (env == "array") {
    std::string spec;
    if (!LatexArg(s, i, &spec)) return false;
  }
  std::string end = "\\end{" + env + "}";
  size_t e = s.find(end, *i);
  if (e == std::string_view::npos) return false;
  std::string_view body = s.substr(*i, e - *i);
  *i = e + end.size();
  *out += kMatrixMark;
  *out += "[";
  size_t row = 0;
  while (true) {
    size_t br = body.find("\\\\", row);
    std::string_view r = body.substr(row, br == std::string_view::npos ? std::string_view::npos : br - row);
    std::string cells;
    if (!LatexToText(r, &cells, depth + 1)) return false;
    std::replace(cells.begin(), cells.end(), '&', ',');
    if (cells.find_first_not_of(' ') != std::string::npos) *out += (out->back() == '[' ? "[" : ",[") + cells + "]";
    if (br == std::string_view::npos) break;
    row = br + 2;
  }
  return *out += "]", true;
}

// \log_b x -> log(x, b).
bool LatexLog(std::string_view s, size_t* i, std::string* out, int depth) {
  size_t k = *i;
  while (k < s.size() && IsSpace(s[k])) ++k;
  if (k >= s.size() || s[k] != '_') return *out += " log ", true;
  *i = k + 1;
  std::string base, arg;
  if (!ConvertArg(s, i, &base, depth)) return false;
  while (*i < s.size() && IsSpace(s[*i])) ++*i;
  if (*i < s.size() && s[*i] == '(') {
    int d = 0;
    size_t b = *i;
    for (; *i < s.size(); ++*i) {
      d += s[*i] == '(' ? 1 : s[*i] == ')' ? -1 : 0;
      if (d == 0) break;
    }
    if (*i >= s.size() || !LatexToText(s.substr(b + 1, *i - b - 1), &arg, depth + 1)) return false;
    ++*i;
  } else if (!ConvertArg(s, i, &arg, depth)) {
    return false;
  }
  return *out += " log((" + arg + "),(" + base + "))", true;
}

// \text{..}-like words: a unit after a value is dropped; "and"/"or" are list
// commas; other words are one symbol, compared without case
// (grader.py sympy_compare_symbols:441-494).
bool LatexText(std::string_view s, size_t* i, std::string* out) {
  std::string a, word;
  if (!LatexArg(s, i, &a)) return false;
  for (char c : a)
    if (IsAlpha(c) || IsDigit(c)) word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t last = out->find_last_not_of(' ');
  if (word == "and" || word == "or") {
    if (last == std::string::npos || (*out)[last] != ',') *out += ",";
    return true;
  }
  if (last != std::string::npos && (IsDigit((*out)[last]) || (*out)[last] == ')')) {  // a unit, with its power
    size_t k = *i;
    while (k < s.size() && IsSpace(s[k])) ++k;
    std::string power;
    if (k < s.size() && s[k] == '^' && LatexArg(s, &++k, &power)) *i = k;
    return true;
  }
  if (word.size() == 1 && IsAlpha(word[0]))  // one letter keeps its case: \text{E} = E
    word = std::string(1, *std::find_if(a.begin(), a.end(), [](char c) { return IsAlpha(c); }));
  if (word.size() > 1 && IsAlpha(word[0])) word = "_w_" + word;
  return *out += " " + word + " ", true;
}

// One command (name without backslash) at s[*i] (just after the name).
bool LatexCommand(const std::string& cmd, std::string_view s, size_t* i, std::string* out, int depth) {
  static const std::vector<std::string> kSkip = {"left", "right", "displaystyle", "!", ",", ";", ":", " ", "[", "]", "(", ")",
                                                 "quad", "qquad", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"};
  static const std::vector<std::string> kFuncs = {"sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos",
                                                  "arctan", "sinh", "cosh", "tanh", "exp", "ln"};
  static const std::vector<std::string> kGreek = {
      "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
      "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi",
      "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega"};
  static const std::vector<std::pair<std::string, std::string>> kSame = {
      {"cdot", "*"}, {"times", "*"}, {"ast", "*"}, {"div", "/"}, {"pi", " pi "}, {"infty", " oo "},
      {"le", "<="}, {"leq", "<="}, {"leqslant", "<="}, {"ge", ">="}, {"geq", ">="}, {"geqslant", ">="},
      {"ne", "!="}, {"neq", "!="}, {"approx", "="}, {"lt", "<"}, {"gt", ">"}, {"{", "{"}, {"}", "}"}, {"%", "*(1/100)"},
      {"pm", std::string(1, kPmMark)}, {"in", std::string(1, kIn)}, {"cup", std::string(1, kCupMark)},
      {"emptyset", "{ }"}, {"varnothing", "{ }"}, {"lfloor", " floor("}, {"rfloor", ")"},
      {"lceil", " ceil("}, {"rceil", ")"}};
  if (std::find(kSkip.begin(), kSkip.end(), cmd) != kSkip.end()) return true;
  if (std::find(kFuncs.begin(), kFuncs.end(), cmd) != kFuncs.end()) return *out += " " + cmd + " ", true;
  if (std::find(kGreek.begin(), kGreek.end(), cmd) != kGreek.end()) return *out += " _g_" + cmd + " ", true;
  for (const auto& [name, text] : kSame)
    if (cmd == name) return *out += text, true;
  if (cmd == "frac" || cmd == "dfrac" || cmd == "tfrac" || cmd == "cfrac") return LatexFrac(s, i, out, depth);
  if (cmd == "begin") return LatexMatrix(s, i, out, depth);
  if (cmd == "log") return LatexLog(s, i, out, depth);
  if (cmd == "binom" || cmd == "dbinom") {
    std::string a, b;
    if (!ConvertArg(s, i, &a, depth) || !ConvertArg(s, i, &b, depth)) return false;
    return *out += " binom((" + a + "),(" + b + "))", true;
  }
  if (cmd == "sqrt") {
    std::string n, a;
    size_t k = *i;
    while (k < s.size() && IsSpace(s[k])) ++k;
    if (k < s.size() && s[k] == '[') {
      size_t close = s.find(']', k);
      if (close == std::string_view::npos || !LatexToText(s.substr(k + 1, close - k - 1), &n, depth + 1)) return false;
      *i = close + 1;
    }
    if (!ConvertArg(s, i, &a, depth)) return false;
    return *out += n.empty() ? " sqrt(" + a + ")" : "((" + a + ")^(1/(" + n + ")))", true;
  }
  static const std::vector<std::string> kText = {"text", "textbf", "textrm", "textit", "textnormal", "mathrm",
                                                 "mathbf", "mbox", "operatorname"};
  if (std::find(kText.begin(), kText.end(), cmd) != kText.end()) return LatexText(s, i, out);
  return false;
}

bool LatexToText(std::string_view s, std::string* out, int depth) {
  if (depth > kMaxDepth) return false;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '\\') {
      size_t e = i + 1;
      while (e < s.size() && IsAlpha(s[e])) ++e;
      if (e == i + 1 && e < s.size()) ++e;  // \{ \} \% \, \!
      std::string cmd(s.substr(i + 1, e - i - 1));
      i = e;
      if (!LatexCommand(cmd, s, &i, out, depth)) return false;
      continue;
    }
    ++i;
    if (c == '^') {
      std::string a;
      size_t k = i;
      if (LatexArg(s, &k, &a) && (a == "\\circ" || a == "{\\circ}")) {
        i = k;  // dropped: Math-Verify parser.py:383-396 passes convert_degrees=False
        continue;
      }
      std::string arg;
      if (!ConvertArg(s, &i, &arg, depth)) return false;
      *out += "^(" + arg + ")";
    } else if (c == '_') {
      std::string a;
      if (!LatexArg(s, &i, &a)) return false;
      *out += "_";
      for (char ch : a)
        if (IsAlpha(ch) || IsDigit(ch)) *out += ch;
    } else if (c == '{' || c == '}') {
      *out += c == '{' ? "(" : ")";
    } else if (c == '%') {
      *out += "*(1/100)";
    } else if (c == ':' || c == ';') {
      *out += c == ':' ? "/" : ",";  // ratios are quotients; ';' separates items
    } else if (c != '$' && c != '~') {
      *out += c;
    }
  }
  return true;
}

// Unicode math symbols as LaTeX commands (π, ∞, −, ×, ·, ≤, ≥, °).
std::string UnicodeToLatex(std::string_view s) {
  static const std::vector<std::pair<std::string, std::string>> kMap = {
      {"\xcf\x80", "\\pi "}, {"\xe2\x88\x9e", "\\infty "}, {"\xe2\x88\x92", "-"}, {"\xc3\x97", "\\times "},
      {"\xc2\xb7", "\\cdot "}, {"\xe2\x89\xa4", "\\le "}, {"\xe2\x89\xa5", "\\ge "}, {"\xc2\xb0", ""}};
  std::string r(s);
  for (const auto& [from, to] : kMap)
    for (size_t at = r.find(from); at != std::string::npos; at = r.find(from, at + to.size()))
      r.replace(at, from.size(), to);
  return r;
}

// A whole answer that is one number as Math-Verify's number reader takes it
// (its own tests, math_verify.jsonl rows 2-18): thousands separators ("7,425,000",
// "1 000", "14{,}916") dropped, a decimal comma ("1,22", "0,111", "1000,99") a point.
std::string WholeNumber(std::string r) {
  static const std::regex kThousands("\\s*-?[0-9]{1,3}((,|\\{,\\}| )[0-9]{3})+(\\.[0-9]+)?\\s*");
  static const std::regex kDecimalComma("\\s*-?([0-9]+,[0-9]{1,2}|0,[0-9]+|[0-9]{4,},[0-9]+)\\s*");
  if (r.size() > 64 || r.find_first_not_of("0123456789,.{} -") != std::string::npos) return r;
  static const std::regex kZeroComma("\\s*-?0,[0-9]+\\s*");
  if (std::regex_match(r, kZeroComma)) {  // "0,111" is 0.111, never thousands
    std::replace(r.begin(), r.end(), ',', '.');
    return r;
  }
  if (std::regex_match(r, kThousands)) {
    std::string n;
    for (char c : r)
      if (c != ',' && c != '{' && c != '}' && c != ' ') n += c;
    return n;
  }
  if (std::regex_match(r, kDecimalComma)) std::replace(r.begin(), r.end(), ',', '.');
  return r;
}

// What Math-Verify's LaTeX extraction reads of one side: the math of one
// $..$ group (text around it dropped), else the text without its $ signs;
// unicode symbols as commands; "28 percent" as 28\%.
std::string LatexSource(std::string_view s) {
  std::string r;
  size_t open = s.find('$'), b = s.find_first_not_of('$', open == std::string_view::npos ? s.size() : open);
  size_t close = b == std::string_view::npos ? b : s.find('$', b);
  size_t after = close == std::string_view::npos ? close : s.find_first_not_of('$', close);
  if (close != std::string_view::npos && (after == std::string_view::npos || s.find('$', after) == std::string_view::npos)) {
    r = std::string(s.substr(b, close - b));
    size_t k = s.find_first_not_of(' ', after == std::string_view::npos ? s.size() : after);
    if (k != std::string_view::npos && (s[k] == '%' || s.compare(k, 2, "\\%") == 0)) r += "\\%";  // "$28$ %"
  } else {
    for (char c : s)
      if (c != '$') r += c;
  }
  r = WholeNumber(UnicodeToLatex(r));
  if (r.find("percent") == std::string::npos && r.find("pct") == std::string::npos) return r;
  static const std::regex kPercentWord(" *(percentage|percent|pct)\\b");
  return std::regex_replace(r, kPercentWord, "\\%");
}

// "4 4/9" = 40/9 for a proper fraction only: Math-Verify reads "11 6/6" and
// "11 7/6" as no mixed number (its tests, math_verify.jsonl rows 242, 246).
std::string MixedNumbers(const std::string& text) {
  static const std::regex kMixed("(^|[^0-9A-Za-z_.)])([0-9]+) +([0-9]+)/([0-9]+)");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kMixed);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    out += text.substr(last, static_cast<size_t>(m.position(0)) - last);
    bool proper = m[3].length() < m[4].length() || (m[3].length() == m[4].length() && m[3].str() < m[4].str());
    if (!proper) return "\x7f";  // read as no number at all
    out += m[1].str() + "(" + m[2].str() + "+" + m[3].str() + "/" + m[4].str() + ")";
    last = static_cast<size_t>(m.position(0) + m.length(0));
  }
  return out + text.substr(last);
}

}  // namespace

bool LatexToParserText(std::string_view latex, std::string* out) {
  std::string text;
  if (!LatexToText(LatexSource(latex), &text, 0)) return false;
  if (text.find('/') != std::string::npos && text.find(' ') != std::string::npos) text = MixedNumbers(text);
  static const std::regex kWords("(^|[^A-Za-z_])(and|or)(?=$|[^A-Za-z_])");  // "19, 46, and 82"
  if (text.find("and") != std::string::npos || text.find("or") != std::string::npos)
    text = std::regex_replace(text, kWords, "$1,");
  static const std::regex kCommas(",( *,)+");
  if (text.find(',') != std::string::npos) text = std::regex_replace(text, kCommas, ",");
  while (!text.empty() && text.back() == ' ') text.pop_back();
  bool ellipsis = text.size() >= 2 && text.compare(text.size() - 2, 2, "..") == 0;  // "1, 2, 3, ..." continues
  if (!ellipsis && !text.empty() && (text.back() == '.' || text.back() == ',')) text.pop_back();  // "\frac{1}{3}."
  *out = std::move(text);
  return true;
}

}  // namespace upt::verifiers::hpt
