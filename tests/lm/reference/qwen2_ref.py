#!/usr/bin/python3
"""Plain-PyTorch Qwen2 / LLaMA (following Hugging Face transformers' modeling_qwen2.py,
modeling_llama.py and modeling_rope_utils.py) and a
pure-Python safetensors reader/writer, used to make the reference fixture for upt's
libtorch model and by benchmarks/lm/model/py_side_by_side.py. Needs only python3-torch."""
import json
import math
import struct

import torch


# ---- safetensors (spec: u64 LE header length, JSON header, data buffer) ----
_DT = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2), "F64": (torch.float64, 8)}


def write_safetensors(path, tensors, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().to(torch.float32).contiguous()
        raw = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dt, _ = _DT[e["dtype"]]
        b, end = e["data_offsets"]
        buf = bytearray(data[8 + n + b:8 + n + end])
        out[name] = torch.frombuffer(buf, dtype=dt).reshape(e["shape"]).to(torch.float32) if end > b else torch.zeros(e["shape"])
    return out


# ---- RoPE scaling ----
def llama3_inv_freq(inv_freq, rs):
    """LLaMA-3.1 frequency scaling written from the formula of transformers'
    _compute_llama3_parameters, elementwise: wavelength w = 2 pi / f; w < L/high: f;
    w > L/low: f / factor; else (1 - s) f / factor + s f with s = (L / w - low) / (high - low)."""
    L, lo, hi, fac = rs["original_max_position_embeddings"], rs["low_freq_factor"], rs["high_freq_factor"], rs["factor"]
    out = []
    for f in inv_freq.tolist():
        w = 2 * math.pi / f
        if w < L / hi:
            out.append(f)
        elif w > L / lo:
            out.append(f / fac)
        else:
            s = (L / w - lo) / (hi - lo)
            out.append((1 - s) * f / fac + s * f)
    return torch.tensor(out, dtype=torch.float64)


# ---- model ----
class Qwen2:
    """Functional Qwen2ForCausalLM over a dict of HF-named weights."""

    def __init__(self, cfg, weights, dtype=torch.float32):
        self.cfg = cfg
        self.w = {k: v.to(dtype) for k, v in weights.items()}
        self.dtype = dtype
        self.hd = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
        d = self.hd
        self.inv_freq = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
        rs = cfg.get("rope_scaling")
        if rs and rs.get("rope_type", rs.get("type")) == "llama3":
            self.inv_freq = llama3_inv_freq(self.inv_freq.double(), rs)

    def lin(self, h, name):
        """h @ W.T (+ b when the checkpoint has the bias: Qwen2 q/k/v, LLaMA attention_bias / mlp_bias)."""
        y = h @ self.w[name + ".weight"].T
        return y + self.w[name + ".bias"] if name + ".bias" in self.w else y

    def rms(self, x, w):
        h = x.to(torch.float32) if self.dtype != torch.float64 else x
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.cfg["rms_norm_eps"])
        return w * h.to(x.dtype)

    def rope(self, pos):
        freqs = pos.to(torch.float32)[..., None] * self.inv_freq  # [B,T,D/2]
        emb = torch.cat([freqs, freqs], -1)
        return emb.cos().to(self.dtype)[:, None], emb.sin().to(self.dtype)[:, None]

    @staticmethod
    def rot(x):
        h = x.shape[-1] // 2
        return torch.cat([-x[..., h:], x[..., :h]], -1)

    def layer(self, i, x, cos, sin, mask, cache):
        w, c, p = self.w, self.cfg, f"model.layers.{i}."
        B, T, _ = x.shape
        H, Hk, D = c["num_attention_heads"], c["num_key_value_heads"], self.hd
        h = self.rms(x, w[p + "input_layernorm.weight"])
        q = self.lin(h, p + "self_attn.q_proj").view(B, T, H, D).transpose(1, 2)
        k = self.lin(h, p + "self_attn.k_proj").view(B, T, Hk, D).transpose(1, 2)
        v = self.lin(h, p + "self_attn.v_proj").view(B, T, Hk, D).transpose(1, 2)
        q = q * cos + self.rot(q) * sin
        k = k * cos + self.rot(k) * sin
        if cache is not None:
            if i in cache:
                k = torch.cat([cache[i][0], k], 2)
                v = torch.cat([cache[i][1], v], 2)
            cache[i] = (k, v)
        k = k.repeat_interleave(H // Hk, dim=1)  # HF repeat_kv
        v = v.repeat_interleave(H // Hk, dim=1)
        s = q @ k.transpose(-1, -2) / math.sqrt(D) + mask
        a = torch.softmax(s.to(torch.float32), -1).to(q.dtype) @ v
        x = x + self.lin(a.transpose(1, 2).reshape(B, T, H * D), p + "self_attn.o_proj")
        h = self.rms(x, w[p + "post_attention_layernorm.weight"])
        g = torch.nn.functional.silu(self.lin(h, p + "mlp.gate_proj")) * self.lin(h, p + "mlp.up_proj")
        return x + self.lin(g, p + "mlp.down_proj")

    def forward(self, tokens, attn_mask=None, cache=None, past_len=0, past_mask=None, pos=None):
        """tokens [B,T]; attn_mask [B,T] 1=token; positions = cumsum(mask)-1 (HF generate)."""
        B, T = tokens.shape
        m = torch.ones(B, T, dtype=torch.bool) if attn_mask is None else attn_mask.bool()
        if pos is None:
            pos = (m.long().cumsum(1) - 1).clamp(min=0)
        keys = m if past_mask is None else torch.cat([past_mask, m], 1)
        S = keys.shape[1]
        qs = torch.arange(past_len, past_len + T)[:, None]
        ks = torch.arange(S)[None]
        allowed = ((ks <= qs)[None] & keys[:, None, :]) | (ks == qs)[None]
        mask = torch.zeros(B, 1, T, S, dtype=self.dtype).masked_fill(~allowed[:, None], torch.finfo(self.dtype).min)
        cos, sin = self.rope(pos)
        x = self.w["model.embed_tokens.weight"][tokens]
        for i in range(self.cfg["num_hidden_layers"]):
            x = self.layer(i, x, cos, sin, mask, cache)
        x = self.rms(x, self.w["model.norm.weight"])
        head = self.w.get("lm_head.weight", self.w["model.embed_tokens.weight"])
        return x @ head.T
