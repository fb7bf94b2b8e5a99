#include "train/loop/micro_batch.h"

#include <algorithm>
#include <utility>

#include "core/error.h"

namespace upt::train {
namespace {

// Karmarkar-Karp's sets and states, ordered exactly as verl's Python classes
// (seqlen_balancing.py Set.__lt__, State.__lt__) so that heap ties resolve alike.
struct KkSet {
  int64_t sum = 0;
  std::vector<std::pair<int, int64_t>> items;  // (position, length)
  bool operator<(const KkSet& o) const {
    if (sum != o.sum) return sum < o.sum;
    if (items.size() != o.items.size()) return items.size() < o.items.size();
    return items < o.items;
  }
};

struct KkState {
  std::vector<KkSet> sets;  // descending
  void SortSets() {
    std::stable_sort(sets.begin(), sets.end(), [](const KkSet& a, const KkSet& b) { return b < a; });
  }
  int64_t spread() const { return sets.front().sum - sets.back().sum; }
  // "Less" pops first: the largest spread, then the largest first set.
  bool operator<(const KkState& o) const {
    if (spread() != o.spread()) return spread() > o.spread();
    return o.sets.front() < sets.front();
  }
  void Merge(const KkState& o) {
    const size_t k = sets.size();
    for (size_t i = 0; i < k; ++i) {
      const KkSet& from = o.sets[k - 1 - i];
      sets[i].items.insert(sets[i].items.end(), from.items.begin(), from.items.end());
      sets[i].sum += from.sum;
    }
    SortSets();
  }
};

// Python heapq (a min-heap on operator<): _siftdown / _siftup, for identical tie order.
void SiftDown(std::vector<KkState>& h, size_t start, size_t pos) {
  KkState item = std::move(h[pos]);
  while (pos > start) {
    size_t parent = (pos - 1) >> 1;
    if (item < h[parent]) {
      h[pos] = std::move(h[parent]);
      pos = parent;
      continue;
    }
    break;
  }
  h[pos] = std::move(item);
}

void HeapPush(std::vector<KkState>& h, KkState s) {
  h.push_back(std::move(s));
  SiftDown(h, 0, h.size() - 1);
}

KkState HeapPop(std::vector<KkState>& h) {
  KkState last = std::move(h.back());
  h.pop_back();
  if (h.empty()) return last;
  KkState top = std::move(h[0]);
  h[0] = std::move(last);
  size_t pos = 0, end = h.size(), child = 1;
  KkState item = std::move(h[0]);
  while (child < end) {
    size_t right = child + 1;
    if (right < end && !(h[child] < h[right])) child = right;
    h[pos] = std::move(h[child]);
    pos = child;
    child = 2 * pos + 1;
  }
  h[pos] = std::move(item);
  SiftDown(h, 0, pos);
  return top;
}

KkState MakeState(const std::vector<std::pair<int, int64_t>>& items, int k) {
  KkState s;
  s.sets.resize(static_cast<size_t>(k));
  for (size_t i = 0; i < items.size(); ++i) {
    s.sets[i].items.push_back(items[i]);
    s.sets[i].sum += items[i].second;
  }
  s.SortSets();
  return s;
}

}  // namespace

std::vector<std::vector<int>> BalancedPartitions(const std::vector<int64_t>& lengths, int k, bool equal_size) {
  const int n = static_cast<int>(lengths.size());
  if (k < 1 || k > n)
    throw Error("cannot split " + std::to_string(n) + " rows into " + std::to_string(k) + " parts", "BalancedPartitions");
  if (equal_size && n % k != 0)
    throw Error(std::to_string(n) + " rows do not split into " + std::to_string(k) + " equal parts", "BalancedPartitions");
  std::vector<std::pair<int64_t, int>> sorted;  // (length, position), ascending
  for (int i = 0; i < n; ++i) sorted.push_back({lengths[i], i});
  std::sort(sorted.begin(), sorted.end());
  std::vector<KkState> heap;
  if (equal_size) {
    for (int off = 0; off < n; off += k) {
      std::vector<std::pair<int, int64_t>> items;
      for (int i = 0; i < k; ++i) items.push_back({sorted[off + i].second, sorted[off + i].first});
      HeapPush(heap, MakeState(items, k));
    }
  } else {
    for (const auto& [len, pos] : sorted) HeapPush(heap, MakeState({{pos, len}}, k));
  }
  while (heap.size() > 1) {
    KkState a = HeapPop(heap);
    KkState b = HeapPop(heap);
    a.Merge(b);
    HeapPush(heap, std::move(a));
  }
  std::vector<std::vector<int>> parts;
  for (const auto& s : heap[0].sets) {
    std::vector<int> p;
    for (const auto& it : s.items) p.push_back(it.first);
    std::sort(p.begin(), p.end());
    parts.push_back(std::move(p));
  }
  return parts;
}

int DynamicMicroBatchCount(const std::vector<int64_t>& lengths, int64_t max_tokens) {
  int64_t total = 0;
  for (int64_t l : lengths) total += l;
  return static_cast<int>(std::max<int64_t>(1, (total + max_tokens - 1) / max_tokens));
}

std::vector<std::vector<int>> PlanMicroBatches(const std::vector<int64_t>& lengths, const MicroBatchOptions& o,
                                               int min_count) {
  const int n = static_cast<int>(lengths.size());
  if (n == 0) return {};
  if (o.dynamic) {
    int k = std::max(DynamicMicroBatchCount(lengths, o.max_tokens), min_count);
    return BalancedPartitions(lengths, std::min(k, n), false);
  }
  const int per = o.rows > 0 ? o.rows : n;
  std::vector<std::vector<int>> out;
  for (int i0 = 0; i0 < n; i0 += per) {
    std::vector<int> p;
    for (int i = i0; i < std::min(n, i0 + per); ++i) p.push_back(i);
    out.push_back(std::move(p));
  }
  return out;
}

UpstreamLayout PlanUpstreamLayout(const std::vector<int64_t>& lengths, const UpstreamLayoutOptions& o) {
  const int n = static_cast<int>(lengths.size());
  const int W = o.world;
  if (W < 1 || o.mini_batch_rows % W != 0)
    throw Error("mini-batch rows " + std::to_string(o.mini_batch_rows) + " do not split over " + std::to_string(W) +
                    " virtual ranks", "actor.virtual_world_size", "ppo_mini_batch_size · rollout.n must be a multiple of it");
  if (n == 0) return {};
  const int padded = (n + W - 1) / W * W;
  std::vector<int64_t> lens(lengths);
  for (int i = n; i < padded; ++i) lens.push_back(lengths[(i - n) % n]);
  const std::vector<std::vector<int>> ranks = BalancedPartitions(lens, W, true);
  const int per_rank = o.mini_batch_rows / W;
  // rank -> mini-batches -> rows (pads dropped)
  std::vector<std::vector<std::vector<int>>> minis(W);
  size_t steps = 0;
  for (int r = 0; r < W; ++r) {
    std::vector<int> kept;
    for (int i : ranks[r])
      if (i < n) kept.push_back(i);
    for (size_t i0 = 0; i0 < kept.size(); i0 += per_rank)
      minis[r].emplace_back(kept.begin() + i0, kept.begin() + std::min(kept.size(), i0 + per_rank));
    steps = std::max(steps, minis[r].size());
  }
  UpstreamLayout layout(steps, std::vector<std::vector<std::vector<int>>>(W));
  for (size_t m = 0; m < steps; ++m) {
    int count = 0;  // verl all-reduces the dynamic micro-batch count to the max over ranks
    for (int r = 0; r < W && o.micro.dynamic; ++r) {
      if (m >= minis[r].size()) continue;
      std::vector<int64_t> l;
      for (int i : minis[r][m]) l.push_back(lengths[i]);
      count = std::max(count, DynamicMicroBatchCount(l, o.micro.max_tokens));
    }
    for (int r = 0; r < W; ++r) {
      if (m >= minis[r].size()) continue;
      std::vector<int64_t> l;
      for (int i : minis[r][m]) l.push_back(lengths[i]);
      for (const auto& part : PlanMicroBatches(l, o.micro, count)) {
        std::vector<int> rows;
        for (int p : part) rows.push_back(minis[r][m][p]);
        layout[m][r].push_back(std::move(rows));
      }
    }
  }
  return layout;
}

}  // namespace upt::train
