// Internal to verifiers/parse.cpp (grammar levels) and parse_atoms.cpp
// (numbers, brackets, commands, functions): the recursive-descent parser from
// normalised LaTeX / plain-text math to a Tree (verifiers/expr.h Parse).
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
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "verifiers/expr.h"

namespace upt::verifiers::parse_detail {

constexpr int kMaxDepth = 120;
constexpr size_t kMaxNumberDigits = 5000;

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// sin, cos, ..., lcm: names read as function applications.
bool IsFunctionName(std::string_view n);

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

  // ---- grammar (parse.cpp) ----
  int Top();
  int Union();
  std::string RelOp();
  int Rel();
  // "3:4", "1:2:3", "S_1:S_2": a ratio, kTuple with s ":" (compared only
  // with ratios, equiv.cpp RatioEq).
  int Ratio();
  int Sum();
  bool StartsFactor();
  int Term();
  int Unary();
  int Power();
  // A single argument: a {group}, a single digit, a letter, or a command atom.
  int Argument(bool allow_sign);
  int Postfix();
  // Length of a star superscript at pos_ ("^*", "^{*}", "^\\ast", "^{\\ast}"), else 0.
  size_t StarMark() const;
  // x_1 -> symbol "x_1"; 52_8 -> text "52_8" (a numeral in base 8).
  int Subscript(int base);

  // ---- atoms (parse_atoms.cpp) ----
  // "{123}" or a single digit at *k (advancing it); empty when neither.
  std::string_view DigitArg(size_t* k);
  int Number();
  // "4 4/9" = 40/9: an integer, spaces, then a proper fraction of integer
  // literals ending the operand. "11 6/6" and "4 9/0" are not numbers (Fail).
  int SpacedMixed(int whole);
  // ( ... ), [ ... ]: a group, a tuple, or an interval.
  int Bracketed(char open);
  int Matrix(std::string_view env);
  int Determinant(const std::vector<int>& rows);
  int Clone(int i);
  int Command();
  // An unbracketed function argument that starts with a number takes the single
  // letters and Greek letters glued to it, as latex2sympy reads them: \cos 2x =
  // cos(2x), \sin 3\theta = sin(3θ); \sin x y and \sin 2 \cos x keep their
  // one-factor argument.
  int CoefficientArgument(int arg);
  // sin x, \sin(x), \sin^2 x, \log_2 8, \ln 2, sqrt(x).
  int FunctionApp(std::string name);
  int Primary();

  std::string_view s_;
  Tree* t_;
  Budget* b_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
};

}  // namespace upt::verifiers::parse_detail
