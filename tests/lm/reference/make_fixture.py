#!/usr/bin/python3
"""Writes tests/lm/reference/tiny_qwen2/ (config.json, model.safetensors written by a
pure-Python safetensors writer) and fixture.json (tokens, mask, float64 reference logits,
masked mean next-token NLL and its gradients) for lm/model's reference test.
Run once: python3 tests/lm/reference/make_fixture.py"""
import json
import os

import torch

from qwen2_ref import Qwen2, write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tiny_qwen2")

cfg = {
    "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 32, "hidden_size": 16,
    "intermediate_size": 24, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
    "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu",
    "initializer_range": 0.02, "tie_word_embeddings": False, "rope_scaling": None,
    "use_sliding_window": False, "torch_dtype": "float32", "bos_token_id": 1, "eos_token_id": 2,
    "pad_token_id": 0,
}

g = torch.Generator().manual_seed(1234)
d, f, V, L = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"], cfg["num_hidden_layers"]
kv = cfg["num_key_value_heads"] * d // cfg["num_attention_heads"]
shapes = {"model.embed_tokens.weight": [V, d], "model.norm.weight": [d], "lm_head.weight": [V, d]}
for i in range(L):
    p = f"model.layers.{i}."
    shapes.update({
        p + "self_attn.q_proj.weight": [d, d], p + "self_attn.q_proj.bias": [d],
        p + "self_attn.k_proj.weight": [kv, d], p + "self_attn.k_proj.bias": [kv],
        p + "self_attn.v_proj.weight": [kv, d], p + "self_attn.v_proj.bias": [kv],
        p + "self_attn.o_proj.weight": [d, d],
        p + "mlp.gate_proj.weight": [f, d], p + "mlp.up_proj.weight": [f, d], p + "mlp.down_proj.weight": [d, f],
        p + "input_layernorm.weight": [d], p + "post_attention_layernorm.weight": [d],
    })
# Large-ish weights so logits are O(1) and the comparison is meaningful; norms near 1.
weights = {}
for name, shape in shapes.items():
    t = torch.randn(shape, generator=g, dtype=torch.float64)
    weights[name] = (1.0 + 0.1 * t if name.endswith("norm.weight") else 0.3 * t).to(torch.float32)

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "config.json"), "w") as fh:
    json.dump(cfg, fh, indent=2)
write_safetensors(os.path.join(OUT, "model.safetensors"), weights, {"format": "pt"})

tokens = torch.tensor([[1, 5, 9, 3, 17, 22, 4, 30, 2], [0, 0, 1, 7, 7, 12, 25, 31, 6]])
mask = torch.tensor([[1] * 9, [0, 0] + [1] * 7])
w64 = {k: v.to(torch.float64).requires_grad_(True) for k, v in weights.items()}
model = Qwen2(cfg, w64, torch.float64)
model.w = w64
logits = model.forward(tokens, mask)
logp = torch.log_softmax(logits[:, :-1], -1).gather(-1, tokens[:, 1:, None])[..., 0]
keep = mask[:, 1:].to(torch.float64)
loss = -(logp * keep).sum() / keep.sum()
loss.backward()
grad_names = ["model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
              "model.layers.1.self_attn.k_proj.bias", "model.layers.1.mlp.down_proj.weight",
              "model.norm.weight", "lm_head.weight"]
fixture = {
    "tokens": tokens.tolist(), "mask": mask.tolist(),
    "logits": logits.detach().reshape(-1).tolist(), "logits_shape": list(logits.shape),
    "loss": loss.item(),
    "grads": {n: w64[n].grad.reshape(-1).tolist() for n in grad_names},
}
with open(os.path.join(OUT, "fixture.json"), "w") as fh:
    json.dump(fixture, fh)
print("loss", loss.item(), "logit range", logits.min().item(), logits.max().item())
