// Recursive-descent parser from normalised LaTeX / plain-text math to a Tree.
// Grammar (loosest first):
//   top     := union (',' union)*                 bare list -> kList
//   union   := rel ('\cup' rel)*
//   rel     := sum (relop sum)*
//   sum     := term (('+' | '-' | '\pm') term)*
//   term    := unary (('*' | '/' | '\cdot' | '\times' | '\div') unary | implicit factor)*
//   unary   := ('-' | '+') unary | power
//   power   := postfix ('^' exponent)?
//   postfix := primary ('!' | '_' subscript)*
// Depth is bounded (kMaxDepth) and every node charges the Budget, so nested
// or huge inputs end in a clean failure instead of a stack overflow.
#include <cctype>
#include <cstring>
#include <string>
#include <string_view>

#include "verifiers/expr.h"
#include "verifiers/parse_sets.h"

namespace upt::verifiers {
namespace {

constexpr int kMaxDepth = 120;
constexpr size_t kMaxNumberDigits = 5000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

constexpr const char* kFunctions[] = {
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "ln", "log", "exp", "sqrt", "abs", "floor", "ceil", "binom", "max", "min", "gcd",
    "lcm", "asin", "acos", "atan", "arccot"};

bool IsFunctionName(std::string_view n) {
  for (const char* f : kFunctions)
    if (n == f) return true;
  return false;
}

class Parser {
 public:
  Parser(std::string_view s, Tree* t, Budget* b) : s_(s), t_(t), b_(b) {}

  bool Run() {
    int r = Top();
    Skip();
    if (r < 0 || failed_ || pos_ != s_.size()) return false;
    t_->root = r;
    return true;
  }

 private:
  // ---- lexing helpers ----
  void Skip() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  bool AtEnd() { Skip(); return pos_ >= s_.size(); }
  char Peek() { Skip(); return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool Eat(char c) {
    if (Peek() == c) { ++pos_; return true; }
    return false;
  }
  // '!' as a factorial, not the start of "!=".
  bool EatFactorial() {
    if (Peek() != '!' || (pos_ + 1 < s_.size() && s_[pos_ + 1] == '=')) return false;
    ++pos_;
    return true;
  }
  // A backslash command name at pos_ (without consuming), e.g. "frac".
  std::string_view PeekCommand() {
    Skip();
    if (pos_ >= s_.size() || s_[pos_] != '\\') return {};
    size_t j = pos_ + 1;
    while (j < s_.size() && IsAlpha(s_[j])) ++j;
    if (j == pos_ + 1 && j < s_.size()) ++j;  // "\{", "\}", "\|"
    return s_.substr(pos_ + 1, j - pos_ - 1);
  }
  bool EatCommand(std::string_view name) {
    if (PeekCommand() != name) return false;
    pos_ += 1 + name.size();
    return true;
  }
  int Fail() { failed_ = true; return -1; }
  int Make(Kind k, std::string s = {}, std::vector<int> kids = {}) {
    if (!b_->Charge(1)) return Fail();
    return t_->Add(k, std::move(s), std::move(kids));
  }

  struct Depth {
    Parser* p;
    explicit Depth(Parser* q) : p(q) { ++p->depth_; }
    ~Depth() { --p->depth_; }
    bool ok() const { return p->depth_ <= kMaxDepth; }
  };

  // ---- grammar ----
  int Top() {
    int first = Union();
    if (first < 0) return -1;
    if (Peek() != ',') return first;
    std::vector<int> items{first};
    while (Eat(',')) {
      int x = Union();
      if (x < 0) return -1;
      items.push_back(x);
    }
    return Make(Kind::kList, {}, std::move(items));
  }

  int Union() {
    int first = Rel();
    if (first < 0) return -1;
    if (PeekCommand() != "cup") return first;
    std::vector<int> parts{first};
    while (EatCommand("cup")) {
      int x = Rel();
      if (x < 0) return -1;
      parts.push_back(x);
    }
    return Make(Kind::kUnion, {}, std::move(parts));
  }

  std::string RelOp() {
    Skip();
    if (pos_ >= s_.size()) return {};
    if (s_.compare(pos_, 2, "<=") == 0 || s_.compare(pos_, 2, ">=") == 0 ||
        s_.compare(pos_, 2, "!=") == 0) {
      std::string op(s_.substr(pos_, 2));
      pos_ += 2;
      return op;
    }
    char c = s_[pos_];
    if (c == '=' || c == '<' || c == '>') { ++pos_; return std::string(1, c); }
    std::string_view cmd = PeekCommand();
    const char* op = cmd == "le" || cmd == "leqq" ? "<=" : cmd == "ge" || cmd == "geqq" ? ">="
                   : cmd == "lt" ? "<" : cmd == "gt" ? ">" : cmd == "ne" ? "!="
                   : cmd == "approx" || cmd == "equiv" ? "=" : nullptr;
    if (!op) return {};
    pos_ += 1 + cmd.size();
    return op;
  }

  int Rel() {
    Depth d(this);
    if (!d.ok()) return Fail();
    int lhs = Ratio();
    if (lhs < 0) return -1;
    for (;;) {
      size_t at = pos_;
      std::string op = RelOp();
      if (op.empty()) return lhs;
      bool approx = s_.substr(at, pos_ - at).find("approx") != std::string_view::npos;
      int rhs = Ratio();
      if (rhs < 0) return -1;
      // "\frac{9.5}{3.14159} \approx 3.01": a closed form and its rounding,
      // op "~" (either side states the answer; equiv.cpp ApproxEq).
      if (approx && SymbolFree(*t_, lhs)) op = "~";
      size_t after = pos_;  // a chain "1 \le |z| \le 2" is read whole (parse_sets.h)
      bool chain = !RelOp().empty();
      pos_ = after;
      int set = chain ? -1 : AbsInequalitySet(t_, b_, lhs, op, rhs);
      if (set >= 0) return set;
      lhs = Make(Kind::kRel, op, {lhs, rhs});
      if (lhs < 0) return -1;
    }
  }

  // "3:4", "1:2:3", "S_1:S_2": a ratio, kTuple with s ":" (compared only
  // with ratios, equiv.cpp RatioEq).
  int Ratio() {
    int first = Sum();
    if (first < 0 || Peek() != ':') return first;
    std::vector<int> parts{first};
    while (Eat(':')) {
      int x = Sum();
      if (x < 0) return -1;
      parts.push_back(x);
    }
    return Make(Kind::kTuple, ":", std::move(parts));
  }

  int Sum() {
    int acc = Term();
    if (acc < 0) return -1;
    std::vector<int> terms{acc};
    for (;;) {
      if (Eat('+')) {
        int x = Term();
        if (x < 0) return -1;
        terms.push_back(x);
      } else if (Peek() == '-') {
        ++pos_;
        int x = Term();
        if (x < 0) return -1;
        terms.push_back(Make(Kind::kNeg, {}, {x}));
      } else if (EatCommand("pm") || EatCommand("mp")) {
        int a = terms.size() == 1 ? terms[0] : Make(Kind::kAdd, {}, terms);
        int x = Term();
        if (x < 0 || a < 0) return -1;
        terms = {Make(Kind::kPm, {}, {a, x})};
      } else {
        break;
      }
    }
    return terms.size() == 1 ? terms[0] : Make(Kind::kAdd, {}, std::move(terms));
  }

  bool StartsFactor() {
    char c = Peek();
    if (c == '\0') return false;
    if (IsDigit(c) || IsAlpha(c) || c == '(' || c == '{' || c == '.') return true;
    if (c == '\\') {
      std::string_view cmd = PeekCommand();
      if (cmd == "cdot" || cmd == "times" || cmd == "div" || cmd == "cup" || cmd == "pm" ||
          cmd == "mp" || cmd == "}" || cmd == "le" || cmd == "ge" || cmd == "ne" || cmd == "lt" ||
          cmd == "gt" || cmd == "end" || cmd == "\\" || cmd == "approx" || cmd == "equiv" ||
          cmd == "leqq" || cmd == "geqq" || cmd == "rfloor" || cmd == "rceil" || cmd.empty())
        return false;
      return true;
    }
    return false;
  }

  int Term() {
    int first = Unary();
    if (first < 0) return -1;
    std::vector<int> factors{first};
    for (;;) {
      if (Eat('*') || EatCommand("cdot") || EatCommand("times")) {
        int x = Unary();
        if (x < 0) return -1;
        factors.push_back(x);
      } else if (Eat('/') || EatCommand("div")) {
        int x = Unary();
        if (x < 0) return -1;
        int num = factors.size() == 1 ? factors[0] : Make(Kind::kMul, {}, factors);
        factors = {Make(Kind::kDiv, {}, {num, x})};
      } else if (StartsFactor()) {
        int x = Power();
        if (x < 0) return -1;
        factors.push_back(x);
      } else {
        break;
      }
    }
    return factors.size() == 1 ? factors[0] : Make(Kind::kMul, {}, std::move(factors));
  }

  int Unary() {
    Depth d(this);
    if (!d.ok()) return Fail();
    if (Eat('-')) {
      int x = Unary();
      return x < 0 ? -1 : Make(Kind::kNeg, {}, {x});
    }
    if (Eat('+')) return Unary();
    if (EatCommand("pm") || EatCommand("mp")) {  // "\pm 2021" = the pair {2021, -2021}
      int x = Unary(), zero = Make(Kind::kNum, "0");
      return x < 0 || zero < 0 ? -1 : Make(Kind::kPm, {}, {zero, x});
    }
    return Power();
  }

  int Power() {
    Depth d(this);
    if (!d.ok()) return Fail();
    int base = Postfix();
    if (base < 0) return -1;
    if (!Eat('^')) return base;
    int exp = Argument(/*allow_sign=*/true);
    if (exp < 0) return -1;
    int p = Make(Kind::kPow, {}, {base, exp});
    // x^2! is rare; allow a postfix factorial on the power.
    while (p >= 0 && EatFactorial()) p = Make(Kind::kFact, {}, {p});
    return p;
  }

  // A single argument: a {group}, a single digit, a letter, or a command atom.
  int Argument(bool allow_sign) {
    Depth d(this);
    if (!d.ok()) return Fail();
    char c = Peek();
    if (c == '{') {
      ++pos_;
      int x = Top();
      if (x < 0 || !Eat('}')) return Fail();
      return x;
    }
    if (allow_sign && c == '-') {
      ++pos_;
      int x = Argument(false);
      return x < 0 ? -1 : Make(Kind::kNeg, {}, {x});
    }
    if (IsDigit(c)) {
      // "^12" and "\frac12" take one digit in LaTeX; "^12" in plain text means 12.
      size_t j = pos_;
      while (j < s_.size() && IsDigit(s_[j])) ++j;
      size_t len = allow_sign ? j - pos_ : 1;
      int n = Make(Kind::kNum, std::string(s_.substr(pos_, len)));
      pos_ += len;
      return n;
    }
    return Postfix();
  }

  int Postfix() {
    int x = Primary();
    for (;;) {
      if (x < 0) return -1;
      if (EatFactorial()) {
        x = Make(Kind::kFact, {}, {x});
      } else if (Peek() == '_') {
        ++pos_;
        x = Subscript(x);
      } else if (Peek() == '\'' ) {
        ++pos_;  // y' as a distinct symbol
        if (t_->at(x).kind != Kind::kSym) return Fail();
        t_->nodes[static_cast<size_t>(x)].s += "'";
      } else if (size_t n = StarMark(); n > 0 && t_->at(x).kind == Kind::kSym) {
        pos_ += n;  // x^* (an optimum, a conjugate) is a distinct symbol, as y' is
        t_->nodes[static_cast<size_t>(x)].s += "^*";
      } else {
        return x;
      }
    }
  }

  // Length of a star superscript at pos_ ("^*", "^{*}", "^\\ast", "^{\\ast}"), else 0.
  size_t StarMark() const {
    for (std::string_view m : {"^*", "^{*}", "^\\ast", "^{\\ast}"})
      if (s_.substr(pos_, m.size()) == m) return m.size();
    return 0;
  }

  // x_1 -> symbol "x_1"; 52_8 -> text "52_8" (a numeral in base 8).
  int Subscript(int base) {
    Skip();
    size_t b = pos_;
    std::string sub;
    if (pos_ < s_.size() && s_[pos_] == '{') {
      int depth = 0;
      size_t j = pos_;
      for (; j < s_.size(); ++j) {
        if (s_[j] == '{') ++depth;
        else if (s_[j] == '}' && --depth == 0) break;
      }
      if (j >= s_.size()) return Fail();
      sub = std::string(s_.substr(b + 1, j - b - 1));
      pos_ = j + 1;
    } else if (pos_ < s_.size() && s_[pos_] == '\\') {
      std::string_view cmd = PeekCommand();
      sub = "\\" + std::string(cmd);
      pos_ += 1 + cmd.size();
    } else if (pos_ < s_.size()) {
      sub = std::string(1, s_[pos_++]);
    } else {
      return Fail();
    }
    std::string clean;
    for (char c : sub)
      if (c != ' ') clean += c;
    ::upt::verifiers::Node& n = t_->nodes[static_cast<size_t>(base)];
    if (n.kind == Kind::kNum) return Make(Kind::kText, n.s + "_" + clean);
    if (n.kind == Kind::kSym) { n.s += "_" + clean; return base; }
    if (n.kind == Kind::kFunc && n.s == "log" && n.kids.empty()) {
      // \log_b x : parse the base, keep it as a pending second argument.
      Parser p(clean, t_, b_);
      int base_node = p.Top();
      p.Skip();
      if (base_node < 0 || p.failed_ || p.pos_ != clean.size()) return Fail();
      t_->nodes[static_cast<size_t>(base)].kids.push_back(base_node);
      return base;
    }
    return Fail();
  }

  // "{123}" or a single digit at *k (advancing it); empty when neither.
  std::string_view DigitArg(size_t* k) {
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

  int Number() {
    size_t j = pos_;
    while (j < s_.size() && IsDigit(s_[j])) ++j;
    bool decimal = false;
    if (j < s_.size() && s_[j] == '.' && (j + 1 >= s_.size() || !IsAlpha(s_[j + 1]) ||
                                          s_[j + 1] == 'e')) {
      decimal = true;
      ++j;
      while (j < s_.size() && IsDigit(s_[j])) ++j;
    }
    if (j == pos_ + 1 && s_[pos_] == '.') return Fail();
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

  // "4 4/9" = 40/9: an integer, spaces, then a proper fraction of integer
  // literals ending the operand. "11 6/6" and "4 9/0" are not numbers (Fail).
  int SpacedMixed(int whole) {
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

  // ( ... ), [ ... ]: a group, a tuple, or an interval.
  int Bracketed(char open) {
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

  int Matrix(std::string_view env) {
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
    return Make(Kind::kMatrix, {}, std::move(rows));
  }

  int Command() {
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

  // An unbracketed function argument that starts with a number takes the single
  // letters and Greek letters glued to it, as latex2sympy reads them: \cos 2x =
  // cos(2x), \sin 3\theta = sin(3θ); \sin x y and \sin 2 \cos x keep their
  // one-factor argument.
  int CoefficientArgument(int arg) {
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

  // sin x, \sin(x), \sin^2 x, \log_2 8, \ln 2, sqrt(x).
  int FunctionApp(std::string name) {
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

  int Primary() {
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

  std::string_view s_;
  Tree* t_;
  Budget* b_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
};

}  // namespace

bool Parse(std::string_view normalized, Tree* tree, Budget* budget) {
  tree->nodes.clear();
  tree->root = -1;
  if (normalized.empty()) return false;
  Parser p(normalized, tree, budget);
  return p.Run();
}

}  // namespace upt::verifiers
