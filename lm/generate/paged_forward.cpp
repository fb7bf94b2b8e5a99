#include "lm/generate/paged_forward.h"

#include <cmath>
#include <limits>
#include <string>

#include <torch/torch.h>

#include "core/error.h"
#include "lm/generate/paged_kv.h"
#include "lm/model/qwen2.h"

namespace upt::lm {
namespace {

struct LayerWeights {
  torch::Tensor q_w, q_b, k_w, k_b, v_w, v_b, o_w, o_b, gate, gate_b, up, up_b, down, down_b, norm_in, norm_post;
};

// HF rotate_half rotary embedding; x [B, H, T, D], cos/sin [B, 1, T, D].
torch::Tensor Rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  return x * cos + torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1) * sin;
}

torch::Tensor RmsNorm(const torch::Tensor& x, const torch::Tensor& w, double eps) {
  auto h = x.to(torch::kFloat32);
  h = h * torch::rsqrt(h.pow(2).mean(-1, true) + eps);
  return w * h.to(x.scalar_type());
}

}  // namespace

struct PagedForward::Weights {
  torch::Tensor embed, norm, inv_freq;
  std::vector<LayerWeights> layers;
};

PagedForward::PagedForward(Qwen2ForCausalLMImpl& model) : w_(std::make_unique<Weights>()), model_(model) {
  auto params = model.named_parameters();
  auto get = [&](const std::string& name, bool required) {
    auto* t = params.find(name);
    UPT_CHECK(t || !required, "model has no parameter " + name);
    return t ? *t : torch::Tensor();
  };
  w_->embed = get("model.embed_tokens.weight", true);
  w_->norm = get("model.norm.weight", true);
  auto buffers = model.named_buffers();
  UPT_CHECK(buffers.find("inv_freq") != nullptr, "model has no inv_freq buffer");
  w_->inv_freq = *buffers.find("inv_freq");
  for (int l = 0; l < model.config().num_hidden_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    LayerWeights lw;
    lw.q_w = get(p + "self_attn.q_proj.weight", true);
    lw.q_b = get(p + "self_attn.q_proj.bias", false);
    lw.k_w = get(p + "self_attn.k_proj.weight", true);
    lw.k_b = get(p + "self_attn.k_proj.bias", false);
    lw.v_w = get(p + "self_attn.v_proj.weight", true);
    lw.v_b = get(p + "self_attn.v_proj.bias", false);
    lw.o_w = get(p + "self_attn.o_proj.weight", true);
    lw.o_b = get(p + "self_attn.o_proj.bias", false);
    lw.gate = get(p + "mlp.gate_proj.weight", true);
    lw.gate_b = get(p + "mlp.gate_proj.bias", false);
    lw.up = get(p + "mlp.up_proj.weight", true);
    lw.up_b = get(p + "mlp.up_proj.bias", false);
    lw.down = get(p + "mlp.down_proj.weight", true);
    lw.down_b = get(p + "mlp.down_proj.bias", false);
    lw.norm_in = get(p + "input_layernorm.weight", true);
    lw.norm_post = get(p + "post_attention_layernorm.weight", true);
    w_->layers.push_back(lw);
  }
}

PagedForward::~PagedForward() = default;

at::Tensor PagedForward::Step(const std::vector<PagedSeq>& seqs, PagedKvCache* cache) {
  const auto& c = model_.config();
  const auto dev = model_.device();
  const int64_t B = static_cast<int64_t>(seqs.size()), T = seqs.at(0).count;
  const int64_t H = c.num_attention_heads, Hkv = c.num_key_value_heads, D = c.HeadDim(), G = H / Hkv;
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
  const auto dtype = w_->embed.scalar_type();
  // Additive mask [B, 1, 1, T, S]: query at position p sees keys j <= p (j < length).
  auto k_pos = torch::arange(S, i64.device(dev)).view({1, 1, S});
  auto allowed = k_pos <= positions.unsqueeze(-1);  // [B, T, S]
  // Float32 (as the softmax): the float lowest overflows bfloat16 / float16.
  auto mask = torch::zeros({B, T, S}, torch::TensorOptions().dtype(torch::kFloat32).device(dev))
                  .masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest())
                  .view({B, 1, 1, T, S});
  auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * w_->inv_freq;  // [B, T, D/2]
  auto emb = torch::cat({freqs, freqs}, -1);
  auto cos = emb.cos().to(dtype).unsqueeze(1), sin = emb.sin().to(dtype).unsqueeze(1);
  const double scale = 1.0 / std::sqrt(static_cast<double>(D));

  auto x = torch::embedding(w_->embed, tokens);  // [B, T, d]
  for (size_t l = 0; l < w_->layers.size(); ++l) {
    const auto& lw = w_->layers[l];
    auto h = RmsNorm(x, lw.norm_in, c.rms_norm_eps);
    auto q = Rope(torch::linear(h, lw.q_w, lw.q_b).view({B, T, H, D}).transpose(1, 2), cos, sin);
    auto k = Rope(torch::linear(h, lw.k_w, lw.k_b).view({B, T, Hkv, D}).transpose(1, 2), cos, sin);
    auto v = torch::linear(h, lw.v_w, lw.v_b).view({B, T, Hkv, D});
    auto& kp = cache->k(static_cast<int>(l));
    auto& vp = cache->v(static_cast<int>(l));
    kp.index_copy_(0, write_idx, k.transpose(1, 2).reshape({B * T, Hkv, D}));
    vp.index_copy_(0, write_idx, v.reshape({B * T, Hkv, D}));
    auto keys = kp.index_select(0, read_idx).view({B, S, Hkv, D}).permute({0, 2, 1, 3});  // [B, Hkv, S, D]
    auto vals = vp.index_select(0, read_idx).view({B, S, Hkv, D}).permute({0, 2, 1, 3});
    auto qg = q.reshape({B, Hkv, G * T, D});
    auto scores = torch::matmul(qg, keys.transpose(-1, -2)).view({B, Hkv, G, T, S}).to(torch::kFloat32) * scale + mask;
    auto probs = torch::softmax(scores, -1).to(q.scalar_type());
    auto out = torch::matmul(probs.view({B, Hkv, G * T, S}), vals);  // [B, Hkv, G*T, D]
    out = out.view({B, H, T, D}).transpose(1, 2).reshape({B, T, H * D});
    x = x + torch::linear(out, lw.o_w, lw.o_b);
    auto h2 = RmsNorm(x, lw.norm_post, c.rms_norm_eps);
    auto act = torch::silu(torch::linear(h2, lw.gate, lw.gate_b)) * torch::linear(h2, lw.up, lw.up_b);
    x = x + torch::linear(act, lw.down, lw.down_b);
  }
  auto last = RmsNorm(x.select(1, T - 1), w_->norm, c.rms_norm_eps);  // [B, d]
  return model_.Logits(last).to(torch::kFloat32);
}

}  // namespace upt::lm
