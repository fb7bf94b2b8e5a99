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

int CopySubtree(Tree* t, int i, Budget* b) {
  Node n = t->at(i);
  for (int& k : n.kids)
    if ((k = CopySubtree(t, k, b)) < 0) return -1;
  if (!b->Charge(1)) return -1;
  int c = t->Add(n.kind, std::move(n.s), std::move(n.kids));
  t->nodes[static_cast<size_t>(c)].decimal = n.decimal;
  return c;
}

namespace {

// A number or a fraction of numbers.
bool Literal(const Tree& t, int i) {
  const Node& r = t.at(i);
  return r.kind == Kind::kNum ||
         (r.kind == Kind::kDiv && t.at(r.kids[0]).kind == Kind::kNum && t.at(r.kids[1]).kind == Kind::kNum);
}

std::string Mirror(const std::string& op) { return (op[0] == '<' ? ">" : "<") + op.substr(1); }

// "a <= |x - c| <= b" (lhs the relation "a <= |x - c|"): [c-b, c-a] \cup [c+a, c+b],
// brackets from the two relations; -1 when not of this form.
int AbsBandSet(Tree* t, Budget* b, int lhs, const std::string& op, int rhs) {
  const Node l = t->at(lhs);
  if (l.kind != Kind::kRel || l.kids.size() != 2 || l.s[0] != op[0] || !Literal(*t, rhs)) return -1;
  bool up = op[0] == '<';
  int lo_r = up ? l.kids[0] : rhs, hi_r = up ? rhs : l.kids[0];  // radii a <= b
  if (!Literal(*t, lo_r)) return -1;
  const NodeMaker make{t, b};
  const int c = AbsCentre(make, l.kids[1]);
  if (c < 0) return -1;
  bool lo_closed = (up ? l.s : op).size() == 2, hi_closed = (up ? op : l.s).size() == 2;
  bool first = true;  // c itself for the first endpoint, copies after
  auto at = [&](int sign, int r) {
    int centre = first ? c : CopySubtree(t, c, b);
    first = false;
    return make(Kind::kAdd, {}, {centre, sign < 0 ? make(Kind::kNeg, {}, {r}) : r});
  };
  const int left = make(Kind::kInterval, std::string{hi_closed ? '[' : '(', lo_closed ? ']' : ')'},
                        {at(-1, hi_r), at(-1, lo_r)});
  const int right = make(Kind::kInterval, std::string{lo_closed ? '[' : '(', hi_closed ? ']' : ')'},
                         {at(1, lo_r), at(1, hi_r)});
  return make(Kind::kUnion, {}, {left, right});
}

}  // namespace

int AbsInequalitySet(Tree* t, Budget* b, int lhs, const std::string& op, int rhs) {
  if (op != "<" && op != "<=" && op != ">" && op != ">=") return -1;
  int band = AbsBandSet(t, b, lhs, op, rhs);
  if (band >= 0 || b->exceeded) return band;
  if (Literal(*t, lhs) && t->at(rhs).kind == Kind::kFunc) return AbsInequalitySet(t, b, rhs, Mirror(op), lhs);
  if (!Literal(*t, rhs)) return -1;
  const NodeMaker make{t, b};
  const int c = AbsCentre(make, lhs);
  if (c < 0) return -1;
  const int lo = make(Kind::kAdd, {}, {c, make(Kind::kNeg, {}, {rhs})});
  const int hi = make(Kind::kAdd, {}, {CopySubtree(t, c, b), rhs});
  if (lo < 0 || hi < 0) return -1;
  const bool strict = op.size() == 1;
  if (op[0] == '<') return make(Kind::kInterval, strict ? "()" : "[]", {lo, hi});
  const int inf = make(Kind::kConst, "inf");
  const int left = make(Kind::kInterval, strict ? "()" : "(]", {make(Kind::kNeg, {}, {inf}), lo});
  const int right = make(Kind::kInterval, strict ? "()" : "[)", {hi, inf});
  return make(Kind::kUnion, {}, {left, right});
}

}  // namespace upt::verifiers
