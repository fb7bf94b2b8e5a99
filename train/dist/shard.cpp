#include "train/dist/shard.h"

#include <algorithm>
#include <string>

#include "core/error.h"

namespace upt::train::dist {

ShardRange ShardOf(int count, int rank, int world_size) {
  UPT_CHECK(world_size >= 1 && rank >= 0 && rank < world_size && count >= 0,
            "ShardOf(count=" + std::to_string(count) + ", rank=" + std::to_string(rank) +
                ", world_size=" + std::to_string(world_size) + ")");
  const int base = count / world_size, extra = count % world_size;
  ShardRange r;
  r.begin = rank * base + (rank < extra ? rank : extra);
  r.end = r.begin + base + (rank < extra ? 1 : 0);
  return r;
}

std::vector<int> OwnedRows(int num_questions, int group_size, int rank, int world_size) {
  UPT_CHECK(group_size >= 1, "OwnedRows: group_size must be >= 1");
  const ShardRange q = ShardOf(num_questions, rank, world_size);
  std::vector<int> rows;
  rows.reserve(static_cast<size_t>(q.size()) * group_size);
  for (int i = q.begin; i < q.end; ++i)
    for (int j = 0; j < group_size; ++j) rows.push_back(i * group_size + j);
  return rows;
}

std::vector<int> OwnedQuestions(int num_questions, int minibatch_questions, int rank, int world_size) {
  UPT_CHECK(minibatch_questions >= 1, "OwnedQuestions: minibatch_questions must be >= 1");
  std::vector<int> out;
  for (int q0 = 0; q0 < num_questions; q0 += minibatch_questions) {
    const int m = std::min(minibatch_questions, num_questions - q0);
    const ShardRange r = ShardOf(m, rank, world_size);
    for (int i = r.begin; i < r.end; ++i) out.push_back(q0 + i);
  }
  return out;
}

int OwnerOf(int i, int count, int world_size) {
  UPT_CHECK(i >= 0 && i < count, "OwnerOf: index out of range");
  const int base = count / world_size, extra = count % world_size;
  const int cut = extra * (base + 1);  // items held by the ranks with one extra
  return i < cut ? i / (base + 1) : extra + (i - cut) / base;
}

}  // namespace upt::train::dist
