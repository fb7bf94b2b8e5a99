// The decoder forward over a paged KV cache, for the generation engine.
//
// Contract: the model's own per-layer pieces (Qwen2ForCausalLMImpl::Embed,
// Rotary, LayerAttentionInputs, Attention, LayerOutput, FinalNorm in
// lm/model/qwen2.cpp, which its dense forward is built from), with per-sequence
// positions and keys gathered from the block pool: the step's K/V are written to
// their slots, then each layer gathers every sequence's slots into a contiguous
// [Hkv, B, S, D] tensor (index_select on the slot table), passed to Attention as
// its [B, Hkv, S, D] transpose, and attends over it with a per-row length mask. The same torch ops run on CUDA (the gather is one
// index_select per layer on the device); no custom kernel. Tested against
// model->forward (tests/lm/generate/engine_test.cpp). Torch-free header.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace at {
class Tensor;
}

namespace upt::lm {

class Qwen2ForCausalLMImpl;
class PagedKvCache;

// One sequence's part of a step: `tokens` at positions [start, start + T) of a
// sequence whose blocks already cover start + T positions.
struct PagedSeq {
  const int32_t* tokens = nullptr;
  int64_t count = 0;   // T (equal for every sequence of a step)
  int64_t start = 0;   // tokens already in the cache
  const std::vector<int64_t>* blocks = nullptr;
};

class PagedForward {
 public:
  explicit PagedForward(Qwen2ForCausalLMImpl& model);
  ~PagedForward();
  // Writes the step's K/V into `cache` and returns the logits of each
  // sequence's last new token: [B, V] float32 on the model's device.
  at::Tensor Step(const std::vector<PagedSeq>& seqs, PagedKvCache* cache);

 private:
  Qwen2ForCausalLMImpl& model_;
};

}  // namespace upt::lm
