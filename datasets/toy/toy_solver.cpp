// Parsing and solving toy problem texts (the teacher). Grammar:
//   arith/paren  "Q: " expr "= A:"
//   equation     "Q: " lhs "=" number " x= A:"   lhs in {x+a, x-a, a+x, a*x, a*x+b, a*x-b}
//   mc           "Q: " expr "= " ("L) " number " ")+ "A:"
// expr: numbers, + - *, and parentheses. Evaluation order: innermost groups first
// (left to right), within a group multiplications first, then left to right.
#include <set>

#include "core/error.h"
#include "core/strings.h"
#include "datasets/load.h"
#include "datasets/toy/toy_solver.h"
#include "datasets/toy/toy_world.h"

namespace upt::datasets::toy {

std::string ToyStep::Text() const {
  return std::to_string(a) + op + std::to_string(b) + "=" + std::to_string(result);
}

namespace detail {
namespace {

constexpr const char* kBoxed = "\\boxed{";

struct Token {
  char kind;  // 'n' number, 'x', or the operator / parenthesis character
  long long value = 0;
};

bool Tokenize(const std::string& s, std::vector<Token>* out, std::string* error) {
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      long long v = 0;
      size_t j = i;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9' && j - i < 6) v = v * 10 + (s[j++] - '0');
      if (j < s.size() && s[j] >= '0' && s[j] <= '9') return (*error = "number too long", false);
      out->push_back({'n', v});
      i = j;
    } else if (c == '+' || c == '-' || c == '*' || c == '(' || c == ')' || c == 'x') {
      out->push_back({c, 0});
      ++i;
    } else {
      *error = std::string("unexpected character '") + c + "'";
      return false;
    }
  }
  return true;
}

class Evaluator {
 public:
  Evaluator(std::vector<ToyStep>* steps, const SlipFn* slip) : steps_(steps), slip_(slip) {}

  // Applies one step and records it; returns the written result.
  long long Apply(long long a, char op, long long b) {
    ToyStep s;
    s.a = a;
    s.b = b;
    s.op = op;
    constexpr long long kLimit = 1000000000;  // keeps every product far from overflow
    if (a > kLimit || a < -kLimit || b > kLimit || b < -kLimit) {
      ok_ = false;
      a = b = 0;
    }
    if (op == '+') s.result = a + b;
    else if (op == '-') s.result = a - b;
    else if (op == '*') s.result = a * b;
    else {
      if (b == 0 || a % b != 0) ok_ = false;
      s.result = b == 0 ? 0 : a / b;
    }
    if (slip_ && *slip_) {
      long long written = (*slip_)(s, steps_->size());
      s.slip = written != s.result;
      s.result = written;
    }
    steps_->push_back(s);
    return s.result;
  }

  // Evaluates tokens[begin, end); false on a syntax error.
  bool Eval(const std::vector<Token>& t, size_t begin, size_t end, long long* value) {
    std::vector<long long> vals;
    std::vector<char> ops;
    size_t i = begin;
    while (true) {
      if (i >= end) return false;
      if (t[i].kind == '(') {
        size_t depth = 0, j = i;
        for (; j < end; ++j) {
          if (t[j].kind == '(') ++depth;
          if (t[j].kind == ')' && --depth == 0) break;
        }
        if (j >= end) return false;
        long long v = 0;
        if (!Eval(t, i + 1, j, &v)) return false;
        vals.push_back(v);
        i = j + 1;
      } else if (t[i].kind == 'n') {
        vals.push_back(t[i++].value);
      } else {
        return false;
      }
      if (i == end) break;
      char op = t[i].kind;
      if (op != '+' && op != '-' && op != '*') return false;
      ops.push_back(op);
      ++i;
    }
    for (size_t k = 0; k < ops.size();) {
      if (ops[k] != '*') {
        ++k;
        continue;
      }
      vals[k] = Apply(vals[k], '*', vals[k + 1]);
      vals.erase(vals.begin() + k + 1);
      ops.erase(ops.begin() + k);
    }
    long long acc = vals[0];
    for (size_t k = 0; k < ops.size(); ++k) acc = Apply(acc, ops[k], vals[k + 1]);
    *value = acc;
    return true;
  }

  bool ok() const { return ok_; }

 private:
  std::vector<ToyStep>* steps_;
  const SlipFn* slip_;
  bool ok_ = true;
};

ToySolution Fail(std::string why) {
  ToySolution s;
  s.error = std::move(why);
  return s;
}

// lhs = rhs with x once: undo the operations outermost first.
bool SolveEquation(const std::vector<Token>& lhs, long long rhs, Evaluator& ev, long long* x) {
  auto is = [&](size_t i, char k) { return i < lhs.size() && lhs[i].kind == k; };
  if (lhs.size() == 3 && is(0, 'x') && is(2, 'n') && (is(1, '+') || is(1, '-'))) {
    *x = ev.Apply(rhs, is(1, '+') ? '-' : '+', lhs[2].value);
    return true;
  }
  if (lhs.size() == 3 && is(0, 'n') && is(2, 'x') && is(1, '+')) {
    *x = ev.Apply(rhs, '-', lhs[0].value);
    return true;
  }
  if (lhs.size() >= 3 && is(0, 'n') && is(1, '*') && is(2, 'x')) {
    long long r = rhs;
    if (lhs.size() == 5 && is(4, 'n') && (is(3, '+') || is(3, '-')))
      r = ev.Apply(rhs, is(3, '+') ? '-' : '+', lhs[4].value);
    else if (lhs.size() != 3)
      return false;
    *x = ev.Apply(r, '/', lhs[0].value);
    return true;
  }
  return false;
}

// Parses "A) 12 B) 7 ..." into values; false on a format error.
bool ParseChoices(const std::string& body, std::vector<long long>* values) {
  auto parts = Split(body, ' ');
  if (parts.size() % 2 != 0 || parts.size() < 4) return false;
  for (size_t i = 0; i < parts.size(); i += 2) {
    if (parts[i] != ChoiceLetter(i / 2) + ")") return false;
    long long v = 0;
    if (!ParseInt64(parts[i + 1], &v)) return false;
    values->push_back(v);
  }
  return true;
}

}  // namespace

ToySolution Solve(const std::string& text, const SlipFn* slip) {
  if (!StartsWith(text, "Q: ") || !EndsWith(text, " A:")) return Fail("not of the form 'Q: ... A:'");
  std::string body = text.substr(3, text.size() - 6);
  ToySolution sol;
  Evaluator ev(&sol.steps, slip);
  std::string error;
  std::vector<long long> choices;
  if (EndsWith(body, " x=")) {
    std::string eq = body.substr(0, body.size() - 3);
    auto eqpos = eq.find('=');
    long long rhs = 0;
    std::vector<Token> lhs;
    if (eqpos == std::string::npos || !ParseInt64(eq.substr(eqpos + 1), &rhs) ||
        !Tokenize(eq.substr(0, eqpos), &lhs, &error) || !SolveEquation(lhs, rhs, ev, &sol.value))
      return Fail("not a toy equation: " + (error.empty() ? eq : error));
  } else {
    auto eqpos = body.find("=");
    if (eqpos == std::string::npos) return Fail("no '=' after the expression");
    std::string rest = body.substr(eqpos + 1);
    if (!rest.empty() && !ParseChoices(std::string(Trim(rest)), &choices)) return Fail("bad choice list");
    std::vector<Token> t;
    if (!Tokenize(body.substr(0, eqpos), &t, &error) || !ev.Eval(t, 0, t.size(), &sol.value))
      return Fail("not a toy expression" + (error.empty() ? std::string() : ": " + error));
  }
  if (!ev.ok()) return Fail("inexact division");
  sol.answer = std::to_string(sol.value);
  if (!choices.empty()) {
    int found = -1;
    for (size_t i = 0; i < choices.size(); ++i) {
      if (choices[i] != sol.value) continue;
      if (found >= 0) return Fail("the value appears twice among the choices");
      found = static_cast<int>(i);
    }
    if (found < 0) return Fail("no choice equals the value");
    sol.answer = ChoiceLetter(found);
  }
  for (const auto& s : sol.steps) sol.demonstration += s.Text() + " ";
  sol.demonstration += kBoxed + sol.answer + "}";
  sol.ok = true;
  return sol;
}

bool StepsInRange(const ToySolution& s, long long max_value) {
  auto in = [&](long long v) { return v >= 0 && v <= max_value; };
  for (const auto& st : s.steps)
    if (!in(st.a) || !in(st.b) || !in(st.result)) return false;
  return in(s.value);
}

std::string ArithPrompt(const std::string& expr) { return "Q: " + expr + "= A:"; }

}  // namespace detail

ToySolution TeacherSolution(const std::string& problem_text) { return detail::Solve(problem_text, nullptr); }
ToySolution TeacherSolution(const Problem& p) { return TeacherSolution(p.problem); }

std::string ToyAnswer(const std::string& problem_text) {
  ToySolution s = TeacherSolution(problem_text);
  return s.ok ? s.answer : std::string();
}

std::vector<std::string> ToyVocabularySymbols() {
  std::vector<std::string> v = {" ", "(", ")", "*", "+", "-", "/"};
  for (char c = '0'; c <= '9'; ++c) v.emplace_back(1, c);
  for (const char* s : {":", "=", "A", "B", "C", "D", "Q", "x", detail::kBoxed, "}"}) v.emplace_back(s);
  return v;
}

std::vector<std::string> ToySymbolize(const std::string& text) {
  static const std::set<std::string> single = [] {
    std::set<std::string> s;
    for (const auto& sym : ToyVocabularySymbols())
      if (sym.size() == 1) s.insert(sym);
    return s;
  }();
  const std::string boxed = detail::kBoxed;
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, boxed.size(), boxed) == 0) {
      out.push_back(boxed);
      i += boxed.size();
      continue;
    }
    std::string c(1, text[i]);
    if (!single.count(c))
      throw Error("character '" + c + "' is not in the toy vocabulary", "toy text at byte " + std::to_string(i),
                  "toy texts use digits, + - * / = ( ) : space, Q A B C D x, \\boxed{ and }");
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace upt::datasets::toy
