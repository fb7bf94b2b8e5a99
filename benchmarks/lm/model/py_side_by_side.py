#!/usr/bin/python3
"""Side-by-side of bench_lm_model: the same Qwen2 written straightforwardly in Python
with Debian's python3-torch (tests/lm/reference/qwen2_ref.py, HF-style concatenating
KV cache), same weights (a checkpoint from `upt model init --seed 1`, identical to the
C++ benchmark's in-memory init) and the same batch shapes.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/lm/model/py_side_by_side.py --model DIR \
      --batch 8 --prompt 16 --new 64 [--recompute]
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tests/lm/reference"))
from qwen2_ref import Qwen2, read_safetensors  # noqa: E402


def best_of(fn, repeats):
    """Best CPU time (process_time: the machine is shared, so wall time is noisy)."""
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--prompt", type=int, default=16)
    ap.add_argument("--new", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--recompute", action="store_true", help="also time decoding without a cache")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = json.load(open(os.path.join(a.model, "config.json")))
    m = Qwen2(cfg, read_safetensors(os.path.join(a.model, "model.safetensors")))
    g = torch.Generator().manual_seed(0)
    prompt = torch.randint(3, cfg["vocab_size"], (a.batch, a.prompt), generator=g)
    B, P, N = a.batch, a.prompt, a.new

    def prefill():
        with torch.no_grad():
            return m.forward(prompt, cache={})[:, -1]

    def decode_cached():
        with torch.no_grad():
            cache = {}
            logits = m.forward(prompt, cache=cache)[:, -1]
            past = torch.ones(B, P, dtype=torch.bool)
            for t in range(N):
                nxt = logits.argmax(-1, keepdim=True)
                pos = torch.full((B, 1), P + t)
                logits = m.forward(nxt, cache=cache, past_len=P + t, past_mask=past, pos=pos)[:, -1]
                past = torch.cat([past, torch.ones(B, 1, dtype=torch.bool)], 1)

    def decode_recompute():
        with torch.no_grad():
            seq = prompt
            for _ in range(N):
                seq = torch.cat([seq, m.forward(seq)[:, -1].argmax(-1, keepdim=True)], 1)

    out = {"model": a.model, "batch": B, "prompt": P, "new": N, "threads": a.threads}
    out["prefill_tok_s"] = B * P / best_of(prefill, a.repeats)
    out["decode_cached_new_tok_s"] = B * N / best_of(decode_cached, a.repeats)
    if a.recompute:
        out["decode_recompute_new_tok_s"] = B * N / best_of(decode_recompute, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
