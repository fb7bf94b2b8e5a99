// Internal: the math expression tree shared by the parser, the evaluators and
// the equivalence rules. Nodes live in an arena (indices, no pointers) so a
// parse is a handful of allocations; every stage charges a shared Budget.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace upt::verifiers {

// Work units spent by one comparison (parse nodes, arithmetic limbs, points
// evaluated). Exceeding the limit is sticky and turns into the verdict
// reason "budget_exceeded".
struct Budget {
  long long left = 200000;
  bool exceeded = false;
  int visits = 0;  // node visits of cheap tree walks not yet charged
  bool Charge(long long units) {
    left -= units;
    if (left < 0) exceeded = true;
    return !exceeded;
  }
  // One node visited by a read-only tree walk (symbols, decimals, infinities,
  // structural keys): a unit per kVisitsPerUnit visits, since such a visit
  // costs a few ns against a unit's ~250 ns (200000 units ~ 50 ms).
  static constexpr int kVisitsPerUnit = 8;
  bool Visit() {
    if (++visits < kVisitsPerUnit) return !exceeded;
    visits = 0;
    return Charge(1);
  }
};

enum class Kind {
  kNum,       // s = decimal literal ("12", "0.5", "3e6")
  kSym,       // s = variable name ("x", "a_1", "\\alpha")
  kConst,     // s = "pi", "e", "inf"
  kText,      // s = literal text compared as a string ("52_8", "Evelyn")
  kAdd,       // kids: terms
  kMul,       // kids: factors
  kDiv,       // kids: numerator, denominator
  kNeg,       // kids: operand
  kPow,       // kids: base, exponent
  kFact,      // kids: operand
  kFunc,      // s = name ("sin", "sqrt", "log", "binom", "abs", ...); kids: args
  kPm,        // a \pm b; kids: a, b
  kTuple,     // ordered; s = "()" or "[]"
  kList,      // unordered comma list (bare "1, -2" or \{...\})
  kInterval,  // s = two bracket chars, e.g. "(]"; kids: lo, hi
  kUnion,     // kids: intervals / sets
  kMatrix,    // kids: rows (kTuple)
  kRel,       // s = "=", "<", "<=", ">", ">=", "!="; kids: lhs, rhs
};

struct Node {
  Kind kind;
  std::string s;
  std::vector<int> kids;
  bool decimal = false;  // kNum written with '.' or an exponent
};

struct Tree {
  std::vector<Node> nodes;
  int root = -1;
  const Node& at(int i) const { return nodes[static_cast<size_t>(i)]; }
  int Add(Kind k, std::string s = {}, std::vector<int> kids = {}) {
    nodes.push_back(Node{k, std::move(s), std::move(kids)});
    return static_cast<int>(nodes.size()) - 1;
  }
};

// Cleans an answer string (Hendrycks MATH rules and more; see docs/verifiers.md):
// strips $..$, \left/\right, spacing commands, degrees, percent signs, units,
// \text wrappers, thousands separators, trailing periods; maps unicode and
// \dfrac-style aliases. Output is still LaTeX-ish text for the parser.
std::string Normalize(std::string_view s);

// Canonical comparison key: Normalize() with all whitespace removed, lower-cased
// for pure words of two or more letters (single letters are case-sensitive). Equal keys mean equal answers.
std::string StringKey(std::string_view normalized);

// Parses normalized text into *tree. False when the text is not math (then the
// caller falls back to string comparison) or the budget ran out.
bool Parse(std::string_view normalized, Tree* tree, Budget* budget);

// Equivalence of two parsed answers (gold first). *rule names the rule that
// decided, e.g. "equal_rational", "equal_numeric", "equal_symbolic".
bool Equivalent(const Tree& gold, const Tree& pred, double rel_tol, Budget* budget,
                std::string* rule);

}  // namespace upt::verifiers
