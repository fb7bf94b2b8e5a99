#include "reports/heatmap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

namespace upt::reports {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int FirstSolved(const std::vector<double>& row) {
  for (size_t i = 0; i < row.size(); ++i)
    if (!std::isnan(row[i]) && row[i] > 0) return static_cast<int>(i);
  return -1;
}

double MeanOf(const std::vector<double>& row) {
  double s = 0;
  int n = 0;
  for (double v : row)
    if (!std::isnan(v)) s += v, ++n;
  return n ? s / n : 0;
}

// First-solved key: never solved (-1) sorts after every solved column.
long long SolvedKey(int first) { return first < 0 ? std::numeric_limits<long long>::max() : first; }

void Reorder(Heatmap* h, const std::vector<size_t>& order) {
  Heatmap out = *h;
  for (size_t i = 0; i < order.size(); ++i) {
    out.questions[i] = h->questions[order[i]];
    out.acc[i] = h->acc[order[i]];
    out.first_solved[i] = h->first_solved[order[i]];
  }
  *h = std::move(out);
}

void SetNeverSolved(Heatmap* h) {
  long long never = std::count(h->first_solved.begin(), h->first_solved.end(), -1);
  h->never_solved_fraction = h->questions.empty() ? 0 : static_cast<double>(never) / h->questions.size();
}

}  // namespace

Heatmap BuildHeatmap(const std::vector<RolloutRecord>& records) {
  Heatmap h;
  std::set<long long> epochs;
  for (const auto& r : records) epochs.insert(r.epoch);
  bool by_step = epochs.size() <= 1;
  if (by_step) h.column_axis = "step";
  // (question, column) -> (sum c, sum n)
  std::map<std::string, std::map<long long, std::pair<long long, long long>>> cells;
  std::set<long long> cols;
  for (const auto& r : records) {
    long long col = by_step ? r.step : r.epoch;
    auto& cell = cells[r.question][col];
    cell.first += r.c;
    cell.second += r.n;
    cols.insert(col);
  }
  h.columns.assign(cols.begin(), cols.end());
  for (const auto& [q, row_cells] : cells) {
    std::vector<double> row(h.columns.size(), kNaN);
    for (const auto& [col, cn] : row_cells) {
      size_t j = static_cast<size_t>(std::lower_bound(h.columns.begin(), h.columns.end(), col) - h.columns.begin());
      row[j] = static_cast<double>(cn.first) / static_cast<double>(cn.second);
    }
    h.questions.push_back(q);
    h.first_solved.push_back(FirstSolved(row));
    h.acc.push_back(std::move(row));
  }
  std::vector<double> mean(h.acc.size());
  for (size_t i = 0; i < h.acc.size(); ++i) mean[i] = MeanOf(h.acc[i]);
  std::vector<size_t> order(h.questions.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    long long ka = SolvedKey(h.first_solved[a]), kb = SolvedKey(h.first_solved[b]);
    if (ka != kb) return ka < kb;
    if (mean[a] != mean[b]) return mean[a] > mean[b];
    return h.questions[a] < h.questions[b];
  });
  Reorder(&h, order);
  SetNeverSolved(&h);
  return h;
}

Heatmap BuildDiffHeatmap(const Heatmap& a, const Heatmap& b) {
  Heatmap d;
  d.column_axis = a.column_axis;
  std::map<long long, size_t> bcol;
  for (size_t j = 0; j < b.columns.size(); ++j) bcol[b.columns[j]] = j;
  std::vector<std::pair<size_t, size_t>> colpairs;
  for (size_t j = 0; j < a.columns.size(); ++j) {
    auto it = bcol.find(a.columns[j]);
    if (it != bcol.end()) {
      d.columns.push_back(a.columns[j]);
      colpairs.push_back({j, it->second});
    }
  }
  std::map<std::string, size_t> brow;
  for (size_t i = 0; i < b.questions.size(); ++i) brow[b.questions[i]] = i;
  struct Item {
    std::string q;
    long long ka, kb;
    std::vector<double> diff;
    int first_a;
  };
  std::vector<Item> items;
  for (size_t i = 0; i < a.questions.size(); ++i) {
    auto it = brow.find(a.questions[i]);
    if (it == brow.end()) continue;
    Item item{a.questions[i], 0, 0, {}, -1};
    std::vector<double> ra, rb;
    for (auto [ja, jb] : colpairs) {
      double va = a.acc[i][ja], vb = b.acc[it->second][jb];
      ra.push_back(va);
      rb.push_back(vb);
      item.diff.push_back(std::isnan(va) || std::isnan(vb) ? kNaN : va - vb);
    }
    item.first_a = FirstSolved(ra);
    item.ka = SolvedKey(item.first_a);
    item.kb = SolvedKey(FirstSolved(rb));
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), [](const Item& x, const Item& y) {
    if (x.ka != y.ka) return x.ka < y.ka;
    if (x.kb != y.kb) return x.kb < y.kb;
    return x.q < y.q;
  });
  for (auto& it : items) {
    d.questions.push_back(it.q);
    d.acc.push_back(std::move(it.diff));
    d.first_solved.push_back(it.first_a);
  }
  SetNeverSolved(&d);
  return d;
}

}  // namespace upt::reports
