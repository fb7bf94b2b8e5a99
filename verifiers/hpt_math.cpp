// hpt_code's own reading (sympy text, reduced latex2sympy) and comparison
// (sympy simplify, Math-Verify's sympy_expr_eq), frozen at the fork's
// behaviour. Sources (read, not copied):
//   verl recipe/entropy/reward_score/entropy_math/__init__.py @246cac4c
//     (= TsinghuaC3I/Unify-Post-Training hpt/verl/verl/mix_src/entropy_math):
//     _sympy_parse:701-707, are_equal_under_sympy:880-891, is_latex_equal:629-679;
//   huggingface/Math-Verify src/math_verify/grader.py @5d148cf:
//     sympy_numeric_eq:117-171, sympy_deep_compare_set_and_tuple:207-250,
//     sympy_compare_interval:253-271, sympy_compare_relational:297-354,
//     sympy_compare_sets:377-438, is_assignment_relation:531-547,
//     sympy_expr_eq:599-690.
#include "verifiers/hpt_math.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <complex>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gmpxx.h>

#include "core/rng.h"
#include "verifiers/evaluate.h"

namespace upt::verifiers::hpt {
namespace {

using C = std::complex<double>;
constexpr int kMaxDepth = 100;
constexpr size_t kMaxChars = 4000;
// The imaginary unit of the LaTeX dialect (a name the evaluator is given i for).
constexpr const char* kImaginary = "_imaginary_i";

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

// Markers the converter leaves for the parser (bytes LaTeX never holds).
constexpr char kIn = '\x01', kPmMark = '\x02', kCupMark = '\x03', kMatrixMark = '\x04';

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
  if (word.size() > 1 && IsAlpha(word[0])) word = "_w_" + word;
  return *out += " " + word + " ", true;
}

// One command (name without backslash) at s[*i] (just after the name).
bool LatexCommand(const std::string& cmd, std::string_view s, size_t* i, std::string* out, int depth) {
  static const std::vector<std::string> kSkip = {"left", "right", "displaystyle", "!", ",", ";", ":", " ",
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
      {"ne", "!="}, {"neq", "!="}, {"lt", "<"}, {"gt", ">"}, {"{", "{"}, {"}", "}"}, {"%", "*(1/100)"},
      {"pm", std::string(1, kPmMark)}, {"in", std::string(1, kIn)}, {"cup", std::string(1, kCupMark)},
      {"emptyset", "{ }"}, {"varnothing", "{ }"}, {"lfloor", " floor("}, {"rfloor", ")"},
      {"lceil", " ceil("}, {"rceil", ")"}};
  if (std::find(kSkip.begin(), kSkip.end(), cmd) != kSkip.end()) return true;
  if (std::find(kFuncs.begin(), kFuncs.end(), cmd) != kFuncs.end()) return *out += " " + cmd + " ", true;
  if (std::find(kGreek.begin(), kGreek.end(), cmd) != kGreek.end()) return *out += " _g_" + cmd + " ", true;
  for (const auto& [name, text] : kSame)
    if (cmd == name) return *out += text, true;
  if (cmd == "frac" || cmd == "dfrac" || cmd == "tfrac") return LatexFrac(s, i, out, depth);
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
        i = k;  // degrees are dropped
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

// ---------------------------------------------------------------- parser

bool KnownFunction(std::string* name) {
  static const std::vector<std::pair<std::string, std::string>> kAlias = {
      {"asin", "arcsin"}, {"acos", "arccos"}, {"atan", "arctan"}, {"abs", "abs"}, {"sqrt", "sqrt"},
      {"sin", "sin"}, {"cos", "cos"}, {"tan", "tan"}, {"cot", "cot"}, {"sec", "sec"}, {"csc", "csc"},
      {"arcsin", "arcsin"}, {"arccos", "arccos"}, {"arctan", "arctan"}, {"sinh", "sinh"}, {"cosh", "cosh"},
      {"tanh", "tanh"}, {"exp", "exp"}, {"log", "log"}, {"ln", "ln"}, {"factorial", "factorial"}, {"floor", "floor"},
      {"ceil", "ceil"}, {"ceiling", "ceil"}, {"binom", "binom"}, {"binomial", "binom"}};
  for (const auto& [from, to] : kAlias)
    if (*name == from) return *name = to, true;
  return false;
}

struct Parser {
  std::string_view s;
  Dialect d;
  Tree* t;
  Budget* b;
  size_t i = 0;
  int depth = 0;
  int split_ = -1;  // the product the last split name became
  std::set<int> pm_;  // lists made from \pm

  void Skip() {
    while (i < s.size() && IsSpace(s[i])) ++i;
  }
  bool Peek(std::string_view tok) {
    Skip();
    return s.substr(i, tok.size()) == tok;
  }
  bool Eat(std::string_view tok) {
    if (!Peek(tok)) return false;
    i += tok.size();
    return true;
  }
  int Node(Kind k, std::string str = {}, std::vector<int> kids = {}) {
    if (!b->Charge(1)) return -1;
    return t->Add(k, std::move(str), std::move(kids));
  }

  // top := item (',' item)*, an item a relation chain, `\in` keeps what
  // follows it. Inside brackets and function arguments (list = false) a comma
  // ends the item.
  int Top(bool list = true) {
    if (list) {
      size_t in = s.find(kIn, i);
      if (in != std::string_view::npos) i = in + 1;  // x \in S -> S
    }
    std::vector<int> items = {Relation()};
    while (list && items.back() >= 0 && Eat(",")) items.push_back(Relation());
    if (items.back() < 0) return -1;
    return items.size() == 1 ? items[0] : Node(Kind::kList, {}, Flatten(items));
  }
  // Items that are \pm pairs join the enclosing list ({1 \pm 2, 5} has three).
  std::vector<int> Flatten(const std::vector<int>& items) {
    std::vector<int> out;
    for (int k : items) {
      if (t->at(k).kind == Kind::kList && pm_.count(k)) out.insert(out.end(), t->at(k).kids.begin(), t->at(k).kids.end());
      else out.push_back(k);
    }
    return out;
  }
  // A chain `a = b = c` keeps its first left and last right side (grader.py
  // take_first/last_relation); `a < x < b` keeps three sides (s = "<|<").
  int Relation() {
    int l = Union();
    if (l < 0) return -1;
    for (const char* op : {"<=", ">=", "!=", "=", "<", ">"}) {
      if (!Eat(op)) continue;
      int r = Union();
      while (r >= 0 && std::string(op) == "=" && Eat("=")) r = Union();
      if (r < 0) return -1;
      for (const char* op2 : {"<=", ">=", "<", ">"})
        if (std::string(op) != "=" && std::string(op) != "!=" && Eat(op2)) {
          int r2 = Union();
          return r2 < 0 ? -1 : Node(Kind::kRel, std::string(op) + "|" + op2, {l, r, r2});
        }
      return Node(Kind::kRel, op, {l, r});
    }
    return l;
  }
  int Union() {
    std::vector<int> parts = {PlusMinus()};
    while (parts.back() >= 0 && Eat(std::string(1, kCupMark))) parts.push_back(PlusMinus());
    if (parts.back() < 0) return -1;
    return parts.size() == 1 ? parts[0] : Node(Kind::kUnion, {}, parts);
  }
  // a \pm b -> the set {a + b, a - b}; \pm b -> {b, -b}.
  int PlusMinus() {
    std::string pm(1, kPmMark);
    int a = Peek(pm) ? -2 : Sum();
    if (a == -1 || !Eat(pm)) return a;
    int c = Sum();
    if (c < 0) return -1;
    int pair = a == -2 ? Node(Kind::kList, {}, {c, Node(Kind::kNeg, {}, {c})})
                       : Node(Kind::kList, {}, {Node(Kind::kAdd, {}, {a, c}),
                                                Node(Kind::kAdd, {}, {a, Node(Kind::kNeg, {}, {c})})});
    pm_.insert(pair);
    return pair;
  }
  int Sum() {
    int first = Unary();
    if (first < 0) return -1;
    std::vector<int> terms = {first};
    while (true) {
      Skip();
      bool minus = Peek("-");
      if (!minus && !Peek("+")) break;
      ++i;
      int r = Unary();
      if (r < 0) return -1;
      terms.push_back(minus ? Node(Kind::kNeg, {}, {r}) : r);
    }
    return terms.size() == 1 ? terms[0] : Node(Kind::kAdd, {}, terms);
  }
  int Unary() {
    if (++depth > kMaxDepth) return -1;
    int r;
    if (Eat("-")) {
      int x = Unary();
      r = x < 0 ? -1 : Node(Kind::kNeg, {}, {x});
    } else if (Eat("+")) {
      r = Unary();
    } else {
      r = Term();
    }
    --depth;
    return r;
  }
  bool StartsAtom() {
    Skip();
    if (i >= s.size()) return false;
    char c = s[i];
    return IsDigit(c) || IsAlpha(c) || c == '.' || c == '(' || c == '_';
  }
  int Term() {
    int l = Power();
    while (l >= 0 && !Peek("**")) {
      Kind k = Kind::kMul;
      if (Eat("/")) k = Kind::kDiv;
      else if (!Eat("*") && !StartsAtom()) break;  // implicit product when an atom follows
      int r = Power();
      l = r < 0 ? -1 : Node(k, {}, {l, r});
    }
    return l;
  }
  int Power() {
    int base = Postfix();
    if (base < 0) return -1;
    if (Eat("**") || Eat("^")) {
      if (++depth > kMaxDepth) return -1;
      int e = Peek("-") || Peek("+") ? Unary() : Power();
      --depth;
      if (e < 0) return -1;
      if (base == split_) {  // "yx^2": split_symbols made y*x, the power takes x
        int last = t->at(base).kids.back();
        int pw = Node(Kind::kPow, {}, {last, e});
        if (pw < 0) return -1;
        t->nodes[static_cast<size_t>(base)].kids.back() = pw;
        return base;
      }
      return Node(Kind::kPow, {}, {base, e});
    }
    return base;
  }
  int Postfix() {
    int a = Atom();
    while (a >= 0 && Peek("!") && !Peek("!=")) {
      ++i;
      a = Node(Kind::kFact, {}, {a});
    }
    return a;
  }
  int Number() {
    size_t b0 = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && IsDigit(s[i])) ++i;
    }
    if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      size_t k = i + 1;
      if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
      if (k < s.size() && IsDigit(s[k])) {
        while (k < s.size() && IsDigit(s[k])) ++k;
        i = k;
      }
    }
    std::string lit(s.substr(b0, i - b0));
    if (lit == ".") return -1;
    bool dec = lit.find_first_of(".eE") != std::string::npos;
    if (lit[0] == '.') lit = "0" + lit;
    if (lit.back() == '.') lit += "0";
    int n = Node(Kind::kNum, lit);
    if (n >= 0) t->nodes[static_cast<size_t>(n)].decimal = dec;
    return n;
  }
  // A name sympy does not know: split into letters (digit runs are numbers),
  // as split_symbols does; names with '_' stay whole.
  int SplitName(const std::string& name) {
    if (name.find('_') != std::string::npos || name.size() == 1) return Letter(name);
    std::vector<int> f;
    for (size_t k = 0; k < name.size();) {
      size_t e = k + 1;
      if (IsDigit(name[k]))
        while (e < name.size() && IsDigit(name[e])) ++e;
      std::string part = name.substr(k, e - k);
      f.push_back(IsDigit(name[k]) ? Node(Kind::kNum, part) : Letter(part));
      k = e;
    }
    return split_ = Node(Kind::kMul, {}, f);
  }
  int Letter(const std::string& name) {
    if (d == Dialect::kLatex && name == "e") return Node(Kind::kConst, "e");
    if (d == Dialect::kLatex && name == "i") return Node(Kind::kSym, kImaginary);  // should_treat_as_complex
    return Node(Kind::kSym, name);
  }
  int Group(char open) {
    if (open == '{' && Eat("}")) return Node(Kind::kList);  // the empty set
    std::vector<int> items = {Top(false)};
    while (items.back() >= 0 && Eat(",")) items.push_back(Top(false));
    Skip();
    if (items.back() < 0 || i >= s.size()) return -1;
    char close = s[i++];
    if (open == '{') return close == '}' ? Node(Kind::kList, {}, Flatten(items)) : -1;
    if (close != ')' && close != ']') return -1;
    if (items.size() == 1 && t->at(items[0]).kind == Kind::kMatrix) return items[0];  // \left[ matrix \right]
    if (items.size() == 1 && open == '[' && close == ']') return Node(Kind::kTuple, "[]", items);  // a matrix row
    if (items.size() == 1) return open == '(' && close == ')' ? items[0] : -1;
    std::string br{open, close};
    if (open != close - 1 && open != close - 2) return items.size() == 2 ? Node(Kind::kInterval, br, items) : -1;
    return Node(Kind::kTuple, br, items);
  }
  int Atom() {
    Skip();
    if (i >= s.size() || ++depth > kMaxDepth) return -1;
    int r = AtomInner();
    --depth;
    return r;
  }
  int AtomInner() {
    char c = s[i];
    if (IsDigit(c) || c == '.') return Number();
    if (c == '(' || c == '[' || (c == '{' && d == Dialect::kLatex)) {
      ++i;
      return Group(c);
    }
    if (c == kMatrixMark) {
      ++i;
      int m = Eat("[") ? Group('[') : -1;
      if (m < 0) return -1;
      t->nodes[static_cast<size_t>(m)].kind = Kind::kMatrix;
      return m;
    }
    if (c == '|') {
      ++i;
      int x = Sum();
      return x >= 0 && Eat("|") ? Node(Kind::kFunc, "abs", {x}) : -1;
    }
    if (!IsAlpha(c) && c != '_') return -1;
    size_t b0 = i;
    while (i < s.size() && (IsAlpha(s[i]) || IsDigit(s[i]) || s[i] == '_')) ++i;
    std::string name(s.substr(b0, i - b0));
    if (name == "pi") return Node(Kind::kConst, "pi");
    if (name == "oo") return Node(Kind::kConst, "inf");
    if (!KnownFunction(&name)) return SplitName(name);
    int power = -1;  // sin^2 x = (sin x)^2; sin^{-1} x = arcsin x
    if (Eat("^") || Eat("**")) {
      power = Power();
      if (power < 0) return -1;
      if (IsMinusOne(power) && (name == "sin" || name == "cos" || name == "tan")) {
        name = "arc" + name;
        power = -1;
      }
    }
    std::vector<int> args;
    if (Eat("(")) {
      args.push_back(Top(false));
      while (args.back() >= 0 && Eat(",")) args.push_back(Top(false));
      if (args.back() < 0 || !Eat(")")) return -1;
    } else {
      args.push_back(Power());  // implicit application: sin x
      if (args.back() < 0) return -1;
    }
    if (name == "factorial") return args.size() == 1 ? Node(Kind::kFact, {}, args) : -1;
    int f = Node(Kind::kFunc, name, args);
    return power < 0 || f < 0 ? f : Node(Kind::kPow, {}, {f, power});
  }
  bool IsMinusOne(int k) {
    const verifiers::Node& e = t->at(k);
    if (e.kind != Kind::kNeg) return false;
    const verifiers::Node& one = t->at(e.kids[0]);
    return one.kind == Kind::kNum && one.s == "1";
  }
};

// ---------------------------------------------------------------- comparison

bool IsScalar(const Tree& t, int i) {
  Kind k = t.at(i).kind;
  return k != Kind::kList && k != Kind::kTuple && k != Kind::kInterval && k != Kind::kRel;
}

bool Close(C a, C b, double tol) {
  if (!std::isfinite(std::abs(a)) || !std::isfinite(std::abs(b))) return false;
  return std::abs(a - b) <= tol * std::max({1.0, std::abs(a), std::abs(b)});
}

bool HasGamma(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kFact || (n.kind == Kind::kFunc && n.s == "binom")) return true;
  return std::any_of(n.kids.begin(), n.kids.end(), [&](int k) { return HasGamma(t, k); });
}

// Equal as functions of their variables (sympy's simplify(a - b) == 0):
// constants exactly when both are rational, else within tol; with variables
// exactly at 3 random rational points when both are rational functions, else
// at 6 random real points of either sign.
bool SameFunction(const Tree& g, int gi, const Tree& p, int pi, double tol, Budget* b) {
  if (!IsScalar(g, gi) || !IsScalar(p, pi)) return false;
  std::vector<std::string> syms;
  CollectSymbols(g, gi, &syms);
  CollectSymbols(p, pi, &syms);
  if (syms.size() > kMaxSymbols) return false;
  ExactEnv exact;
  Env env;
  bool rational = true;
  for (const auto& s : syms) {
    exact.push_back({s, mpq_class(0)});
    env.push_back({s, C(0, 0)});
    rational &= s != kImaginary;
  }
  for (uint64_t k = 0; k < 3 && rational; ++k) {
    RngStream rng(0x4870745f6d617468ULL, {k});
    for (auto& [name, v] : exact) {
      long num = static_cast<long>(rng.NextU64() >> 44) + 1, den = static_cast<long>(rng.NextU64() >> 54) + 1;
      v = mpq_class(rng.NextU64() & 1 ? -num : num, den);
      v.canonicalize();
    }
    mpq_class x, y;
    rational = EvalExact(g, gi, &x, b, &exact) && EvalExact(p, pi, &y, b, &exact);
    if (rational && x != y) return false;
    if (syms.empty()) break;
  }
  if (rational) return !b->exceeded;
  bool constant = syms.empty() || (syms.size() == 1 && syms[0] == kImaginary);
  bool positive = HasGamma(g, gi) || HasGamma(p, pi);  // x! and binom through the gamma function
  int valid = 0, points = constant ? 1 : 6;
  for (uint64_t k = 0; k < static_cast<uint64_t>(points) && !b->exceeded; ++k) {
    RngStream rng(0x4870745f6e756d73ULL, {k});
    for (auto& [name, v] : env)
      v = name == kImaginary ? C(0, 1) : C((rng.NextU64() & 1 && !positive ? -1 : 1) * (0.5 + 1.5 * rng.Uniform()), 0);
    C x = EvalNumeric(g, gi, env, b), y = EvalNumeric(p, pi, env, b);
    bool fx = std::isfinite(std::abs(x)), fy = std::isfinite(std::abs(y));
    if (fx != fy) return false;
    if (!fx) continue;
    if (!Close(x, y, tol)) return false;
    ++valid;
  }
  return !b->exceeded && valid >= (constant ? 1 : 3);
}

// What Math-Verify's LaTeX extraction reads of one side: the math of one
// $..$ group (text around it dropped), else the text without its $ signs;
// unicode symbols as commands; "28 percent" as 28\%.
std::string LatexSource(std::string_view s) {
  std::string r;
  size_t open = s.find('$'), b = s.find_first_not_of('$', open == std::string_view::npos ? s.size() : open);
  size_t close = b == std::string_view::npos ? b : s.find('$', b);
  size_t after = close == std::string_view::npos ? close : s.find_first_not_of('$', close);
  if (close != std::string_view::npos && (after == std::string_view::npos || s.find('$', after) == std::string_view::npos))
    r = std::string(s.substr(b, close - b));
  else
    for (char c : s)
      if (c != '$') r += c;
  r = UnicodeToLatex(r);
  if (r.find("percent") == std::string::npos && r.find("pct") == std::string::npos) return r;
  static const std::regex kPercentWord(" *\\b(percentage|percent|pct)\\b");
  return std::regex_replace(r, kPercentWord, "\\%");
}

bool Parse(std::string_view s, Dialect d, Tree* t, Budget* b) {
  if (s.size() > kMaxChars) return false;
  std::string text;
  if (d == Dialect::kLatex) {
    if (!LatexToText(LatexSource(s), &text, 0)) return false;
    static const std::regex kMixed("(^|[^0-9A-Za-z_.)])([0-9]+) +([0-9]+)/([0-9]+)");
    if (text.find('/') != std::string::npos && text.find(' ') != std::string::npos)
      text = std::regex_replace(text, kMixed, "$1($2+$3/$4)");  // 4 4/9 = 40/9
    s = text;
  }
  Parser p{s, d, t, b, 0, 0, -1, {}};
  t->root = p.Top();
  p.Skip();
  return t->root >= 0 && p.i == s.size() && !b->exceeded;
}

// A decimal literal, possibly negated (a sympy Float atom).
bool FloatAtom(const Tree& t, int i) {
  const auto* n = &t.at(i);
  if (n->kind == Kind::kNeg) n = &t.at(n->kids[0]);
  return n->kind == Kind::kNum && n->decimal;
}

// round(x, 6) of an exact rational, half away from zero.
mpq_class Round6(const mpq_class& x) {
  mpq_class scaled = x * 1000000 + (x < 0 ? mpq_class(-1, 2) : mpq_class(1, 2));
  mpz_class q = scaled.get_num() / scaled.get_den();  // truncates toward zero
  return mpq_class(q, 1000000);
}

// sympy_expr_eq for two scalars: numbers rounded to 6 places when one side is
// a decimal literal and both are rational; else equal values (15 digits; here
// exact or within 1e-12) or equal functions.
bool MvScalarEq(const Tree& g, int gi, const Tree& p, int pi, Budget* b) {
  mpq_class x, y;
  if ((FloatAtom(g, gi) || FloatAtom(p, pi)) && EvalExact(g, gi, &x, b) && EvalExact(p, pi, &y, b))
    return x == y || Round6(x) == Round6(y);
  return SameFunction(g, gi, p, pi, 1e-12, b);
}

bool MvEqual(Tree& g, int gi, Tree& p, int pi, Budget* b, int depth);
bool SameTree(const Tree& g, int gi, const Tree& p, int pi);

// lhs - rhs of a relation, as a new node of t.
int Difference(Tree& t, int rel, bool flip) {
  int l = t.at(rel).kids[0], r = t.at(rel).kids[1];
  if (flip) std::swap(l, r);
  int neg = t.Add(Kind::kNeg, {}, {r});
  return t.Add(Kind::kAdd, {}, {l, neg});
}

// is_expr_of_only_symbols: a name, or products, quotients and tuples of names.
bool OnlyNames(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kSym) return true;
  if (n.kind != Kind::kMul && n.kind != Kind::kDiv && n.kind != Kind::kTuple) return false;
  return std::all_of(n.kids.begin(), n.kids.end(), [&](int k) { return OnlyNames(t, k); });
}

bool HasSymbols(const Tree& t, int i) {
  std::vector<std::string> syms;
  CollectSymbols(t, i, &syms);
  return !syms.empty();
}

// Relational.as_set for a relation with constant other sides (function calls
// such as f(x) read as one symbol, as unwrap_fcs does): x < c, c <= x,
// a < x <= b; -1 when it is not one.
int RelationInterval(Tree& t, int rel) {
  const Node n = t.at(rel);
  std::string o1 = n.s, o2;
  size_t bar = o1.find('|');
  if (bar != std::string::npos) o2 = o1.substr(bar + 1), o1 = o1.substr(0, bar);
  auto less = [](const std::string& o) { return o[0] == '<'; };
  auto closed = [](const std::string& o) { return o.size() == 2; };
  if (o1 == "=" || o1 == "!=" || (!o2.empty() && less(o1) != less(o2))) return -1;
  int inf = t.Add(Kind::kConst, "inf"), ninf = t.Add(Kind::kNeg, {}, {inf});
  int lo = ninf, hi = inf;
  std::string br = "()";
  if (n.kids.size() == 3) {
    if (!HasSymbols(t, n.kids[1]) || HasSymbols(t, n.kids[0]) || HasSymbols(t, n.kids[2])) return -1;
    bool up = less(o1);
    lo = n.kids[up ? 0 : 2], hi = n.kids[up ? 2 : 0];
    br = {closed(up ? o1 : o2) ? '[' : '(', closed(up ? o2 : o1) ? ']' : ')'};
  } else {
    bool name_left = HasSymbols(t, n.kids[0]) && !HasSymbols(t, n.kids[1]);
    bool name_right = HasSymbols(t, n.kids[1]) && !HasSymbols(t, n.kids[0]);
    if (!name_left && !name_right) return -1;
    int c = n.kids[name_left ? 1 : 0];
    bool upper = less(o1) == name_left;  // x < c or c > x: c is the upper end
    (upper ? hi : lo) = c;
    br = upper ? std::string{'(', closed(o1) ? ']' : ')'} : std::string{closed(o1) ? '[' : '(', ')'};
  }
  return t.Add(Kind::kInterval, br, {lo, hi});
}

bool IsEq(const Tree& t, int i) { return t.at(i).kind == Kind::kRel && t.at(i).s == "="; }

// x / y at random points, when it is one non-zero constant (the differences of
// two relations with the same solutions, as solve() would find them).
bool ConstantRatio(const Tree& g, int gi, const Tree& p, int pi, Budget* b, double* ratio) {
  std::vector<std::string> syms;
  CollectSymbols(g, gi, &syms);
  CollectSymbols(p, pi, &syms);
  if (syms.empty() || syms.size() > kMaxSymbols) return false;
  Env env;
  for (const auto& name : syms) env.push_back({name, C(0, 0)});
  int valid = 0;
  for (uint64_t k = 0; k < 6 && !b->exceeded; ++k) {
    RngStream rng(0x4870745f72617469ULL, {k});
    for (auto& [name, v] : env) v = C((rng.NextU64() & 1 ? -1 : 1) * (0.5 + 1.5 * rng.Uniform()), 0);
    C x = EvalNumeric(g, gi, env, b), y = EvalNumeric(p, pi, env, b);
    if (!std::isfinite(std::abs(x)) || !std::isfinite(std::abs(y)) || std::abs(y) < 1e-9) continue;
    C r = x / y;
    if (std::abs(r.imag()) > 1e-9 * std::abs(r) || std::abs(r) < 1e-12) return false;
    if (valid > 0 && !Close(r, C(*ratio, 0), 1e-9)) return false;
    *ratio = r.real();
    ++valid;
  }
  return !b->exceeded && valid >= 3;
}

// sympy_compare_relational: the same (or mirrored) relation with equal side
// differences; else, as its solve-and-compare step finds for such relations,
// differences in a constant ratio (positive for inequalities).
bool MvRelations(Tree& g, int gi, Tree& p, int pi, Budget* b) {
  static const std::vector<std::pair<std::string, std::string>> kFlip = {
      {"<", ">"}, {">", "<"}, {"<=", ">="}, {">=", "<="}, {"=", "="}, {"!=", "!="}};
  const std::string go = g.at(gi).s, po = p.at(pi).s;
  if (g.at(gi).kids.size() == 3 || p.at(pi).kids.size() == 3) {  // chains: the same ops, side by side
    if (go != po || g.at(gi).kids.size() != p.at(pi).kids.size()) return false;
    for (size_t k = 0; k < 3; ++k)
      if (!MvScalarEq(g, g.at(gi).kids[k], p, p.at(pi).kids[k], b)) return false;
    return true;
  }
  bool mirrored = false;
  for (const auto& [x, y] : kFlip) mirrored |= go == x && po == y;
  if (go != po && !mirrored) return false;
  int gd = Difference(g, gi, false), pd = Difference(p, pi, go != po);
  if (MvScalarEq(g, gd, p, pd, b)) return true;
  if (go == po && mirrored && MvScalarEq(g, gd, p, Difference(p, pi, true), b)) return true;  // = and !=
  double ratio = 0;
  return ConstantRatio(g, gd, p, pd, b, &ratio) && (go == "=" || go == "!=" || ratio > 0);
}

// Items in sympy's canonical order: by value (tuples by their items' values),
// as written when some item has no constant value.
std::vector<int> Ordered(const Tree& t, std::vector<int> items, Budget* b) {
  std::vector<std::pair<std::vector<double>, int>> keyed;
  for (int k : items) {
    int v = IsEq(t, k) && OnlyNames(t, t.at(k).kids[0]) ? t.at(k).kids[1] : k;
    std::vector<int> leaves = IsScalar(t, v) ? std::vector<int>{v} : t.at(v).kids;
    std::vector<double> key;
    for (int leaf : leaves) {
      C z = IsScalar(t, leaf) ? EvalNumeric(t, leaf, {}, b) : C(NAN, 0);
      if (!std::isfinite(z.real())) return items;
      key.push_back(z.real());
    }
    keyed.push_back({key, k});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  for (size_t k = 0; k < keyed.size(); ++k) items[k] = keyed[k].second;
  return items;
}

// A FiniteSet holds each element once.
std::vector<int> Distinct(const Tree& t, const std::vector<int>& items) {
  std::vector<int> out;
  for (int k : items)
    if (std::none_of(out.begin(), out.end(), [&](int o) { return SameTree(t, o, t, k); })) out.push_back(k);
  return out;
}

// sympy_compare_sets / sympy_deep_compare_set_and_tuple / sympy_compare_interval.
bool MvCollections(Tree& g, int gi, Tree& p, int pi, Budget* b, int depth) {
  auto items = [](const Tree& t, int i) {
    return IsScalar(t, i) || t.at(i).kind == Kind::kRel ? std::vector<int>{i} : t.at(i).kids;
  };
  std::vector<int> ga = items(g, gi), pa = items(p, pi);
  Kind gk = g.at(gi).kind, pk = p.at(pi).kind;
  if (gk == Kind::kList) ga = Distinct(g, ga);
  if (pk == Kind::kList) pa = Distinct(p, pa);
  if (ga.size() != pa.size()) return false;
  bool g_set = gk == Kind::kList || IsScalar(g, gi), p_set = pk == Kind::kList || IsScalar(p, pi);
  if (!g_set && !p_set && ga.size() == 2) {
    bool g_int = g.at(gi).s != "()" || gk == Kind::kInterval, p_int = p.at(pi).s != "()" || pk == Kind::kInterval;
    if ((g_int || p_int) && g.at(gi).s != p.at(pi).s) return false;  // brackets of intervals
  }
  if (g_set) {
    ga = Ordered(g, ga, b);
    pa = Ordered(p, pa, b);
  }
  for (size_t k = 0; k < ga.size(); ++k)
    if (!MvEqual(g, ga[k], p, pa[k], b, depth + 1)) return false;
  return true;
}

// sympy_str_eq: the same tree.
bool SameTree(const Tree& g, int gi, const Tree& p, int pi) {
  const Node &x = g.at(gi), &y = p.at(pi);
  if (x.kind != y.kind || x.s != y.s || x.kids.size() != y.kids.size()) return false;
  for (size_t k = 0; k < x.kids.size(); ++k)
    if (!SameTree(g, x.kids[k], p, y.kids[k])) return false;
  return true;
}

// Unions: the same parts in any order; matrices: the same shape, element-wise.
bool MvUnionOrMatrix(Tree& g, int gi, Tree& p, int pi, Budget* b, int depth) {
  const Node gn = g.at(gi), pn = p.at(pi);
  if (gn.kind != pn.kind || gn.kids.size() != pn.kids.size()) return false;
  if (gn.kind == Kind::kMatrix) {
    for (size_t r = 0; r < gn.kids.size(); ++r) {
      const Node gr = g.at(gn.kids[r]), pr = p.at(pn.kids[r]);
      if (gr.kids.size() != pr.kids.size()) return false;
      for (size_t c = 0; c < gr.kids.size(); ++c)
        if (!MvEqual(g, gr.kids[c], p, pr.kids[c], b, depth + 1)) return false;
    }
    return true;
  }
  std::vector<bool> used(pn.kids.size(), false);
  for (int gk : gn.kids) {
    bool found = false;
    for (size_t k = 0; k < pn.kids.size() && !found; ++k)
      if (!used[k] && MvEqual(g, gk, p, pn.kids[k], b, depth + 1)) used[k] = found = true;
    if (!found) return false;
  }
  return true;
}

bool IsSet(const Tree& t, int i) {
  Kind k = t.at(i).kind;
  return k == Kind::kInterval || k == Kind::kList || k == Kind::kUnion || (k == Kind::kTuple && t.at(i).kids.size() == 2);
}

bool MvEqual(Tree& g, int gi, Tree& p, int pi, Budget* b, int depth) {
  if (depth > kMaxDepth || b->exceeded) return false;
  bool g_assign = IsEq(g, gi) && OnlyNames(g, g.at(gi).kids[0]);
  bool g_eq = IsEq(g, gi), p_eq = IsEq(p, pi);
  if (p_eq && !g_eq) pi = p.at(pi).kids[1];
  else if (g_assign && !p_eq) gi = g.at(gi).kids[1];
  if (SameTree(g, gi, p, pi)) return true;
  bool g_rel = g.at(gi).kind == Kind::kRel, p_rel = p.at(pi).kind == Kind::kRel;
  if (g_rel && IsSet(p, pi)) {  // 1 < x < 2 against an interval (sympy_expr_eq:666-672)
    int as_set = RelationInterval(g, gi);
    if (as_set < 0) return false;
    gi = as_set;
    g_rel = false;
  }
  if (g_rel && p_rel) return MvRelations(g, gi, p, pi, b);
  if (g_rel || p_rel) return false;
  Kind gk = g.at(gi).kind, pk = p.at(pi).kind;
  if (gk == Kind::kUnion || pk == Kind::kUnion || gk == Kind::kMatrix || pk == Kind::kMatrix)
    return MvUnionOrMatrix(g, gi, p, pi, b, depth);
  if (!IsScalar(g, gi) || !IsScalar(p, pi)) return MvCollections(g, gi, p, pi, b, depth);
  return MvScalarEq(g, gi, p, pi, b);
}

}  // namespace

bool ParseAnswer(std::string_view s, Dialect d, Tree* t, Budget* b) { return Parse(s, d, t, b); }

bool SympyDiffIsZero(std::string_view gold, std::string_view pred, Budget* b) {
  Tree g, p;
  if (!Parse(gold, Dialect::kSympyText, &g, b) || !Parse(pred, Dialect::kSympyText, &p, b)) return false;
  return SameFunction(g, g.root, p, p.root, 1e-10, b);
}

bool MathVerifyEqual(std::string_view gold, std::string_view pred, Budget* b) {
  Tree g, p;
  if (!Parse(gold, Dialect::kLatex, &g, b) || !Parse(pred, Dialect::kLatex, &p, b)) return false;
  return MvEqual(g, g.root, p, p.root, b, 0);
}

}  // namespace upt::verifiers::hpt
