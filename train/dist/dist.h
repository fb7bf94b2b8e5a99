// Data-parallel collectives for the trainer over PyTorch's c10d process groups
// (ProcessGroupGloo on CPU; ProcessGroupNCCL when libtorch has CUDA and
// UPT_DIST_BACKEND=nccl, or by default when the build has NCCL and a GPU is visible).
// See docs/distributed.md.
//
// Rendezvous follows torchrun / SLURM conventions: RANK, WORLD_SIZE, LOCAL_RANK,
// MASTER_ADDR, MASTER_PORT (TCPStore served by rank 0), or UPT_DIST_FILESTORE=path
// (c10d::FileStore on a shared file system). With WORLD_SIZE unset or 1 the context
// is a no-op: every collective returns its input, so single-process code needs no
// branches.
//
// Failure contract: every collective waits at most `timeout_seconds`; a peer that
// exited or hangs turns into upt::Error naming this rank, the collective and the
// timeout, never a hang.
//
// Gradient contract (2 ranks == 1 rank): each rank computes its loss over its own
// rows but with the GLOBAL normaliser (e.g. divide by the global token count, not
// the local one); AllReduceGradients(kSum) then gives every rank the full-batch
// gradient. kMean (sum / world_size) is right only when every rank's loss is
// already a mean over an equal share of the global normaliser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace upt::train::dist {

// Where and who: parsed from the environment or filled by tests.
struct Rendezvous {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr;   // TCPStore host (rank 0 serves it); empty with a FileStore
  int master_port = 0;
  std::string file_store;    // c10d::FileStore path; takes precedence over MASTER_ADDR
  std::string interface;     // GLOO_SOCKET_IFNAME: network interface for Gloo pairs
};

struct DistOptions {
  int timeout_seconds = 60;  // rendezvous and every collective
};

// Reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT, UPT_DIST_FILESTORE,
// GLOO_SOCKET_IFNAME. Throws upt::Error on malformed or inconsistent values
// (e.g. RANK >= WORLD_SIZE, WORLD_SIZE > 1 without MASTER_ADDR/PORT or a FileStore).
Rendezvous RendezvousFromEnvironment();

enum class GradReduction { kSum, kMean };

class DistContext {
 public:
  // Single process: rank 0 of 1, every collective is the identity.
  DistContext();
  ~DistContext();
  DistContext(DistContext&&) noexcept;
  DistContext& operator=(DistContext&&) noexcept;

  // Joins the group described by `rv` (blocks until all ranks arrive or the timeout).
  static DistContext Create(const Rendezvous& rv, const DistOptions& opts = {});
  // Create(RendezvousFromEnvironment(), opts).
  static DistContext FromEnvironment(const DistOptions& opts = {});

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }
  int local_rank() const { return local_rank_; }
  bool is_main() const { return rank_ == 0; }   // writes logs and checkpoints
  bool distributed() const { return world_size_ > 1; }
  int timeout_seconds() const { return timeout_seconds_; }

  // Sums each parameter's .grad over ranks (then / world_size for kMean), in flat
  // buckets of at most `bucket_bytes` per dtype; a tensor at least as large as a
  // bucket is reduced in place (no copy). An undefined .grad counts as zeros (and
  // is created), so ranks whose graph did not touch a parameter still line up.
  void AllReduceGradients(const std::vector<at::Tensor>& params, GradReduction how = GradReduction::kSum,
                          std::size_t bucket_bytes = kDefaultBucketBytes);
  // Copies rank `root`'s parameter values into every rank (before the first step).
  void BroadcastParameters(const std::vector<at::Tensor>& params, int root = 0);
  // In-place sum over ranks of a list of dense CPU tensors (same shapes on all ranks).
  void AllReduceSum(std::vector<at::Tensor>& tensors);

  // ZeRO collectives on a flat float32 buffer split into world_size equal slices.
  // ReduceScatterSum: flat [world * n] summed over ranks, returns this rank's slice [n]
  // (NCCL: reduce_scatter; Gloo, which lacks it: all-reduce of the whole buffer, then the slice).
  // AllGatherShards: every rank's slice [n] concatenated in rank order -> [world * n].
  // One process: the identity (returns flat / shard).
  at::Tensor ReduceScatterSum(const at::Tensor& flat);
  at::Tensor AllGatherShards(const at::Tensor& shard);
  const char* backend() const;  // "none" (one process), "gloo" or "nccl"

  // Elementwise sums over ranks (metric reduction); sizes must agree across ranks.
  std::vector<double> AllReduceSum(const std::vector<double>& local);
  std::vector<std::int64_t> AllReduceSum(const std::vector<std::int64_t>& local);
  // Concatenation of every rank's vector in rank order; lengths may differ.
  std::vector<double> AllGather(const std::vector<double>& local);
  std::vector<std::int64_t> AllGather(const std::vector<std::int64_t>& local);
  void Barrier();

  static constexpr std::size_t kDefaultBucketBytes = 25u << 20;  // DDP's default, 25 MiB

  struct Impl;  // opaque (c10d store + process group)

 private:
  std::unique_ptr<Impl> impl_;
  int rank_ = 0, world_size_ = 1, local_rank_ = 0, timeout_seconds_ = 60;
};

}  // namespace upt::train::dist
