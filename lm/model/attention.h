// Causal grouped-query attention kernels in plain torch ops, device-agnostic.
//   q: [B, Hkv, G, T, D]  (G = query heads per KV head; rotary already applied)
//   k, v: [B, Hkv, S, D]  (S keys; query t sits at key slot offset + t)
//   key_valid: [B, S] bool (false = padding slot)
// Query (slot offset + t) attends to valid slots j <= offset + t, and always to
// itself, so fully padded rows stay finite (the convention of lm/model/qwen2.cpp).
// Returns [B, Hkv, G, T, D] in q's dtype; scores and softmax statistics in float32.
#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>

namespace upt::lm {

// Reference: materialises the [B, Hkv, G, T, S] scores (plain autograd).
at::Tensor NaiveAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& key_valid,
                          int64_t offset);

// Block-wise online softmax (FlashAttention's recurrence, Dao et al. 2022, written as
// torch ops): queries and keys in blocks of `block`, never more than
// [B, Hkv, G, block, block] scores alive; key blocks entirely in a query block's
// future are skipped. A custom autograd Function keeps only q, k, v, the output and
// the row log-sum-exp [B, Hkv, G, T], and recomputes each score block in backward.
at::Tensor BlockAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& key_valid,
                          int64_t offset, int64_t block);

}  // namespace upt::lm
