#include "lm/model/qwen2.h"

#include <cmath>
#include <limits>

#include <torch/torch.h>

#include "core/error.h"
#include "lm/model/attention.h"

namespace upt::lm {
namespace {

namespace F = torch::nn::functional;
using torch::indexing::Slice;

// q, k: [B, H, T, D]; cos, sin: [B, 1, T, D]. HF's rotate_half convention.
torch::Tensor ApplyRope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  auto x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
  return x * cos + torch::cat({-x2, x1}, -1) * sin;
}

// [D/2] float32 rotary inverse frequencies: 1 / theta^(2i / D) as HF computes them
// (float32), then, for rope_type llama3, transformers modeling_rope_utils.py
// _compute_llama3_parameters: wavelengths 2*pi/f longer than
// original_max_position_embeddings / low_freq_factor are divided by `factor`, shorter
// than .../ high_freq_factor kept, and the band between interpolated with
// s = (original_max / wavelength - low) / (high - low): (1 - s) f / factor + s f.
torch::Tensor RopeInverseFrequencies(const io::DecoderConfig& c) {
  const int64_t D = c.HeadDim();
  auto exponents = torch::arange(0, D, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(D);
  auto inv_freq = 1.0 / torch::pow(torch::scalar_tensor(c.rope_theta, torch::kFloat32).to(torch::kFloat32), exponents);
  if (!c.rope_scaling.llama3) return inv_freq;
  const auto& r = c.rope_scaling;
  const double old_len = r.original_max_position_embeddings;
  const double low_wavelen = old_len / r.low_freq_factor, high_wavelen = old_len / r.high_freq_factor;
  auto wavelen = 2.0 * M_PI / inv_freq;
  auto scaled = torch::where(wavelen > low_wavelen, inv_freq / r.factor, inv_freq);
  auto smooth = (old_len / wavelen - r.low_freq_factor) / (r.high_freq_factor - r.low_freq_factor);
  auto smoothed = (1 - smooth) * scaled / r.factor + smooth * scaled;
  auto medium = (wavelen >= high_wavelen).logical_and(wavelen <= low_wavelen);
  return torch::where(medium, smoothed, scaled);
}

// Plain module with a single "weight" parameter (HF's RMSNorm / lm_head naming).
torch::nn::Module& WeightHolder(torch::nn::Module& parent, const std::string& name, torch::Tensor init,
                                torch::Tensor* out) {
  auto m = std::make_shared<torch::nn::Module>();
  *out = m->register_parameter("weight", init);
  parent.register_module(name, m);
  return *m;
}

struct RmsNorm {
  torch::Tensor weight;
  double eps;
  // x [.., d] -> [.., d]; statistics in float32 as in HF.
  torch::Tensor operator()(const torch::Tensor& x) const {
    auto h = x.to(torch::kFloat32);
    auto var = h.pow(2).mean(-1, true);
    h = h * torch::rsqrt(var + eps);
    return weight * h.to(x.scalar_type());
  }
};

// Additive mask value: the dtype's lowest finite value (float32: as before; bf16/f16
// cannot hold float's lowest).
double MaskedScore(torch::ScalarType dtype) {
  if (dtype == torch::kBFloat16) return static_cast<double>(std::numeric_limits<c10::BFloat16>::lowest());
  if (dtype == torch::kHalf) return static_cast<double>(std::numeric_limits<c10::Half>::lowest());
  return std::numeric_limits<float>::lowest();
}

// [B, Hkv, G*T, D] or [B, Hkv, G, T, D] (head h = kv head h / G) -> [B, T, H * D].
torch::Tensor MergeHeads(const torch::Tensor& out, int64_t B, int64_t H, int64_t T, int64_t D) {
  return out.reshape({B, H, T, D}).transpose(1, 2).reshape({B, T, H * D});
}

// Naive grouped-query attention: q [B, H, T, D], k/v [B, Hkv, S, D] (head h reads
// kv head h / G; no K/V repeat), additive mask [B, 1, 1, T, S]; scores scaled by
// 1/sqrt(D), softmax in float32. Returns [B, T, H * D] in q's dtype.
// K/V stored KV-head-major (k.transpose(0, 1) contiguous, as the paged cache's
// gathers) are used in that batch order without a copy; each (row, head) product
// is the same GEMM on the same [S, D] block either way, so results are identical.
torch::Tensor GroupedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& mask) {
  const int64_t B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3), Hkv = k.size(1), S = k.size(2);
  const int64_t G = H / Hkv;
  const bool head_major = B > 1 && Hkv > 1 && k.transpose(0, 1).is_contiguous() && v.transpose(0, 1).is_contiguous();
  auto qg = q.reshape({B, Hkv, G * T, D});
  auto kk = k, vv = v, mm = mask;
  if (head_major) {
    qg = qg.transpose(0, 1);  // [Hkv, B, G*T, D]
    kk = k.transpose(0, 1);
    vv = v.transpose(0, 1);
    mm = mask.reshape({1, B, 1, T, S});
  }
  const int64_t b0 = head_major ? Hkv : B, b1 = head_major ? B : Hkv;
  auto scores = torch::matmul(qg, kk.transpose(-1, -2)).view({b0, b1, G, T, S});
  scores = scores * (1.0 / std::sqrt(static_cast<double>(D))) + mm;
  auto probs = torch::softmax(scores.to(torch::kFloat32), -1).to(q.scalar_type());
  auto out = torch::matmul(probs.view({b0, b1, G * T, S}), vv);
  return MergeHeads(head_major ? out.transpose(0, 1) : out, B, H, T, D);
}

// What every decoder layer of one forward shares.
struct LayerInputs {
  RotaryTables rope;         // [B, 1, T, D] cos, sin
  torch::Tensor mask;        // [B, 1, 1, T, S] additive (naive attention only)
  torch::Tensor key_valid;   // [B, S] bool (block attention only)
  int64_t offset = 0;        // slot of the first query
  int64_t block = 0;         // > 0: BlockAttention with this block size
};

}  // namespace

class Qwen2AttentionImpl : public torch::nn::Module {
 public:
  explicit Qwen2AttentionImpl(const io::Qwen2Config& c)
      : heads_(c.num_attention_heads), kv_heads_(c.num_key_value_heads), head_dim_(c.HeadDim()) {
    const int64_t d = c.hidden_size;
    auto lin = [](int64_t i, int64_t o, bool bias) { return torch::nn::Linear(torch::nn::LinearOptions(i, o).bias(bias)); };
    q_proj = register_module("q_proj", lin(d, heads_ * head_dim_, c.qkv_bias));
    k_proj = register_module("k_proj", lin(d, kv_heads_ * head_dim_, c.qkv_bias));
    v_proj = register_module("v_proj", lin(d, kv_heads_ * head_dim_, c.qkv_bias));
    o_proj = register_module("o_proj", lin(heads_ * head_dim_, d, c.o_proj_bias));
  }

  // x [B, T, d] (normed) -> q [B, H, T, D], k/v [B, Hkv, T, D], rotary on q and k.
  LayerQkv Project(const torch::Tensor& x, const RotaryTables& rope) {
    const int64_t B = x.size(0), T = x.size(1);
    auto q = q_proj(x).view({B, T, heads_, head_dim_}).transpose(1, 2);
    auto k = k_proj(x).view({B, T, kv_heads_, head_dim_}).transpose(1, 2);
    auto v = v_proj(x).view({B, T, kv_heads_, head_dim_}).transpose(1, 2);
    return {ApplyRope(q, rope.cos, rope.sin), ApplyRope(k, rope.cos, rope.sin), v};
  }

  // Attention over the step's keys, or the cache's when given: k_cache/v_cache
  // [B, Hkv, cap, D] (the step's K/V written at in.offset). Returns [B, T, H * D].
  torch::Tensor Attend(const LayerQkv& qkv, const LayerInputs& in, torch::Tensor* k_cache, torch::Tensor* v_cache) {
    const int64_t B = qkv.q.size(0), T = qkv.q.size(2), G = heads_ / kv_heads_;
    auto k = qkv.k, v = qkv.v;
    if (k_cache) {
      k_cache->narrow(2, in.offset, T).copy_(k);
      v_cache->narrow(2, in.offset, T).copy_(v);
      k = k_cache->narrow(2, 0, in.offset + T);
      v = v_cache->narrow(2, 0, in.offset + T);
    }
    if (in.block == 0) return GroupedAttention(qkv.q, k, v, in.mask);
    auto out = BlockAttention(qkv.q.view({B, kv_heads_, G, T, head_dim_}), k, v, in.key_valid, in.offset, in.block);
    return MergeHeads(out, B, heads_, T, head_dim_);
  }

  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

 private:
  int64_t heads_, kv_heads_, head_dim_;
};
TORCH_MODULE(Qwen2Attention);

class Qwen2MlpImpl : public torch::nn::Module {
 public:
  explicit Qwen2MlpImpl(const io::Qwen2Config& c) {
    auto lin = [&](int64_t i, int64_t o) { return torch::nn::Linear(torch::nn::LinearOptions(i, o).bias(c.mlp_bias)); };
    gate_proj = register_module("gate_proj", lin(c.hidden_size, c.intermediate_size));
    up_proj = register_module("up_proj", lin(c.hidden_size, c.intermediate_size));
    down_proj = register_module("down_proj", lin(c.intermediate_size, c.hidden_size));
  }
  torch::Tensor forward(const torch::Tensor& x) { return down_proj(torch::silu(gate_proj(x)) * up_proj(x)); }
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(Qwen2Mlp);

class Qwen2LayerImpl : public torch::nn::Module {
 public:
  explicit Qwen2LayerImpl(const io::Qwen2Config& c) {
    self_attn = register_module("self_attn", Qwen2Attention(c));
    mlp = register_module("mlp", Qwen2Mlp(c));
    input_layernorm.eps = post_attention_layernorm.eps = c.rms_norm_eps;
    WeightHolder(*this, "input_layernorm", torch::ones({c.hidden_size}), &input_layernorm.weight);
    WeightHolder(*this, "post_attention_layernorm", torch::ones({c.hidden_size}), &post_attention_layernorm.weight);
  }
  torch::Tensor forward(const torch::Tensor& x, const LayerInputs& in, torch::Tensor* k_cache,
                        torch::Tensor* v_cache) {
    return Output(x, self_attn->Attend(AttentionInputs(x, in.rope), in, k_cache, v_cache));
  }
  LayerQkv AttentionInputs(const torch::Tensor& x, const RotaryTables& rope) {
    return self_attn->Project(input_layernorm(x), rope);
  }
  // x [B, T, d], attn [B, T, H * D]: both residual branches after attention.
  torch::Tensor Output(torch::Tensor x, const torch::Tensor& attn) {
    x = x + self_attn->o_proj(attn);
    return x + mlp->forward(post_attention_layernorm(x));
  }
  Qwen2Attention self_attn{nullptr};
  Qwen2Mlp mlp{nullptr};
  RmsNorm input_layernorm, post_attention_layernorm;
};
TORCH_MODULE(Qwen2Layer);

class Qwen2BackboneImpl : public torch::nn::Module {
 public:
  explicit Qwen2BackboneImpl(const io::Qwen2Config& c) {
    embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
    auto list = torch::nn::ModuleList();
    for (int i = 0; i < c.num_hidden_layers; ++i) {
      layers.push_back(Qwen2Layer(c));
      list->push_back(layers.back());
    }
    register_module("layers", list);
    norm.eps = c.rms_norm_eps;
    WeightHolder(*this, "norm", torch::ones({c.hidden_size}), &norm.weight);
  }
  torch::nn::Embedding embed_tokens{nullptr};
  std::vector<Qwen2Layer> layers;
  RmsNorm norm;
};

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// What backward needs to recompute one layer; not a tensor, so it rides in a capsule.
struct LayerRecompute : torch::CustomClassHolder {
  Qwen2LayerImpl* layer = nullptr;
  LayerInputs in;
};

// Activation checkpointing of one decoder layer (libtorch 1.13's C++ API has no
// torch::utils::checkpoint): forward runs the layer without a graph (custom Function
// forwards run with grad mode off) and keeps only its input x [B, T, d]; backward
// re-runs the layer under grad mode and differentiates it w.r.t. x and the layer's
// parameters. The layer is deterministic (no dropout), so the recomputation is exact.
struct LayerCheckpointFn : torch::autograd::Function<LayerCheckpointFn> {
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& x, at::TensorList params,
                               Qwen2LayerImpl* layer, const LayerInputs* in) {
    auto r = c10::make_intrusive<LayerRecompute>();
    r->layer = layer;
    r->in = *in;
    ctx->saved_data["recompute"] = c10::IValue::make_capsule(r);
    ctx->save_for_backward({x});
    return {layer->forward(x, *in, nullptr, nullptr)};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto r = c10::static_intrusive_pointer_cast<LayerRecompute>(ctx->saved_data["recompute"].toCapsule());
    auto x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    std::vector<torch::Tensor> inputs = {x};
    for (auto& p : r->layer->parameters()) inputs.push_back(p);
    torch::Tensor y;
    {
      torch::AutoGradMode on(true);
      y = r->layer->forward(x, r->in, nullptr, nullptr);
    }
    auto g = torch::autograd::grad({y}, inputs, {grads[0]}, /*retain_graph=*/false, /*create_graph=*/false,
                                   /*allow_unused=*/true);
    g.push_back(torch::Tensor());  // layer
    g.push_back(torch::Tensor());  // in
    return g;
  }
};

torch::Tensor CheckpointedLayer(Qwen2Layer& layer, const torch::Tensor& x, const LayerInputs& in) {
  auto params = layer->parameters();
  return LayerCheckpointFn::apply(x, at::TensorList(params), layer.get(), &in)[0];
}

}  // namespace

int64_t KvCache::batch() const { return key_valid.size(0); }
int64_t KvCache::capacity() const { return key_valid.size(1); }

void KvCache::SelectRows(const at::Tensor& rows) {
  auto idx = rows.to(key_valid.device(), torch::kInt64);
  for (auto& t : k) t = t.index_select(0, idx);
  for (auto& t : v) t = t.index_select(0, idx);
  key_valid = key_valid.index_select(0, idx);
  next_pos = next_pos.index_select(0, idx);
}

Qwen2ForCausalLMImpl::Qwen2ForCausalLMImpl(io::Qwen2Config config) : config_(std::move(config)) {
  model_ = register_module("model", std::make_shared<Qwen2BackboneImpl>(config_));
  if (config_.tie_word_embeddings) {
    lm_head_ = model_->embed_tokens->weight;
  } else {
    WeightHolder(*this, "lm_head", torch::empty({config_.vocab_size, config_.hidden_size}), &lm_head_);
    torch::NoGradGuard ng;
    lm_head_.normal_(0.0, config_.initializer_range);
  }
  inv_freq_ = register_buffer("inv_freq", RopeInverseFrequencies(config_));
}

at::Device Qwen2ForCausalLMImpl::device() const { return lm_head_.device(); }
at::ScalarType Qwen2ForCausalLMImpl::dtype() const { return lm_head_.scalar_type(); }

at::Tensor Qwen2ForCausalLMImpl::Logits(const at::Tensor& hidden) { return torch::matmul(hidden, lm_head_.t()); }

at::Tensor Qwen2ForCausalLMImpl::forward(const at::Tensor& tokens, const at::Tensor& attention_mask) {
  return Logits(Run(tokens, attention_mask, nullptr));
}

at::Tensor Qwen2ForCausalLMImpl::Hidden(const at::Tensor& tokens, const at::Tensor& attention_mask) {
  return Run(tokens, attention_mask, nullptr);
}

KvCache Qwen2ForCausalLMImpl::NewCache(int64_t batch, int64_t capacity) {
  KvCache c;
  auto opts = torch::TensorOptions().dtype(lm_head_.scalar_type()).device(device());
  for (int i = 0; i < config_.num_hidden_layers; ++i) {
    c.k.push_back(torch::zeros({batch, config_.num_key_value_heads, capacity, config_.HeadDim()}, opts));
    c.v.push_back(torch::zeros({batch, config_.num_key_value_heads, capacity, config_.HeadDim()}, opts));
  }
  c.key_valid = torch::zeros({batch, capacity}, torch::TensorOptions().dtype(torch::kBool).device(device()));
  c.next_pos = torch::zeros({batch}, torch::TensorOptions().dtype(torch::kInt64).device(device()));
  return c;
}

at::Tensor Qwen2ForCausalLMImpl::ForwardCached(const at::Tensor& tokens, KvCache* cache,
                                               const at::Tensor& attention_mask, bool last_only) {
  auto h = Run(tokens, attention_mask, cache);
  return Logits(last_only ? h.narrow(1, h.size(1) - 1, 1) : h);
}

at::Tensor Qwen2ForCausalLMImpl::Run(const at::Tensor& tokens_in, const at::Tensor& attention_mask, KvCache* cache) {
  UPT_CHECK(tokens_in.dim() == 2, "tokens must be [B, T]");
  auto tokens = tokens_in.to(device(), torch::kInt64);
  const int64_t B = tokens.size(0), T = tokens.size(1);
  auto valid = attention_mask.defined() ? attention_mask.to(device()).to(torch::kBool)
                                        : torch::ones({B, T}, torch::TensorOptions().dtype(torch::kBool).device(device()));
  // Position ids [B, T]: per-row count of real tokens before each slot.
  auto pos = valid.to(torch::kInt64).cumsum(1) - 1;
  int64_t offset = 0;
  torch::Tensor key_valid;  // [B, S]
  if (cache) {
    UPT_CHECK(cache->batch() == B, "cache batch does not match tokens");
    UPT_CHECK(cache->length + T <= cache->capacity(), "KV cache capacity exceeded");
    offset = cache->length;
    pos = pos + cache->next_pos.unsqueeze(1);
    cache->key_valid.narrow(1, offset, T).copy_(valid);
    cache->next_pos = cache->next_pos + valid.to(torch::kInt64).sum(1);
    key_valid = cache->key_valid.narrow(1, 0, offset + T);
  } else {
    key_valid = valid;
  }
  pos = pos.clamp_min(0);
  LayerInputs in;
  in.offset = offset;
  if (!cache && memory_.attention_block > 0) {
    in.block = memory_.attention_block;
    in.key_valid = key_valid;
  } else {
    const int64_t S = key_valid.size(1);
    // Query i (slot offset + i) sees valid slots j <= offset + i, and always itself,
    // so fully padded rows stay finite.
    auto q_slot = torch::arange(offset, offset + T, torch::TensorOptions().dtype(torch::kInt64).device(device()));
    auto k_slot = torch::arange(0, S, torch::TensorOptions().dtype(torch::kInt64).device(device()));
    auto causal = k_slot.unsqueeze(0) <= q_slot.unsqueeze(1);                            // [T, S]
    auto self = k_slot.unsqueeze(0) == q_slot.unsqueeze(1);                              // [T, S]
    auto allowed = (causal.unsqueeze(0) & key_valid.unsqueeze(1)) | self.unsqueeze(0);  // [B, T, S]
    in.mask = AdditiveMask(allowed);
  }
  in.rope = Rotary(pos);

  auto x = Embed(tokens);
  const bool checkpoint = memory_.gradient_checkpointing && !cache && torch::GradMode::is_enabled();
  for (size_t l = 0; l < model_->layers.size(); ++l) {
    if (checkpoint) {
      x = CheckpointedLayer(model_->layers[l], x, in);
      continue;
    }
    torch::Tensor* kc = cache ? &cache->k[l] : nullptr;
    torch::Tensor* vc = cache ? &cache->v[l] : nullptr;
    x = model_->layers[l]->forward(x, in, kc, vc);
  }
  if (cache) cache->length += T;
  return FinalNorm(x);
}

int64_t Qwen2ForCausalLMImpl::num_layers() const { return static_cast<int64_t>(model_->layers.size()); }

at::Tensor Qwen2ForCausalLMImpl::Embed(const at::Tensor& tokens) { return model_->embed_tokens(tokens); }

RotaryTables Qwen2ForCausalLMImpl::Rotary(const at::Tensor& positions) {
  auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * inv_freq_;  // [B, T, D/2]
  auto emb = torch::cat({freqs, freqs}, -1);
  const auto dtype = lm_head_.scalar_type();
  return {emb.cos().to(dtype).unsqueeze(1), emb.sin().to(dtype).unsqueeze(1)};
}

at::Tensor Qwen2ForCausalLMImpl::AdditiveMask(const at::Tensor& allowed) {
  const auto dtype = lm_head_.scalar_type();
  return torch::zeros(allowed.sizes(), torch::TensorOptions().dtype(dtype).device(allowed.device()))
      .masked_fill(allowed.logical_not(), MaskedScore(dtype))
      .unsqueeze(1)
      .unsqueeze(1);
}

LayerQkv Qwen2ForCausalLMImpl::LayerAttentionInputs(int64_t layer, const at::Tensor& x, const RotaryTables& rope) {
  return model_->layers.at(static_cast<size_t>(layer))->AttentionInputs(x, rope);
}

at::Tensor Qwen2ForCausalLMImpl::Attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                           const at::Tensor& mask) const {
  return GroupedAttention(q, k, v, mask);
}

at::Tensor Qwen2ForCausalLMImpl::LayerOutput(int64_t layer, const at::Tensor& x, const at::Tensor& attn) {
  return model_->layers.at(static_cast<size_t>(layer))->Output(x, attn);
}

at::Tensor Qwen2ForCausalLMImpl::FinalNorm(const at::Tensor& x) { return model_->norm(x); }

}  // namespace upt::lm
