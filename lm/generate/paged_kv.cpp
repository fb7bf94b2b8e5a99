#include "lm/generate/paged_kv.h"

#include <algorithm>
#include <functional>

#include <torch/torch.h>

#include "core/error.h"
#include "lm/model/qwen2.h"

namespace upt::lm {

struct PagedKvCache::Storage {
  std::vector<torch::Tensor> k, v;
};

PagedKvCache::PagedKvCache(const Qwen2ForCausalLMImpl& model, int block_size, int64_t num_blocks)
    : s_(std::make_unique<Storage>()), block_size_(block_size) {
  UPT_CHECK(block_size > 0 && num_blocks > 0, "paged KV cache needs positive block size and count");
  const auto& c = model.config();
  auto opts = torch::TensorOptions().dtype(model.parameters().front().scalar_type()).device(model.device());
  for (int l = 0; l < c.num_hidden_layers; ++l) {
    s_->k.push_back(torch::empty({c.num_key_value_heads, num_blocks * block_size, c.HeadDim()}, opts));
    s_->v.push_back(torch::empty({c.num_key_value_heads, num_blocks * block_size, c.HeadDim()}, opts));
  }
  refs_.assign(static_cast<size_t>(num_blocks), 0);
  free_.resize(static_cast<size_t>(num_blocks));
  for (int64_t b = 0; b < num_blocks; ++b) free_[static_cast<size_t>(b)] = b;
  std::make_heap(free_.begin(), free_.end(), std::greater<int64_t>());
}

PagedKvCache::~PagedKvCache() = default;

int64_t PagedKvCache::bytes_per_block() const {
  int64_t bytes = 0;
  for (const auto& t : s_->k) bytes += 2 * t.element_size() * t.numel() / num_blocks();
  return bytes;
}

int64_t PagedKvCache::Allocate() {
  if (free_.empty()) return -1;
  std::pop_heap(free_.begin(), free_.end(), std::greater<int64_t>());
  const int64_t b = free_.back();
  free_.pop_back();
  refs_[static_cast<size_t>(b)] = 1;
  peak_used_ = std::max(peak_used_, used_blocks());
  return b;
}

void PagedKvCache::Retain(int64_t block) {
  UPT_CHECK(refs_[static_cast<size_t>(block)] > 0, "retaining a free KV block");
  ++refs_[static_cast<size_t>(block)];
}

void PagedKvCache::Release(int64_t block) {
  int& r = refs_[static_cast<size_t>(block)];
  UPT_CHECK(r > 0, "releasing a free KV block");
  if (--r == 0) {
    free_.push_back(block);
    std::push_heap(free_.begin(), free_.end(), std::greater<int64_t>());
  }
}

void PagedKvCache::CopyBlock(int64_t from, int64_t to, int slots) {
  for (auto* pool : {&s_->k, &s_->v})
    for (auto& t : *pool) t.narrow(1, to * block_size_, slots).copy_(t.narrow(1, from * block_size_, slots));
}

at::Tensor& PagedKvCache::k(int layer) { return s_->k[static_cast<size_t>(layer)]; }
at::Tensor& PagedKvCache::v(int layer) { return s_->v[static_cast<size_t>(layer)]; }

std::vector<int64_t> SlotIds(const std::vector<int64_t>& blocks, int block_size, int64_t length, int64_t pad_to) {
  std::vector<int64_t> out(static_cast<size_t>(std::max(length, pad_to)), 0);
  for (int64_t p = 0; p < length; ++p)
    out[static_cast<size_t>(p)] = blocks[static_cast<size_t>(p / block_size)] * block_size + p % block_size;
  return out;
}

}  // namespace upt::lm
