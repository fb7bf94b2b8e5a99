#include "verifiers/parse_sets.h"

#include <utility>
#include <vector>

namespace upt::verifiers {
namespace {

// Adds a node charging the budget; -1 when the budget is spent or a kid is -1
// (the budget is sticky, so the parser's next node fails the parse).
struct NodeMaker {
  Tree* t;
  Budget* b;
  int operator()(Kind k, std::string s = {}, std::vector<int> kids = {}) const {
    for (int kid : kids)
      if (kid < 0) return -1;
    return b->Charge(1) ? t->Add(k, std::move(s), std::move(kids)) : -1;
  }
};

// The centre c of |x - c| / |x + d| / |x| (x a lone name), or -1.
int AbsCentre(const NodeMaker& make, int abs) {
  const Tree& t = *make.t;
  const Node& a = t.at(abs);
  if (a.kind != Kind::kFunc || a.s != "abs" || a.kids.size() != 1) return -1;
  const Node& in = t.at(a.kids[0]);
  if (in.kind == Kind::kSym) return make(Kind::kNum, "0");
  if (in.kind != Kind::kAdd || in.kids.size() != 2 || t.at(in.kids[0]).kind != Kind::kSym) return -1;
  const int d = in.kids[1];
  if (!SymbolFree(t, d)) return -1;
  const Node& dn = t.at(d);
  return dn.kind == Kind::kNeg ? dn.kids[0] : make(Kind::kNeg, {}, {d});
}

}  // namespace

bool SymbolFree(const Tree& t, int i) {
  const Node& n = t.at(i);
  if (n.kind == Kind::kSym || n.kind == Kind::kText || n.kind == Kind::kRel) return false;
  for (int k : n.kids)
    if (!SymbolFree(t, k)) return false;
  return true;
}

int AbsInequalitySet(Tree* t, Budget* b, int lhs, const std::string& op, int rhs) {
  if (op != "<" && op != "<=" && op != ">" && op != ">=") return -1;
  const Node& r = t->at(rhs);
  const bool literal = r.kind == Kind::kNum || (r.kind == Kind::kDiv && t->at(r.kids[0]).kind == Kind::kNum &&
                                                t->at(r.kids[1]).kind == Kind::kNum);
  if (!literal) return -1;
  const NodeMaker make{t, b};
  const int c = AbsCentre(make, lhs);
  if (c < 0) return -1;
  const int lo = make(Kind::kAdd, {}, {c, make(Kind::kNeg, {}, {rhs})});
  const int hi = make(Kind::kAdd, {}, {c, rhs});
  if (lo < 0 || hi < 0) return -1;
  const bool strict = op.size() == 1;
  if (op[0] == '<') return make(Kind::kInterval, strict ? "()" : "[]", {lo, hi});
  const int inf = make(Kind::kConst, "inf");
  const int left = make(Kind::kInterval, strict ? "()" : "(]", {make(Kind::kNeg, {}, {inf}), lo});
  const int right = make(Kind::kInterval, strict ? "()" : "[)", {hi, inf});
  return make(Kind::kUnion, {}, {left, right});
}

}  // namespace upt::verifiers
