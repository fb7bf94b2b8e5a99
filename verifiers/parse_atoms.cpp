// The atoms of the parser (verifiers/parser.h): numbers and mixed numbers,
// brackets, tuples and intervals, matrices, LaTeX commands, function
// applications and names.
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/expr.h"
#include "verifiers/parse_sets.h"
#include "verifiers/parser.h"

namespace upt::verifiers::parse_detail {
namespace {

constexpr const char* kFunctions[] = {
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "ln", "log", "exp", "sqrt", "abs", "floor", "ceil", "binom", "max", "min", "gcd",
    "lcm", "asin", "acos", "atan", "arccot"};

}  // namespace

bool IsFunctionName(std::string_view n) {
  for (const char* f : kFunctions)
    if (n == f) return true;
  return false;
}

std::string_view Parser::DigitArg(size_t* k) {
  size_t i = *k;
  while (i < s_.size() && s_[i] == ' ') ++i;
  if (i < s_.size() && IsDigit(s_[i])) {
    *k = i + 1;
    return s_.substr(i, 1);
  }
  if (i >= s_.size() || s_[i] != '{') return {};
  size_t j = i + 1;
  while (j < s_.size() && s_[j] == ' ') ++j;
  size_t b = j;
  while (j < s_.size() && IsDigit(s_[j])) ++j;
  size_t e = j;
  while (j < s_.size() && s_[j] == ' ') ++j;
  if (e == b || j >= s_.size() || s_[j] != '}') return {};
  *k = j + 1;
  return s_.substr(b, e - b);
}

int Parser::Number() {
  size_t j = pos_;
  while (j < s_.size() && IsDigit(s_[j])) ++j;
  bool decimal = false;
  if (j < s_.size() && s_[j] == '.' && (j + 1 >= s_.size() || !IsAlpha(s_[j + 1]) ||
                                        s_[j + 1] == 'e')) {
    decimal = true;
    ++j;
    while (j < s_.size() && IsDigit(s_[j])) ++j;
  }
  // "." alone, or a "." before a letter ("6.x" leaves ".x"): no number, and no progress.
  if (j == pos_ || (j == pos_ + 1 && s_[pos_] == '.')) return Fail();
  // Scientific notation "4.5e33", "1e-5" (an 'e' glued to digits).
  if (j < s_.size() && (s_[j] == 'e' || s_[j] == 'E')) {
    size_t k = j + 1;
    if (k < s_.size() && (s_[k] == '-' || s_[k] == '+')) ++k;
    if (k < s_.size() && IsDigit(s_[k])) {
      while (k < s_.size() && IsDigit(s_[k])) ++k;
      decimal = true;
      j = k;
    }
  }
  if (j - pos_ > kMaxNumberDigits) {
    b_->exceeded = true;
    return Fail();
  }
  int n = Make(Kind::kNum, std::string(s_.substr(pos_, j - pos_)));
  if (n >= 0) t_->nodes[static_cast<size_t>(n)].decimal = decimal;
  pos_ = j;
  // Mixed number "2\frac{1}{2}" = 5/2 (integer immediately followed by a numeric \frac).
  // Decided on the text (no backtracking): \frac{digits}{digits} or \frac dd.
  if (!decimal && n >= 0 && s_.compare(pos_, 5, "\\frac") == 0) {
    size_t k = pos_ + 5;
    std::string_view num = DigitArg(&k), den = DigitArg(&k);
    if (!num.empty() && !den.empty()) {
      pos_ = k;
      int a = Make(Kind::kNum, std::string(num)), b = Make(Kind::kNum, std::string(den));
      int f = Make(Kind::kDiv, {}, {a, b});
      return Make(Kind::kAdd, {}, {n, f});
    }
  }
  if (!decimal && n >= 0) return SpacedMixed(n);
  return n;
}

int Parser::SpacedMixed(int whole) {
  size_t k = pos_;
  if (k >= s_.size() || s_[k] != ' ') return whole;
  while (k < s_.size() && s_[k] == ' ') ++k;
  size_t nb = k;
  while (k < s_.size() && IsDigit(s_[k])) ++k;
  size_t ne = k;
  if (ne == nb || k >= s_.size() || s_[k] != '/') return whole;
  size_t db = ++k;
  while (k < s_.size() && IsDigit(s_[k])) ++k;
  size_t de = k;
  if (de == db || (k < s_.size() && (IsAlpha(s_[k]) || s_[k] == '.' || s_[k] == '^' ||
                                      s_[k] == '_' || s_[k] == '\\')))
    return whole;
  std::string_view num = s_.substr(nb, ne - nb), den = s_.substr(db, de - db);
  if (num.size() > 18 || den.size() > 18) return whole;
  if (std::stoull(std::string(num)) >= std::stoull(std::string(den))) return Fail();
  pos_ = de;
  int a = Make(Kind::kNum, std::string(num)), b = Make(Kind::kNum, std::string(den));
  return Make(Kind::kAdd, {}, {whole, Make(Kind::kDiv, {}, {a, b})});
}

int Parser::Bracketed(char open) {
  ++pos_;
  if (open == '(' && Peek() == ')') return Fail();
  int inner = Top();
  if (inner < 0) return -1;
  char close = Peek();
  if (close != ')' && close != ']') return Fail();
  ++pos_;
  const ::upt::verifiers::Node& n = t_->at(inner);
  if (n.kind != Kind::kList) {
    if (open == '[' && close == ']') return inner;  // [x] as grouping
    if (open != close - 1 && !(open == '(' && close == ')')) return Fail();
    return inner;
  }
  std::string br{open, close};
  if (n.kids.size() == 2 && br != "()") return Make(Kind::kInterval, br, n.kids);
  if (n.kids.size() == 2) return Make(Kind::kTuple, "()", n.kids);
  if (close != (open == '(' ? ')' : ']')) return Fail();
  return Make(Kind::kTuple, br, n.kids);
}

int Parser::Matrix(std::string_view env) {
  std::vector<int> rows;
  std::vector<int> row;
  for (;;) {
    int x = Sum();
    if (x < 0) return -1;
    row.push_back(x);
    if (Eat('&')) continue;
    if (EatCommand("\\")) {
      rows.push_back(Make(Kind::kTuple, "()", row));
      row.clear();
      if (PeekCommand() == "end") break;
      continue;
    }
    break;
  }
  if (!row.empty()) rows.push_back(Make(Kind::kTuple, "()", row));
  if (!EatCommand("end")) return Fail();
  Skip();
  std::string close = "{" + std::string(env) + "}";
  if (s_.compare(pos_, close.size(), close) != 0) return Fail();
  pos_ += close.size();
  if (env == "vmatrix") return Determinant(rows);
  return Make(Kind::kMatrix, {}, std::move(rows));
}

// A copy of the subtree at i (each node charged to the budget).
int Parser::Clone(int i) {
  int c = CopySubtree(t_, i, b_);
  return c < 0 ? Fail() : c;
}

// The bars of \begin{vmatrix} denote a determinant: a square matrix of at most
// 3 x 3 reads as its Leibniz expansion (sum over permutations of signed entry
// products). An entry used by a second term is a charged copy, never a shared
// node: nested determinants grow the tree, so the budget bounds them (tree
// walkers that charge nothing would otherwise revisit shared nodes 2^depth times).
// Larger or non-square bars are not parsed.
int Parser::Determinant(const std::vector<int>& rows) {
  const size_t n = rows.size();
  if (n == 0 || n > 3) return Fail();
  for (int r : rows)
    if (t_->at(r).kids.size() != n) return Fail();
  std::vector<size_t> perm(n);
  for (size_t i = 0; i < n; ++i) perm[i] = i;
  std::vector<int> terms;
  std::vector<bool> used(n * n, false);
  do {
    std::vector<int> factors;
    for (size_t i = 0; i < n; ++i) {
      int entry = t_->at(rows[i]).kids[perm[i]];
      if (!used[i * n + perm[i]]) {
        used[i * n + perm[i]] = true;
      } else if ((entry = Clone(entry)) < 0) {
        return -1;
      }
      factors.push_back(entry);
    }
    size_t inversions = 0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) inversions += perm[i] > perm[j];
    int term = n == 1 ? factors[0] : Make(Kind::kMul, {}, std::move(factors));
    if (term >= 0 && inversions % 2 == 1) term = Make(Kind::kNeg, {}, {term});
    if (term < 0) return -1;
    terms.push_back(term);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return n == 1 ? terms[0] : Make(Kind::kAdd, {}, std::move(terms));
}

int Parser::Command() {
  std::string_view cmd = PeekCommand();
  pos_ += 1 + cmd.size();
  if (cmd == "frac") {
    int a = Argument(false), b = Argument(false);
    if (a < 0 || b < 0) return -1;
    return Make(Kind::kDiv, {}, {a, b});
  }
  if (cmd == "binom") {
    int a = Argument(false), b = Argument(false);
    if (a < 0 || b < 0) return -1;
    return Make(Kind::kFunc, "binom", {a, b});
  }
  if (cmd == "sqrt") {
    int index = -1;
    if (Eat('[')) {
      index = Top();
      if (index < 0 || !Eat(']')) return Fail();
    }
    int x = Argument(false);
    if (x < 0) return -1;
    if (index < 0) return Make(Kind::kFunc, "sqrt", {x});
    int one = Make(Kind::kNum, "1");
    int inv = Make(Kind::kDiv, {}, {one, index});
    return Make(Kind::kPow, {}, {x, inv});
  }
  if (cmd == "pi") return Make(Kind::kConst, "pi");
  if (cmd == "infty" || cmd == "inf") return Make(Kind::kConst, "inf");
  if (cmd == "{") {
    if (EatCommand("}")) return Make(Kind::kList);  // \{\} = empty set
    int inner = Top();
    if (inner < 0 || !EatCommand("}")) return Fail();
    if (t_->at(inner).kind == Kind::kList) return inner;
    return Make(Kind::kList, {}, {inner});
  }
  if (cmd == "begin") {
    Skip();
    size_t e = s_.find('}', pos_);
    if (pos_ >= s_.size() || s_[pos_] != '{' || e == std::string_view::npos) return Fail();
    std::string_view env = s_.substr(pos_ + 1, e - pos_ - 1);
    pos_ = e + 1;
    if (env == "array") {  // \begin{array}{cc}: skip the column spec
      Skip();
      size_t spec = s_.find('}', pos_);
      if (pos_ >= s_.size() || s_[pos_] != '{' || spec == std::string_view::npos) return Fail();
      pos_ = spec + 1;
    } else if (env.find("matrix") == std::string_view::npos) {
      return Fail();
    }
    return Matrix(env);
  }
  if (cmd == "lfloor" || cmd == "lceil") {
    int x = Top();
    if (x < 0 || !(EatCommand("rfloor") || EatCommand("rceil"))) return Fail();
    return Make(Kind::kFunc, cmd == "lfloor" ? "floor" : "ceil", {x});
  }
  if (IsFunctionName(cmd) || cmd == "arcsec" || cmd == "arccsc") return FunctionApp(std::string(cmd));
  if (cmd.size() > 1 && IsAlpha(cmd[0])) return Make(Kind::kSym, "\\" + std::string(cmd));
  return Fail();
}

int Parser::CoefficientArgument(int arg) {
  if (t_->at(arg).kind != Kind::kNum) return arg;
  std::vector<int> factors{arg};
  for (;;) {
    const char c = Peek();
    bool variable = false;
    if (IsAlpha(c)) {
      variable = pos_ + 1 >= s_.size() || !IsAlpha(s_[pos_ + 1]);
    } else if (c == '\\') {
      static constexpr const char* kGreek[] = {"pi", "theta", "alpha", "beta", "gamma", "phi", "varphi", "omega", "tau"};
      const std::string_view cmd = PeekCommand();
      for (const char* g : kGreek) variable = variable || cmd == g;
    }
    if (!variable) break;
    const int x = Power();
    if (x < 0) return -1;
    factors.push_back(x);
  }
  return factors.size() == 1 ? arg : Make(Kind::kMul, {}, std::move(factors));
}

int Parser::FunctionApp(std::string name) {
  if (name == "asin") name = "arcsin";
  if (name == "acos") name = "arccos";
  if (name == "atan") name = "arctan";
  int f = Make(Kind::kFunc, name);
  if (f < 0) return -1;
  int power = -1;
  if (Peek() == '_' && name == "log") {
    ++pos_;
    if (Subscript(f) < 0) return -1;
  }
  if (Eat('^')) {
    power = Argument(true);
    if (power < 0) return -1;
  }
  int arg;
  if (Peek() == '(') {
    ++pos_;
    arg = Top();
    if (arg < 0 || !Eat(')')) return Fail();
    if (t_->at(arg).kind == Kind::kList) {  // max(a, b), gcd(a, b)
      std::vector<int> args = t_->at(arg).kids;
      t_->nodes[static_cast<size_t>(f)].kids = args;
      return power < 0 ? f : Make(Kind::kPow, {}, {f, power});
    }
  } else {
    arg = Power();
    if (arg < 0) return -1;
    arg = CoefficientArgument(arg);
    if (arg < 0) return -1;
  }
  ::upt::verifiers::Node& fn = t_->nodes[static_cast<size_t>(f)];
  fn.kids.insert(fn.kids.begin(), arg);  // log: {arg, base}
  return power < 0 ? f : Make(Kind::kPow, {}, {f, power});
}

int Parser::Primary() {
  Depth d(this);
  if (!d.ok()) return Fail();
  char c = Peek();
  if (c == '\0') return Fail();
  if (IsDigit(c) || c == '.') return Number();
  if (c == '(' || c == '[') return Bracketed(c);
  if (c == '{') {
    ++pos_;
    int x = Top();
    if (x < 0 || !Eat('}')) return Fail();
    return x;
  }
  if (c == '|') {
    ++pos_;
    int x = Sum();
    if (x < 0 || !Eat('|')) return Fail();
    return Make(Kind::kFunc, "abs", {x});
  }
  if (c == '\\') return Command();
  if (IsAlpha(c)) {
    // Plain-text function names ("sqrt(2)", "sin x", "exp(a*t)"); otherwise one letter.
    size_t j = pos_;
    while (j < s_.size() && IsAlpha(s_[j])) ++j;
    std::string_view word = s_.substr(pos_, j - pos_);
    if (IsFunctionName(word) || word == "pi" || word == "infty" || word == "oo") {
      pos_ = j;
      if (word == "pi") return Make(Kind::kConst, "pi");
      if (word == "infty" || word == "oo") return Make(Kind::kConst, "inf");
      return FunctionApp(std::string(word));
    }
    ++pos_;
    if (c == 'e' && !(pos_ < s_.size() && s_[pos_] == '_')) return Make(Kind::kConst, "e");
    return Make(Kind::kSym, std::string(1, c));
  }
  return Fail();
}

}  // namespace upt::verifiers::parse_detail
