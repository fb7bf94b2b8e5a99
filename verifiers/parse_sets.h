// Rewrites the parser applies to relations while it builds a Tree
// (verifiers/parse.cpp): "|x - c| < r" as the set of x it describes.
#pragma once

#include <string>

#include "verifiers/expr.h"

namespace upt::verifiers {

// True when node i (and its subtree) names no symbol, text or relation.
bool SymbolFree(const Tree& t, int i);

// A copy of the subtree at i, one unit of b per node; -1 when b runs out.
// Rewrites that use a subtree twice copy it instead of sharing the node, so a
// Tree stays a tree and every walk over it is linear in what the budget paid
// for (shared nodes nested k deep are revisited 2^k times).
int CopySubtree(Tree* t, int i, Budget* b);

// "|x - c| < r" is the interval (c - r, c + r); "|x - c| >= r" the union
// (-inf, c - r] \cup [c + r, inf). Only for a literal radius r >= 0 (a number
// or a fraction of numbers) and x a lone name; -1 when the relation is not of
// this form or the budget runs out (every node charges it, as the parser's do).
// Also "r < |x - c|" (mirrored) and the band "a <= |x - c| <= b" (lhs the
// relation "a <= |x - c|"): [c - b, c - a] \cup [c + a, c + b]. The centre c
// is copied for each endpoint (nested sets would otherwise share it).
int AbsInequalitySet(Tree* t, Budget* b, int lhs, const std::string& op, int rhs);

}  // namespace upt::verifiers
