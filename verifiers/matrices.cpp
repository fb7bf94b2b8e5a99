// Matrix arithmetic left in an answer: "\begin{pmatrix}1&2\\3&4\end{pmatrix} +
// \begin{pmatrix}5&6\\7&8\end{pmatrix}", a product of written matrices, a
// scalar times a matrix. Evaluated numerically entry by entry (variable-free
// entries only), then compared with a written gold matrix within rel_tol.
// Math-Verify's test_all.py::test_matrix_extraction expects both forms.
#include <vector>

#include "verifiers/equiv_rules.h"

namespace upt::verifiers::equiv {
namespace {

constexpr size_t kMaxEntries = 400;  // bounded work: 20 x 20

using Mat = std::vector<std::vector<C>>;

bool Scale(Mat* m, C s) {
  for (auto& row : *m)
    for (C& x : row) x *= s;
  return true;
}

bool Product(const Mat& a, const Mat& b, Mat* out) {
  if (a.empty() || b.empty() || a[0].size() != b.size()) return false;
  Mat r(a.size(), std::vector<C>(b[0].size()));
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < b[0].size(); ++j)
      for (size_t k = 0; k < b.size(); ++k) r[i][j] += a[i][k] * b[k][j];
  *out = std::move(r);
  return true;
}

// The value of node i as a matrix (a 1x1 matrix for a scalar, *scalar set);
// false when it has variables, mismatched shapes or too many entries.
bool MatrixValue(const Tree& t, int i, Mat* m, bool* scalar, Budget* b, int depth = 0) {
  const Node& n = t.at(i);
  *scalar = false;
  if (depth > 16 || !b->Charge(1)) return false;
  if (n.kind == Kind::kMatrix) {
    m->clear();
    size_t entries = 0;
    for (int row : n.kids) {
      const Node& r = t.at(row);
      std::vector<C> values;
      for (int e : r.kids) {
        std::vector<std::string> syms;
        CollectSymbols(t, e, &syms, b);
        if (!syms.empty() || ++entries > kMaxEntries) return false;
        values.push_back(EvalNumeric(t, e, {}, b));
      }
      if (!m->empty() && values.size() != m->front().size()) return false;
      m->push_back(std::move(values));
    }
    return !m->empty();
  }
  if (n.kind == Kind::kNeg || n.kind == Kind::kAdd || n.kind == Kind::kMul) {
    Mat acc;
    bool acc_scalar = true, first = true;
    C factor(1, 0);
    for (int k : n.kids) {
      Mat x;
      bool xs = false;
      if (!MatrixValue(t, k, &x, &xs, b, depth + 1)) return false;
      if (n.kind == Kind::kNeg) Scale(&x, C(-1, 0));
      if (n.kind == Kind::kMul && xs) {
        factor *= x[0][0];
        continue;
      }
      if (first) {
        acc = std::move(x);
        acc_scalar = xs;
        first = false;
      } else if (n.kind == Kind::kAdd) {
        if (xs != acc_scalar || x.size() != acc.size() || x[0].size() != acc[0].size()) return false;
        for (size_t r = 0; r < x.size(); ++r)
          for (size_t c = 0; c < x[r].size(); ++c) acc[r][c] += x[r][c];
      } else if (!Product(acc, x, &acc)) {
        return false;
      }
    }
    if (first) {  // a product of scalars only
      *m = Mat{{factor}};
      *scalar = true;
      return true;
    }
    Scale(&acc, factor);
    *m = std::move(acc);
    *scalar = acc_scalar;
    return true;
  }
  if (!IsScalar(n.kind)) return false;
  std::vector<std::string> syms;
  CollectSymbols(t, i, &syms, b);
  if (!syms.empty()) return false;
  *m = Mat{{EvalNumeric(t, i, {}, b)}};
  *scalar = true;
  return true;
}

}  // namespace

bool MatrixArithmeticEq(Ctx& c, int gi, int pi, bool* equal) {
  const Node& p = c.p.at(pi);
  if (c.g.at(gi).kind != Kind::kMatrix ||
      (p.kind != Kind::kAdd && p.kind != Kind::kMul && p.kind != Kind::kNeg))
    return false;
  Mat gm, pm;
  bool gs = false, ps = false;
  if (!MatrixValue(c.g, gi, &gm, &gs, c.b) || !MatrixValue(c.p, pi, &pm, &ps, c.b) || ps) return false;
  c.rule = "equal_matrix";
  *equal = gm.size() == pm.size();
  for (size_t r = 0; r < gm.size() && *equal; ++r) {
    *equal = gm[r].size() == pm[r].size();
    for (size_t k = 0; k < gm[r].size() && *equal; ++k) *equal = Close(gm[r][k], pm[r][k], c.rel_tol);
  }
  return true;
}

}  // namespace upt::verifiers::equiv
