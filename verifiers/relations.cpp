// Equations, inequalities and intervals (see equiv_rules.h): "y = 2x + 1" vs
// "2x - y + 1 = 0", "x < 1" vs "-x > -1", "k < -5" vs "(-\infty, -5)".
#include <cmath>
#include <string>
#include <vector>

#include "verifiers/equiv_rules.h"

namespace upt::verifiers::equiv {
namespace {

// (lhs - rhs) of gold and pred are non-zero multiples of each other at every
// point; with `positive` the factor must be a positive real (inequalities:
// "x < 1" is "-x > -1" and "2x < 2", never "-x < -1").
bool ProportionalSides(Ctx& c, const Side& gs, const Side& ps, bool positive) {
  std::vector<std::pair<C, C>> vals;
  if (!SamplePoints(c, gs, ps, &vals)) return false;
  C ratio(0, 0);
  for (const auto& [x, y] : vals) {
    if (std::abs(x) < 1e-12 && std::abs(y) < 1e-12) continue;
    if (std::abs(y) < 1e-12) return false;
    C r = x / y;
    if (ratio == C(0, 0)) ratio = r;
    else if (!Close(r, ratio, kSymbolicTol)) return false;
  }
  if (positive && !(ratio.real() > 0 && std::abs(ratio.imag()) <= 1e-9 * ratio.real())) return false;
  c.rule = "equal_equation";
  return ratio != C(0, 0) || vals.size() >= 1;
}

bool ProportionalEq(Ctx& c, int g, int p) {
  const Node& gn = c.g.at(g);
  const Node& pn = c.p.at(p);
  return ProportionalSides(c, Side{&c.g, gn.kids[0], gn.kids[1]}, Side{&c.p, pn.kids[0], pn.kids[1]},
                           /*positive=*/false);
}

std::string FlipOp(const std::string& op) {
  return op == "<" ? ">" : op == ">" ? "<" : op == "<=" ? ">=" : op == ">=" ? "<=" : op;
}

// Scalar and variable-free (the kind is checked first: a relation chain is not
// walked once per link).
bool Constant(const Tree& t, int i, Budget* b) {
  if (!IsScalar(t.at(i).kind)) return false;
  std::vector<std::string> syms;
  CollectSymbols(t, i, &syms, b);
  return syms.empty();
}

// A set of reals written as an interval ("[2, 5)", "(-\infty, 3)" read as a
// tuple) or as an inequality in one lone name with constant other sides
// ("k < -5", "2 \le x", "-2 \le x \le 7", "0 < f(x) < 1"). An endpoint is a
// node, or (node -1) an infinity of sign lo_inf / hi_inf implied by a
// one-sided inequality.
struct Span {
  int lo = -1, hi = -1;
  int lo_inf = 0, hi_inf = 0;
  std::string br;
  int name = -1;  // the named side of an inequality; -1 for an interval
};

bool IntervalSpan(const Tree& t, int i, Span* s) {
  const Node& n = t.at(i);
  bool open_pair = n.kind == Kind::kTuple && n.s == "()";
  if ((n.kind != Kind::kInterval && !open_pair) || n.kids.size() != 2) return false;
  s->lo = n.kids[0];
  s->hi = n.kids[1];
  s->br = n.kind == Kind::kInterval ? n.s : "()";
  return true;
}

bool RelSpan(const Tree& t, int i, Span* s, Budget* bud) {
  const Node& n = t.at(i);
  if (n.kind != Kind::kRel || n.kids.size() != 2) return false;
  auto up = [](const std::string& op) { return op == "<" || op == "<="; };
  auto down = [](const std::string& op) { return op == ">" || op == ">="; };
  const Node& l = t.at(n.kids[0]);
  if (l.kind == Kind::kRel) {  // a op1 x op2 b
    if (l.kids.size() != 2) return false;
    int a = l.kids[0], x = l.kids[1], b = n.kids[1];
    if (!NameLike(t, x) || !Constant(t, a, bud) || !Constant(t, b, bud)) return false;
    const std::string &op1 = l.s, &op2 = n.s;
    if (up(op1) && up(op2)) {
      s->lo = a, s->hi = b;
      s->br = {op1 == "<" ? '(' : '[', op2 == "<" ? ')' : ']'};
    } else if (down(op1) && down(op2)) {
      s->lo = b, s->hi = a;
      s->br = {op2 == ">" ? '(' : '[', op1 == ">" ? ')' : ']'};
    } else {
      return false;
    }
    s->name = x;
    return true;
  }
  int x, v;
  std::string op = n.s;
  if (NameLike(t, n.kids[0]) && Constant(t, n.kids[1], bud)) {
    x = n.kids[0], v = n.kids[1];
  } else if (NameLike(t, n.kids[1]) && Constant(t, n.kids[0], bud)) {
    x = n.kids[1], v = n.kids[0], op = FlipOp(op);
  } else {
    return false;
  }
  if (up(op)) {
    s->lo_inf = -1, s->hi = v;
    s->br = op == "<" ? "()" : "(]";
  } else if (down(op)) {
    s->lo = v, s->hi_inf = 1;
    s->br = op == ">" ? "()" : "[)";
  } else {
    return false;
  }
  s->name = x;
  return true;
}

bool EndEq(Ctx& c, int g, int ginf, int p, int pinf) {
  if (g >= 0 && p >= 0) return Eq(c, g, p);
  int gs = ginf, ps = pinf;
  if (g >= 0 && !InfSign(c.g, g, &gs)) return false;
  if (p >= 0 && !InfSign(c.p, p, &ps)) return false;
  return gs != 0 && gs == ps;
}

bool SpanEq(Ctx& c, const Span& g, const Span& p) {
  bool r = g.br == p.br && (g.name < 0 || p.name < 0 || Key(c.g, g.name, c.b) == Key(c.p, p.name, c.b)) &&
           EndEq(c, g.lo, g.lo_inf, p.lo, p.lo_inf) && EndEq(c, g.hi, g.hi_inf, p.hi, p.hi_inf);
  c.rule = "equal_interval";
  return r;
}

}  // namespace

bool IntervalRelationEq(Ctx& c, int gi, int pi, bool* equal) {
  Span gs, ps;
  bool shape = IntervalSpan(c.g, gi, &gs) && RelSpan(c.p, pi, &ps, c.b);
  if (!shape) {
    gs = ps = Span{};
    shape = RelSpan(c.g, gi, &gs, c.b) && IntervalSpan(c.p, pi, &ps);
  }
  if (shape) *equal = SpanEq(c, gs, ps);
  return shape;
}

// "f(x)" (a product of two names read from f(x)) on one side and a lone "y"
// on the other: the graph y = f(x) names the same function (MARIO_EVAL
// test_is_equiv_function: "f(x) = 2x + 3" vs "y = 2x + 3").
bool FunctionOf(const Tree& t, int i) {
  const Node& n = t.at(i);
  return n.kind == Kind::kMul && n.kids.size() == 2 && t.at(n.kids[0]).kind == Kind::kSym &&
         t.at(n.kids[1]).kind == Kind::kSym;
}

bool GraphNames(const Tree& a, int al, const Tree& b, int bl) {
  const Node& y = b.at(bl);
  return FunctionOf(a, al) && y.kind == Kind::kSym && y.s == "y" && a.at(a.at(al).kids[0]).s != "y";
}

bool RelEq(Ctx& c, int gi, int pi) {
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  int gl = g.kids[0], gr = g.kids[1], pl = p.kids[0], pr = p.kids[1];
  if (g.s == "=" && p.s == "=") {
    if (NamingSide(c.g, gl) && NamingSide(c.p, pl) && Key(c.g, gl, c.b) == Key(c.p, pl, c.b)) return Eq(c, gr, pr);
    if (NamingSide(c.g, gl) && NamingSide(c.p, pr) && Key(c.g, gl, c.b) == Key(c.p, pr, c.b)) return Eq(c, gr, pl);
    if (GraphNames(c.g, gl, c.p, pl) || GraphNames(c.p, pl, c.g, gl)) return Eq(c, gr, pr);
    return ProportionalEq(c, gi, pi);
  }
  // One-name inequalities (chains too) compare as the sets they describe.
  Span gs, ps;
  if (RelSpan(c.g, gi, &gs, c.b) && RelSpan(c.p, pi, &ps, c.b) && Key(c.g, gs.name, c.b) == Key(c.p, ps.name, c.b))
    return SpanEq(c, gs, ps);
  if (g.s == p.s && Eq(c, gl, pl) && Eq(c, gr, pr)) return true;
  if (g.s == FlipOp(p.s) && Eq(c, gl, pr) && Eq(c, gr, pl)) return true;
  if (c.b->exceeded) return false;
  // Same relation after orienting both to "<", "<=" (or "!="), with the
  // differences of the sides proportional: "x < 1" is "-x > -1".
  auto orient = [](const std::string& op, bool* swap) {
    *swap = op == ">" || op == ">=";
    return *swap ? FlipOp(op) : op;
  };
  bool gswap = false, pswap = false;
  std::string go = orient(g.s, &gswap), po = orient(p.s, &pswap);
  if (go != po || go == "=") {
    c.rule = "relation_mismatch";
    return false;
  }
  c.rule = "not_equal";
  for (int k : {gl, gr})
    if (!IsScalar(c.g.at(k).kind)) return false;
  for (int k : {pl, pr})
    if (!IsScalar(c.p.at(k).kind)) return false;
  if (HasInf(c.g, gi, c.b) || HasInf(c.p, pi, c.b)) return false;
  Side gside{&c.g, gswap ? gr : gl, gswap ? gl : gr}, pside{&c.p, pswap ? pr : pl, pswap ? pl : pr};
  std::vector<std::string> syms;
  gside.Symbols(&syms, c.b);
  pside.Symbols(&syms, c.b);
  if (syms.empty()) return false;
  if (ProportionalSides(c, gside, pside, /*positive=*/go != "!=")) return true;
  c.rule = "not_equal";
  return false;
}

}  // namespace upt::verifiers::equiv
