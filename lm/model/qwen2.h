// Decoder-only transformer for the Qwen2 and LLaMA families, one code path
// (Qwen2ForCausalLM / LlamaForCausalLM as in Hugging Face transformers'
// modeling_qwen2.py / modeling_llama.py): token embedding, pre-norm blocks of
// grouped-query attention (q/k/v and o biases as the config says, rotary embeddings
// with rope_theta and optional llama3 scaling) and SwiGLU MLP (optional biases),
// RMSNorm, tied or untied lm_head. The class keeps its historical name. Parameter names are the HF tensor names
// (named_parameters() yields "model.layers.0.self_attn.q_proj.weight", ...).
//
// This header keeps <torch/torch.h> out: only the module base is included.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "lm/io/qwen2_config.h"

namespace upt::lm {

// Key/value cache for incremental decoding. Slots are shared by all rows; a row
// whose prompt is shorter than the batch's longest is left-padded (its leading
// slots have key_valid = false).
struct KvCache {
  std::vector<at::Tensor> k, v;  // per layer: [B, Hkv, capacity, D]
  at::Tensor key_valid;          // [B, capacity] bool: slot holds a real token
  at::Tensor next_pos;           // [B] int64: position id of each row's next token
  int64_t length = 0;            // slots [0, length) are filled
  int64_t batch() const;
  int64_t capacity() const;
  // Keeps rows `rows` ([R] int64, repeats allowed) in that order: expands a
  // prompt's cache to its samples, or drops finished rows.
  void SelectRows(const at::Tensor& rows);
};

// Memory-saving switches for training (all off = the reference computation).
struct MemoryOptions {
  bool gradient_checkpointing = false;  // keep only each decoder layer's input; recompute the layer in backward
  int64_t attention_block = 0;          // > 0: block-wise online-softmax attention (lm/model/attention.h) with
                                        // blocks of this many queries/keys in the uncached forward; 0: naive
  int64_t logits_chunk = 0;             // > 0: TokenLogProbs computes log-softmax/entropy over this many
                                        // positions at a time, recomputing them in backward; 0: whole batch
};

// Rotary tables for a batch of positions: cos, sin [B, 1, T, D] in the model's dtype.
struct RotaryTables {
  at::Tensor cos, sin;
};

// One decoder layer's attention inputs: q [B, H, T, D], k and v [B, Hkv, T, D],
// rotary applied to q and k.
struct LayerQkv {
  at::Tensor q, k, v;
};

class Qwen2BackboneImpl;  // "model.*" (embed_tokens, layers, norm), defined in qwen2.cpp

class Qwen2ForCausalLMImpl : public torch::nn::Module {
 public:
  explicit Qwen2ForCausalLMImpl(io::Qwen2Config config);

  // Full (teacher-forced) forward, differentiable.
  //   tokens:         [B, T] int64
  //   attention_mask: [B, T] (1 = token, 0 = padding) or undefined (all tokens);
  //                   position ids are cumsum(mask) - 1, so left or right padding both work.
  //   returns logits  [B, T, V] float32.
  at::Tensor forward(const at::Tensor& tokens, const at::Tensor& attention_mask = {});

  // Same as forward() but returns the final hidden states [B, T, d] (after the norm).
  at::Tensor Hidden(const at::Tensor& tokens, const at::Tensor& attention_mask = {});
  // hidden [.., d] -> logits [.., V].
  at::Tensor Logits(const at::Tensor& hidden);

  // An empty cache for `batch` rows and up to `capacity` tokens, on the model's device.
  KvCache NewCache(int64_t batch, int64_t capacity);
  // Appends tokens [B, T] (mask as in forward(), or undefined) to the cache and
  // returns logits [B, T, V] ([B, 1, V] for the last slot only when last_only).
  // Needs cache->length + T <= capacity. Use under NoGradGuard.
  at::Tensor ForwardCached(const at::Tensor& tokens, KvCache* cache, const at::Tensor& attention_mask = {},
                           bool last_only = false);

  // The decoder's pieces, for forwards that keep K/V elsewhere (the generation
  // engine's paged cache, lm/generate/paged_forward.cpp). Run() is built from the
  // same calls, so the arithmetic lives once. Layer l of a forward is
  //   qkv = LayerAttentionInputs(l, x, rope); attn = Attention(qkv.q, K, V, mask);
  //   x = LayerOutput(l, x, attn)
  // with K/V [B, Hkv, S, D] the layer's cached keys/values including qkv.k/qkv.v.
  int64_t num_layers() const;
  at::Tensor Embed(const at::Tensor& tokens);            // [B, T] int64 on the device -> [B, T, d]
  RotaryTables Rotary(const at::Tensor& positions);      // [B, T] int64 position ids
  at::Tensor AdditiveMask(const at::Tensor& allowed);    // [B, T, S] bool -> [B, 1, 1, T, S], 0 or the dtype's lowest
  // Input RMSNorm, q/k/v projections (with the config's biases), rotary. x [B, T, d].
  LayerQkv LayerAttentionInputs(int64_t layer, const at::Tensor& x, const RotaryTables& rope);
  // Grouped-query softmax attention (float32 softmax). q [B, H, T, D], k/v [B, Hkv, S, D],
  // mask [B, 1, 1, T, S] additive -> [B, T, H * D].
  at::Tensor Attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask) const;
  // x + o_proj(attn), then + MLP(post-attention RMSNorm). x [B, T, d], attn [B, T, H * D].
  at::Tensor LayerOutput(int64_t layer, const at::Tensor& x, const at::Tensor& attn);
  at::Tensor FinalNorm(const at::Tensor& x);             // [.., d] -> [.., d]

  const io::Qwen2Config& config() const { return config_; }
  at::Device device() const;
  at::ScalarType dtype() const;       // parameters' dtype (float32, or bfloat16 for mixed precision)
  const at::Tensor& lm_head_weight() const { return lm_head_; }  // [V, d]

  const MemoryOptions& memory_options() const { return memory_; }
  void set_memory_options(const MemoryOptions& m) { memory_ = m; }
  // HF's model.gradient_checkpointing_enable() / verl's model.enable_gradient_checkpointing.
  void enable_gradient_checkpointing(bool on = true) { memory_.gradient_checkpointing = on; }

 private:
  at::Tensor Run(const at::Tensor& tokens, const at::Tensor& attention_mask, KvCache* cache);
  io::Qwen2Config config_;
  MemoryOptions memory_;
  std::shared_ptr<Qwen2BackboneImpl> model_;
  at::Tensor lm_head_;  // [V, d]; the embedding matrix when tied
  at::Tensor inv_freq_;  // [D/2] rotary inverse frequencies (buffer, not saved)
};
TORCH_MODULE(Qwen2ForCausalLM);

}  // namespace upt::lm
