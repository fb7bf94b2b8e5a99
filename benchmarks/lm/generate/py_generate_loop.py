#!/usr/bin/python3
"""A straightforward plain-PyTorch generation loop for the same model shape and
the same per-sample lengths as bench_generate.cpp (Debian python3-torch).

Static batches of `batch` rows: each batch prefills its prompts, keeps a
contiguous KV cache grown with torch.cat, samples top-p on the tensors, and
runs until its longest row is done (finished rows keep decoding, masked), as
a first-try HF-style loop does. Prints one JSON line like bench_generate.

    py_generate_loop.py [cap=512] [problems=12] [n=8] [batch=32] [threads=1] [lengths file]

The lengths file (one per sample) is `bench_generate lengths ...`'s output, so
both sides generate the same token counts.
"""
import json
import math
import resource
import sys
import time

import numpy as np
import torch

args = sys.argv[1:6] + ["512", "12", "8", "32", "1"][len(sys.argv[1:6]):]
cap, problems, n, batch, threads = (int(a) for a in args)
torch.set_num_threads(threads)
torch.manual_seed(0)
V, d, L, H, HKV, D, FF = 32000, 512, 6, 8, 2, 64, 1408


def w(*shape):
    return torch.randn(*shape) * 0.15


emb = w(V, d)
layers = [dict(q=w(H * D, d), qb=torch.zeros(H * D), k=w(HKV * D, d), kb=torch.zeros(HKV * D),
               v=w(HKV * D, d), vb=torch.zeros(HKV * D), o=w(d, H * D), g=w(FF, d), u=w(FF, d),
               dn=w(d, FF), n1=torch.ones(d), n2=torch.ones(d)) for _ in range(L)]
norm = torch.ones(d)
inv_freq = 1.0 / (1000000.0 ** (torch.arange(0, D, 2).float() / D))


def rms(x, wt):
    return wt * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6))


def rope(x, pos):
    f = pos.float()[:, None] * inv_freq[None]
    e = torch.cat([f, f], -1)
    cos, sin = e.cos()[None, None], e.sin()[None, None]
    h = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., h:], x[..., :h]], -1) * sin


def forward(tok, cache, start):
    B, T = tok.shape
    x = emb[tok]
    pos = torch.arange(start, start + T)
    for i, p in enumerate(layers):
        h = rms(x, p["n1"])
        q = rope(torch.nn.functional.linear(h, p["q"], p["qb"]).view(B, T, H, D).transpose(1, 2), pos)
        k = rope(torch.nn.functional.linear(h, p["k"], p["kb"]).view(B, T, HKV, D).transpose(1, 2), pos)
        v = torch.nn.functional.linear(h, p["v"], p["vb"]).view(B, T, HKV, D).transpose(1, 2)
        if cache[i] is not None:
            k = torch.cat([cache[i][0], k], 2)
            v = torch.cat([cache[i][1], v], 2)
        cache[i] = (k, v)
        k = k.repeat_interleave(H // HKV, 1)
        v = v.repeat_interleave(H // HKV, 1)
        a = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=T > 1)
        x = x + torch.nn.functional.linear(a.transpose(1, 2).reshape(B, T, H * D), p["o"])
        h = rms(x, p["n2"])
        x = x + torch.nn.functional.linear(torch.nn.functional.silu(torch.nn.functional.linear(h, p["g"])) *
                                           torch.nn.functional.linear(h, p["u"]), p["dn"])
    return rms(x[:, -1], norm) @ emb.t()


def sample(logits, top_p=0.95):
    probs = torch.softmax(logits, -1)
    sp, si = probs.sort(-1, descending=True)
    keep = (sp.cumsum(-1) - sp) < top_p
    sp = sp * keep
    return si.gather(-1, torch.multinomial(sp / sp.sum(-1, keepdim=True), 1)).squeeze(-1)


rng = np.random.default_rng(7)
sigma = math.log(8.0) / 1.2815515655446004
lengths = np.clip(np.round(np.exp(math.log(cap / 8) + sigma * rng.standard_normal(problems * n))), 1, cap).astype(int)
if len(sys.argv) > 6:
    lengths = np.array([int(x) for x in open(sys.argv[6]).read().split()])
prompts = torch.randint(3, 31000, (problems, 32))
reqs = [(p, int(lengths[p * n + s])) for p in range(problems) for s in range(n)]
t0, c0 = time.time(), time.process_time()
tokens = 0
kv_peak = 0
with torch.no_grad():
    for b0 in range(0, len(reqs), batch):
        chunk = reqs[b0:b0 + batch]
        tok = prompts[[p for p, _ in chunk]]
        cache = [None] * L
        logits = forward(tok, cache, 0)
        need = max(l for _, l in chunk)
        for t in range(need):
            nxt = sample(logits)
            tokens += sum(1 for _, l in chunk if l > t)
            if t + 1 == need:
                break
            logits = forward(nxt[:, None], cache, 32 + t)
        kv_peak = max(kv_peak, sum(c[0].numel() + c[1].numel() for c in cache) * 4)
wall, cpu = time.time() - t0, time.process_time() - c0
print(json.dumps(dict(mode="python-loop", cap=cap, samples=len(reqs), batch=batch, threads=threads, tokens=tokens,
                      at_cap=int((lengths == cap).sum()), wall_s=round(wall, 2), cpu_s=round(cpu, 2),
                      tok_per_s=round(tokens / wall, 1), tok_per_cpu_s=round(tokens / cpu, 1),
                      kv_peak_mb=round(kv_peak / 1e6, 1),
                      peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))))
