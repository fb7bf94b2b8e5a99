// Paged KV cache: fixed-size blocks of `block_size` token slots taken from one
// pool per layer and returned when a sequence ends, so memory follows the live
// tokens instead of rows x max length (the vLLM PagedAttention layout, Kwon et
// al. 2023; vllm-project/vllm vllm/core/block_manager.py). Blocks are
// reference-counted: the samples of one prompt share its blocks, and a shared
// block is copied before a sample writes into it (copy-on-write).
//
// Storage per layer: K and V as [Hkv, num_blocks * block_size, D] ("flat slots"
// per KV head, slot = block * block_size + offset; head-major so that a gather
// of a step's slots is already in the [Hkv, B, S, D] order attention multiplies
// in). The pool is created with torch::empty: on the CPU pages are only resident
// once written, and free blocks are reused lowest id first, so resident memory
// follows the peak number of live blocks.
// On CUDA the pool is allocated up front (size it with the token budget).
// Torch-free header.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace at {
class Tensor;
}

namespace upt::lm {

class Qwen2ForCausalLMImpl;

class PagedKvCache {
 public:
  // A pool of `num_blocks` blocks for `model`'s layers, KV heads and head size,
  // in the model's dtype and on its device.
  PagedKvCache(const Qwen2ForCausalLMImpl& model, int block_size, int64_t num_blocks);
  ~PagedKvCache();
  PagedKvCache(const PagedKvCache&) = delete;
  PagedKvCache& operator=(const PagedKvCache&) = delete;

  int block_size() const { return block_size_; }
  int64_t num_blocks() const { return static_cast<int64_t>(refs_.size()); }
  int64_t free_blocks() const { return static_cast<int64_t>(free_.size()); }
  int64_t used_blocks() const { return num_blocks() - free_blocks(); }
  int64_t peak_used_blocks() const { return peak_used_; }
  int64_t bytes_per_block() const;  // K and V of all layers

  // Takes the lowest free block (refcount 1); -1 when the pool is exhausted.
  int64_t Allocate();
  void Retain(int64_t block);
  void Release(int64_t block);  // back to the pool at refcount 0
  int refs(int64_t block) const { return refs_[static_cast<size_t>(block)]; }
  // Copies the first `slots` slots of block `from` into block `to` in every layer.
  void CopyBlock(int64_t from, int64_t to, int slots);

  at::Tensor& k(int layer);  // [Hkv, num_blocks * block_size, D]
  at::Tensor& v(int layer);

 private:
  struct Storage;
  std::unique_ptr<Storage> s_;
  int block_size_;
  std::vector<int> refs_;
  std::vector<int64_t> free_;  // a min-heap of free block ids
  int64_t peak_used_ = 0;
};

// The flat slot ids of positions [0, length) of a sequence whose block table is
// `blocks`, padded with `pad_to - length` copies of slot 0.
std::vector<int64_t> SlotIds(const std::vector<int64_t>& blocks, int block_size, int64_t length, int64_t pad_to);

}  // namespace upt::lm
