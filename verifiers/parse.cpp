// The grammar levels of the parser (verifiers/parser.h): lists, unions,
// relations, ratios, sums, terms, powers, postfixes and subscripts.
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/expr.h"
#include "verifiers/parse_sets.h"
#include "verifiers/parser.h"

namespace upt::verifiers {
namespace parse_detail {

int Parser::Top() {
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

int Parser::Union() {
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

std::string Parser::RelOp() {
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

int Parser::Rel() {
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

int Parser::Ratio() {
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

int Parser::Sum() {
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

bool Parser::StartsFactor() {
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

int Parser::Term() {
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

int Parser::Unary() {
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

int Parser::Power() {
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

int Parser::Argument(bool allow_sign) {
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

int Parser::Postfix() {
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

size_t Parser::StarMark() const {
  if (pos_ >= s_.size() || s_[pos_] != '^') return 0;
  for (std::string_view m : {"^*", "^{*}", "^\\ast", "^{\\ast}"})
    if (s_.substr(pos_, m.size()) == m) return m.size();
  return 0;
}

int Parser::Subscript(int base) {
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

}  // namespace parse_detail

bool Parse(std::string_view normalized, Tree* tree, Budget* budget) {
  tree->nodes.clear();
  tree->root = -1;
  if (normalized.empty()) return false;
  parse_detail::Parser p(normalized, tree, budget);
  return p.Run();
}

}  // namespace upt::verifiers
