// Which whole groups (questions) of a global batch a rank owns. Torch-free and
// deterministic: the split depends only on (count, rank, world_size), so every
// rank computes every other rank's share without communicating.
#pragma once

#include <vector>

namespace upt::train::dist {

// Half-open range [begin, end) of items owned by one rank.
struct ShardRange {
  int begin = 0;
  int end = 0;
  int size() const { return end - begin; }
  bool contains(int i) const { return i >= begin && i < end; }
};

// Contiguous balanced split of `count` items over `world_size` ranks: the first
// count % world_size ranks get one extra item. Ranks beyond `count` get an empty
// range (a rank with no questions still joins every collective).
ShardRange ShardOf(int count, int rank, int world_size);

// Row indices owned by `rank` in a question-major batch of `num_questions` groups
// of `group_size` rows (row = question * group_size + j): whole groups only, so
// group statistics (GRPO advantages, HPT correct counts) need no communication.
std::vector<int> OwnedRows(int num_questions, int group_size, int rank, int world_size);

// Questions owned by `rank` when the batch is consumed in mini-batches of
// `minibatch_questions` consecutive questions (the trainer's ppo_mini_batch_size):
// every mini-batch [q0, q0 + m) is split with ShardOf, so each rank holds a share
// of EVERY mini-batch and all ranks take part in every update (splitting the whole
// batch instead would give whole mini-batches to single ranks). Ascending order.
std::vector<int> OwnedQuestions(int num_questions, int minibatch_questions, int rank, int world_size);

// The rank that owns item `i` under ShardOf(count, ., world_size).
int OwnerOf(int i, int count, int world_size);

}  // namespace upt::train::dist
