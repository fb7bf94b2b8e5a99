#include "lm/generate/paged_forward.h"

#include <algorithm>

#include <torch/torch.h>

#include "core/error.h"
#include "lm/generate/paged_kv.h"
#include "lm/model/qwen2.h"

namespace upt::lm {

PagedForward::PagedForward(Qwen2ForCausalLMImpl& model) : model_(model) {}

PagedForward::~PagedForward() = default;

at::Tensor PagedForward::Step(const std::vector<PagedSeq>& seqs, PagedKvCache* cache) {
  const auto& c = model_.config();
  const auto dev = model_.device();
  const int64_t B = static_cast<int64_t>(seqs.size()), T = seqs.at(0).count;
  const int64_t Hkv = c.num_key_value_heads, D = c.HeadDim();
  const int bs = cache->block_size();
  int64_t S = 0;
  for (const auto& s : seqs) {
    UPT_CHECK(s.count == T, "every sequence of a paged step has the same number of new tokens");
    S = std::max(S, s.start + T);
  }
  // Host-side tables: tokens, positions, write slots [B*T], read slots [B, S].
  std::vector<int64_t> tok(static_cast<size_t>(B * T)), pos(static_cast<size_t>(B * T)), write, read;
  write.reserve(static_cast<size_t>(B * T));
  read.reserve(static_cast<size_t>(B * S));
  for (int64_t i = 0; i < B; ++i) {
    const auto& s = seqs[static_cast<size_t>(i)];
    auto slots = SlotIds(*s.blocks, bs, s.start + T, S);
    for (int64_t t = 0; t < T; ++t) {
      tok[static_cast<size_t>(i * T + t)] = s.tokens[t];
      pos[static_cast<size_t>(i * T + t)] = s.start + t;
      write.push_back(slots[static_cast<size_t>(s.start + t)]);
    }
    read.insert(read.end(), slots.begin(), slots.end());
  }
  auto i64 = torch::TensorOptions().dtype(torch::kInt64);
  auto tokens = torch::tensor(tok, i64).view({B, T}).to(dev);
  auto positions = torch::tensor(pos, i64).view({B, T}).to(dev);
  auto write_idx = torch::tensor(write, i64).to(dev);
  auto read_idx = torch::tensor(read, i64).to(dev);
  // Query at position p sees keys j <= p; slots past a sequence's length are padding.
  auto k_pos = torch::arange(S, i64.device(dev)).view({1, 1, S});
  auto mask = model_.AdditiveMask(k_pos <= positions.unsqueeze(-1));  // [B, 1, 1, T, S]
  const auto rope = model_.Rotary(positions);

  auto x = model_.Embed(tokens);  // [B, T, d]
  for (int64_t l = 0; l < model_.num_layers(); ++l) {
    auto qkv = model_.LayerAttentionInputs(l, x, rope);
    auto& kp = cache->k(static_cast<int>(l));
    auto& vp = cache->v(static_cast<int>(l));
    kp.index_copy_(1, write_idx, qkv.k.permute({1, 0, 2, 3}).reshape({Hkv, B * T, D}));
    vp.index_copy_(1, write_idx, qkv.v.permute({1, 0, 2, 3}).reshape({Hkv, B * T, D}));
    // [B, Hkv, S, D] views of KV-head-major gathers (no copy in Attention).
    auto keys = kp.index_select(1, read_idx).view({Hkv, B, S, D}).transpose(0, 1);
    auto vals = vp.index_select(1, read_idx).view({Hkv, B, S, D}).transpose(0, 1);
    x = model_.LayerOutput(l, x, model_.Attention(qkv.q, keys, vals, mask));
  }
  auto last = model_.FinalNorm(x.select(1, T - 1));  // [B, d]
  return model_.Logits(last).to(torch::kFloat32);
}

}  // namespace upt::lm
