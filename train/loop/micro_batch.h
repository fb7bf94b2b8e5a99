// How one training step's rows become optimizer steps and micro-batches
// (gradient accumulation). Torch-free planning; the trainer runs the plan.
//
// Two layouts (actor.loss_norm, docs/train.md "Micro-batches and normalisation"):
//   global    mini-batches of ppo_mini_batch_size whole questions; each rank's
//             share split into micro-batches (PlanMicroBatches). The loss uses
//             the mini-batch's normalisers over all ranks, so the gradient does
//             not depend on micro-batching or the rank count.
//   upstream  HPT/verl (mix_actor.py update_policy, ray_trainer._balance_batch):
//             the routed rows are balanced over W virtual ranks by length
//             (Karmarkar-Karp, equal counts), each rank's rows are cut into
//             mini-batches of ppo_mini_batch_size·n/W rows and each mini-batch
//             into micro-batches; every micro-batch's loss has its own
//             normalisers and is back-propagated whole (gradient accumulation
//             1), and gradients are averaged over the W ranks.
#pragma once

#include <cstdint>
#include <vector>

namespace upt::train {

struct MicroBatchOptions {
  int rows = 0;               // actor.ppo_micro_batch_size_per_gpu; 0 = the whole mini-batch
  bool dynamic = false;       // actor.use_dynamic_bsz
  int64_t max_tokens = 16384; // actor.ppo_max_token_len_per_gpu (prompt + response tokens)
};

// verl get_seqlen_balanced_partitions (seqlen_balancing.py): Karmarkar-Karp
// largest differencing of `lengths` into k parts (equal item counts when
// `equal_size`), with Python heapq's order so ties split as upstream; each part
// lists positions into `lengths`, ascending. Requires k <= lengths.size().
std::vector<std::vector<int>> BalancedPartitions(const std::vector<int64_t>& lengths, int k, bool equal_size);

// ceil(Σ lengths / max_tokens), at least 1 (verl rearrange_micro_batches).
int DynamicMicroBatchCount(const std::vector<int64_t>& lengths, int64_t max_tokens);

// The micro-batches of one mini-batch, as positions into `lengths` (tokens per
// row). Dynamic: max(DynamicMicroBatchCount, min_count) balanced parts (capped
// at the row count); fixed: consecutive runs of o.rows rows; else one part.
std::vector<std::vector<int>> PlanMicroBatches(const std::vector<int64_t>& lengths, const MicroBatchOptions& o,
                                               int min_count = 0);

struct UpstreamLayoutOptions {
  int world = 8;               // virtual ranks W (actor.virtual_world_size)
  int mini_batch_rows = 512;   // rows per optimizer step over all ranks (ppo_mini_batch_size · n)
  MicroBatchOptions micro;
};

// [optimizer step][virtual rank][micro-batch] -> row positions into `lengths`.
using UpstreamLayout = std::vector<std::vector<std::vector<std::vector<int>>>>;

// The upstream layout of a step's routed rows (in the trainer's row order).
// Rows are padded to a multiple of W with copies of the first rows (dropped
// again before mini-batching: `whether_pad`), balanced over W ranks, cut into
// mini-batches of mini_batch_rows / W rows per rank; dynamic micro-batch counts
// take the max over ranks as verl's all-reduce does. A rank with fewer
// mini-batches contributes nothing to the later optimizer steps.
UpstreamLayout PlanUpstreamLayout(const std::vector<int64_t>& lengths, const UpstreamLayoutOptions& o);

}  // namespace upt::train
