// hpt_code's expression reader (verifiers/hpt_math.h ParseAnswer): sympy
// parse_expr text (verl recipe/entropy/reward_score/entropy_math/__init__.py
// @246cac4c _sympy_parse:701-707: standard transformations +
// implicit_multiplication_application) and the parser text of the LaTeX front
// end (verifiers/hpt_latex.cpp).
#include <cctype>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "verifiers/hpt_math.h"
#include "verifiers/hpt_read.h"

namespace upt::verifiers::hpt {
namespace {

constexpr size_t kMaxChars = 4000;

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

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

bool Parse(std::string_view s, Dialect d, Tree* t, Budget* b) {
  if (s.size() > kMaxChars) return false;
  std::string text;
  if (d == Dialect::kLatex) {
    if (!LatexToParserText(s, &text)) return false;
    s = text;
  }
  Parser p{s, d, t, b, 0, 0, -1, {}};
  t->root = p.Top();
  p.Skip();
  return t->root >= 0 && p.i == s.size() && !b->exceeded;
}

}  // namespace

bool ParseAnswer(std::string_view s, Dialect d, Tree* t, Budget* b) { return Parse(s, d, t, b); }

}  // namespace upt::verifiers::hpt
