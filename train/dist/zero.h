// ZeRO-2 style AdamW over DistContext (Rajbhandari et al. 2020, "ZeRO", stage 2):
// the parameters are viewed as one flat vector of N values, cut into buckets of at
// most `bucket_values`; each bucket is padded to world_size * n and rank r owns slice
// [r n, (r + 1) n) of its float32 master weights and AdamW exp_avg / exp_avg_sq
// (optimizer state 12 N / world_size bytes per rank). One Step(), bucket by bucket:
//   1. flattens every .grad (any dtype) into float32 and sums it over ranks,
//      keeping only this rank's slice: reduce-scatter on NCCL; Gloo has no
//      reduce_scatter, so there it is an all-reduce followed by a slice;
//   2. runs AdamW (torch::optim::AdamW's update, decoupled weight decay) on the slice;
//   3. all-gathers the updated slices and copies them into the parameters, cast to
//      their dtype (bf16 parameters = mixed precision with float32 master weights).
// With shard = false (or one rank) every rank keeps the whole state: the same class is
// the single-process mixed-precision optimizer. Results do not depend on world_size
// beyond float rounding of the gradient sum (tests/train/dist/zero_test.cpp).
//
// Clipping by the global norm without whole gradients (the trainer's path,
// train/loop/update.cpp): ReduceGradients() does step 1 for every bucket, keeps the
// float32 slices, releases the parameters' .grad and returns the global L2 norm
// (squared slice norms summed over ranks); ScaleGradients() clips the slices;
// Step() then runs steps 2-3 on them, or DropGradients() skips the update.
//
// Gradient contract: as DistContext::AllReduceGradients(kSum): each rank's loss is
// already divided by the GLOBAL normaliser.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "train/dist/dist.h"

namespace torch::optim {
class Optimizer;
}
namespace torch::serialize {
class InputArchive;
}

namespace upt::train::dist {

struct AdamWConfig {
  double lr = 1e-6;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
};

class ShardedAdamW {
 public:
  // `params` are the model's parameters (kept by reference: Step() writes them);
  // `dist` must outlive the optimizer (a single-process DistContext is fine).
  ShardedAdamW(const std::vector<at::Tensor>& params, const AdamWConfig& config, DistContext* dist, bool shard = true,
               int64_t bucket_values = kDefaultBucketValues);
  static constexpr int64_t kDefaultBucketValues = int64_t{1} << 24;  // 16 Mi values: 64 MiB float32 transients
  ~ShardedAdamW();
  ShardedAdamW(const ShardedAdamW&) = delete;
  ShardedAdamW& operator=(const ShardedAdamW&) = delete;

  void set_lr(double lr);
  double lr() const;
  void ZeroGrad();  // sets every parameter's .grad to zero (defined, so ranks line up)
  // Collective: every rank calls it. grads_reduced = the caller already summed .grad
  // over ranks (e.g. all-reduced to clip by the global norm): no gradient collective.
  // With slices from ReduceGradients() pending, Step uses them (and ignores grads_reduced).
  void Step(bool grads_reduced = false);

  // Collective: sums .grad over ranks into this rank's float32 slices (reduce-scatter
  // per bucket; an undefined .grad counts as zeros), releases every .grad and returns
  // the L2 norm of the whole summed gradient (equal on every rank).
  double ReduceGradients();
  void ScaleGradients(double factor);  // multiplies the pending slices (clipping)
  void DropGradients();                // discards the pending slices (a skipped update)
  bool has_reduced_gradients() const;

  // Whole state in one file, independent of world size: collective (rank 0 gathers and
  // writes atomically). LoadWhole: every rank reads the file and keeps its slice, so a
  // run resumes on any world size. Tensors: master [N] f32, exp_avg [N], exp_avg_sq [N],
  // step [1] int64 (torch::serialize archive).
  void SaveWhole(const std::string& path);
  void LoadWhole(const std::string& path);

  at::Tensor master() const;    // this rank's float32 master slices, concatenated (the whole [N] unsharded)
  int64_t numel() const;        // N
  int64_t shard_numel() const;  // sum of this rank's slices (padding included)
  int64_t steps() const;
  bool sharded() const;

  struct Impl;
  Impl* impl() const { return impl_.get(); }
  // LoadWhole from an open archive (`where` names it in errors).
  void LoadArchive(torch::serialize::InputArchive& archive, const std::string& where);

 private:
  std::unique_ptr<Impl> impl_;
};

// A torch::optim::Optimizer over ShardedAdamW, for loops written against torch's
// optimizers (train/loop/trainer.cpp): one param group whose AdamWOptions carry the
// learning rate (set it there), step() = Step(grads_reduced), torch::save/load write or
// read the whole state (any world size). When sharded, every rank must call
// GatherOptimizerForSave right before rank 0 saves.
std::unique_ptr<torch::optim::Optimizer> MakeZeroAdamW(const std::vector<at::Tensor>& params, const AdamWConfig& config,
                                                       DistContext* dist, bool shard, bool grads_reduced);
// The ShardedAdamW behind a MakeZeroAdamW optimizer; nullptr for any other optimizer.
ShardedAdamW* ZeroOptimizerOf(torch::optim::Optimizer& optimizer);
// Collective for MakeZeroAdamW optimizers (caches the whole state on rank 0); a no-op
// for any other optimizer.
void GatherOptimizerForSave(torch::optim::Optimizer& optimizer);

}  // namespace upt::train::dist
