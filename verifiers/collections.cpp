// Lists, tuples, intervals, unions, matrices, ratios and solution sets of
// systems (see equiv_rules.h): "1, 2" vs "2, 1", "x=2, y=3" vs "(2, 3)",
// "p=5,q=2;p=7,q=2" vs "(5,2),(7,2)", "6:3" vs "2:1".
#include <string>
#include <vector>

#include <gmpxx.h>

#include "verifiers/equiv_rules.h"

namespace upt::verifiers::equiv {

constexpr size_t kMaxItems = 256;  // list / tuple length bound (as in equiv.cpp)

// Unordered multiset match (greedy is exact for an equivalence relation).
bool UnorderedEq(Ctx& c, const std::vector<int>& gk, const std::vector<int>& pk) {
  if (gk.size() != pk.size() || gk.size() > kMaxItems) return false;
  std::vector<bool> used(pk.size(), false);
  for (int g : gk) {
    bool found = false;
    for (size_t j = 0; j < pk.size() && !found; ++j) {
      if (used[j]) continue;
      if (Eq(c, g, pk[j])) { used[j] = true; found = true; }
      if (c.b->exceeded) return false;
    }
    if (!found) return false;
  }
  return true;
}

// Items of an answer list, duplicates removed (the first of equal items kept).
std::vector<int> DistinctItems(Ctx& c, const Tree& t, const std::vector<int>& items) {
  Ctx self{t, t, c.rel_tol, c.b, {}};
  std::vector<int> kept;
  for (int k : items) {
    bool dup = false;
    for (size_t j = 0; j < kept.size() && !dup && !c.b->exceeded; ++j) dup = Eq(self, kept[j], k);
    if (!dup) kept.push_back(k);
  }
  return kept;
}

// Gold list vs pred list/tuple: a multiset match, except that when the gold
// lists pairwise distinct tuples (solutions (p, q, r, s)) a pred repeating a
// tuple is read as a set ((3,17,3,7) listed twice). Scalar items keep
// multiplicity (1, 2, 2 is not 1, 2: a repeated root claims a double root),
// and so does a gold with repeats.
constexpr size_t kMaxDedupItems = 64;
bool ListEq(Ctx& c, const std::vector<int>& gk, const std::vector<int>& pk) {
  if (pk.size() <= gk.size() || pk.size() > kMaxDedupItems) return UnorderedEq(c, gk, pk);
  for (int k : gk)
    if (c.g.at(k).kind != Kind::kTuple) return UnorderedEq(c, gk, pk);
  if (DistinctItems(c, c.g, gk).size() != gk.size() || c.b->exceeded) return false;
  std::vector<int> uniq = DistinctItems(c, c.p, pk);
  if (c.b->exceeded) return false;
  return UnorderedEq(c, gk, uniq);
}

// The components of a column (n x 1) or row (1 x n) vector, n >= 2.
bool VectorItems(const Tree& t, int i, std::vector<int>* out) {
  const Node& n = t.at(i);
  if (n.kind != Kind::kMatrix || n.kids.empty()) return false;
  out->clear();
  if (n.kids.size() == 1) {
    *out = t.at(n.kids[0]).kids;
    return out->size() >= 2;
  }
  for (int row : n.kids) {
    const Node& r = t.at(row);
    if (r.kids.size() != 1) return false;
    out->push_back(r.kids[0]);
  }
  return true;
}

bool OrderedEq(Ctx& c, const std::vector<int>& gk, const std::vector<int>& pk) {
  if (gk.size() != pk.size() || gk.size() > kMaxItems) return false;
  for (size_t j = 0; j < gk.size(); ++j)
    if (!Eq(c, gk[j], pk[j])) return false;
  return true;
}

// Items written "x = 1": a gold tuple is not matched by named components,
// since which name is which position is a guess (x=1, y=-2 vs (1,-2)).
bool HasNamedItem(const Tree& t, const std::vector<int>& kids) {
  for (int k : kids) {
    const Node& n = t.at(k);
    if (n.kind == Kind::kRel && n.s == "=" && NameLike(t, n.kids[0])) return true;
  }
  return false;
}

// Ratios "a:b:c" (kTuple ":") equal other ratios only: proportional parts
// when all are non-zero rationals (6:3 = 2:1), else part by part (12:00 is
// not 1:00). A ratio is never a fraction (2:3 is not \frac23, a policy).
bool RatioEq(Ctx& c, int gi, int pi) {
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  c.rule = "equal_ratio";
  if (g.s != p.s || g.kids.size() != p.kids.size()) return false;
  std::vector<mpq_class> gv(g.kids.size()), pv(p.kids.size());
  bool exact = true, zero = false;
  for (size_t k = 0; k < g.kids.size() && exact; ++k) {
    exact = EvalExact(c.g, g.kids[k], &gv[k], c.b) && EvalExact(c.p, p.kids[k], &pv[k], c.b);
    zero = zero || (exact && (gv[k] == 0 || pv[k] == 0));
  }
  if (!exact || zero) return OrderedEq(c, g.kids, p.kids) && (c.rule = "equal_ratio", true);
  for (size_t k = 1; k < gv.size(); ++k)
    if (gv[k] * pv[0] != pv[k] * gv[0]) return false;
  return true;
}

// A list of "name = value" items that repeats one order of names, "p=5, q=2,
// p=7, q=2" ("p=5,q=2;p=7,q=2"): several solutions of a system. *groups gets
// each solution's values in the order the names are first given; false
// unless there are >= 2 names and >= 2 solutions.
bool SolutionGroups(const Tree& t, const std::vector<int>& items, std::vector<std::vector<int>>* groups) {
  std::vector<std::string> names;
  for (int k : items) {
    const Node& n = t.at(k);
    if (n.kind != Kind::kRel || n.s != "=" || t.at(n.kids[0]).kind != Kind::kSym) return false;
    const std::string& name = t.at(n.kids[0]).s;
    if (!names.empty() && name == names.front() && groups->empty()) break;
    names.push_back(name);
  }
  if (names.size() < 2 || items.size() % names.size() != 0 || items.size() < 2 * names.size()) return false;
  groups->clear();
  for (size_t k = 0; k < items.size(); k += names.size()) {
    std::vector<int> values;
    for (size_t j = 0; j < names.size(); ++j) {
      const Node& n = t.at(items[k + j]);
      if (t.at(n.kids[0]).s != names[j]) return false;
      values.push_back(n.kids[1]);
    }
    groups->push_back(std::move(values));
  }
  return true;
}

// Several solutions of a system named on one side ("p=5,q=2;p=7,q=2") and
// listed as tuples on the other ("(5,2),(7,2)"), in any order of solutions.
bool SolutionTuplesEq(Ctx& c, int gi, int pi, bool* equal) {
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  if (g.kind != Kind::kList || p.kind != Kind::kList) return false;
  std::vector<std::vector<int>> groups;
  bool gold_named = SolutionGroups(c.g, g.kids, &groups);
  if (!gold_named && !SolutionGroups(c.p, p.kids, &groups)) return false;
  const Node& tuples = gold_named ? p : g;
  const Tree& tt = gold_named ? c.p : c.g;
  for (int k : tuples.kids)
    if (tt.at(k).kind != Kind::kTuple || tt.at(k).kids.size() != groups[0].size()) return false;
  c.rule = "equal_set";
  *equal = groups.size() == tuples.kids.size();
  std::vector<bool> used(groups.size(), false);
  for (size_t t = 0; t < tuples.kids.size() && *equal; ++t) {
    const std::vector<int>& items = tt.at(tuples.kids[t]).kids;
    bool found = false;
    for (size_t j = 0; j < groups.size() && !found && !c.b->exceeded; ++j) {
      if (used[j]) continue;
      found = gold_named ? OrderedEq(c, groups[j], items) : OrderedEq(c, items, groups[j]);
      used[j] = found;
    }
    *equal = found;
  }
  return true;
}

// Gold list, tuple, interval, union or matrix against pred (`rule` names the kind).
bool CollectionEq(Ctx& c, int gi, int pi, std::string* rule) {
  const Node& g = c.g.at(gi);
  const Node& p = c.p.at(pi);
  switch (g.kind) {
    case Kind::kList: {
      *rule = "equal_set";
      bool r = false;
      if (SolutionTuplesEq(c, gi, pi, &r)) return r;
      // A system "x=2, y=3" against a tuple "(2, 3)": the tuple's order is the
      // order the unknowns are named in, so it matches in order.
      if (p.kind == Kind::kTuple && HasNamedItem(c.g, g.kids)) return OrderedEq(c, g.kids, p.kids);
      if (p.kind == Kind::kList || p.kind == Kind::kTuple) return ListEq(c, g.kids, p.kids);
      return false;
    }
    case Kind::kTuple: {
      *rule = "equal_ratio";
      if (g.s == ":" || (p.kind == Kind::kTuple && p.s == ":")) return p.kind == Kind::kTuple && RatioEq(c, gi, pi);
      *rule = "equal_tuple";
      if ((p.kind == Kind::kTuple || p.kind == Kind::kList) && HasNamedItem(c.p, p.kids)) {
        *rule = "named_components";
        return false;
      }
      if (p.kind == Kind::kTuple || p.kind == Kind::kList) return OrderedEq(c, g.kids, p.kids);
      if (p.kind == Kind::kInterval && p.s == "()") return OrderedEq(c, g.kids, p.kids);
      std::vector<int> items;
      return p.kind == Kind::kMatrix && VectorItems(c.p, pi, &items) && OrderedEq(c, g.kids, items);
    }
    case Kind::kInterval:
      *rule = "equal_interval";
      if (p.kind == Kind::kInterval && p.s == g.s) return OrderedEq(c, g.kids, p.kids);
      return p.kind == Kind::kTuple && p.s == "()" && g.s == "()" && OrderedEq(c, g.kids, p.kids);
    case Kind::kUnion:
      *rule = "equal_union";
      return p.kind == Kind::kUnion && UnorderedEq(c, g.kids, p.kids);
    case Kind::kMatrix: {
      *rule = "equal_matrix";
      if (p.kind == Kind::kMatrix) return OrderedEq(c, g.kids, p.kids);
      // A column or row vector vs a tuple of its components, in order.
      std::vector<int> items;
      // "[0.5, 1]" reads as an interval; against a vector gold it is a list.
      bool listed = p.kind == Kind::kTuple || (p.kind == Kind::kInterval && p.s == "[]");
      return listed && VectorItems(c.g, gi, &items) && OrderedEq(c, items, p.kids);
    }
    default:
      return false;
  }
}

}  // namespace upt::verifiers::equiv
