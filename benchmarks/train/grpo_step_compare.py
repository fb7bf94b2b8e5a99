#!/usr/bin/python3
"""One GRPO step of the toy world in plain Python/PyTorch, side by side with upt.

A straightforward reference implementation (Debian's python3-torch, no
transformers): it loads the same HF directory upt trained (config.json,
model.safetensors, tokenizer.json), samples the same 16 questions x 8 rollouts
of up to 48 tokens with a KV cache at temperature 1.0, grades them (last
\\boxed{} equals the gold answer), computes Dr. GRPO advantages (R - group mean)
and the Σ/L_max loss with the 0.001 entropy bonus, then takes one AdamW step
(lr 2e-4, grad clip 1.0). It times rollout and update like upt's metrics.csv
(rollout_s, update_s, step_s) and prints both medians and the ratio.

Usage:
  upt data toy --out runs/toy/world
  /usr/bin/python3 benchmarks/train/grpo_step_compare.py --model runs/toy/base \
      --train runs/toy/world/train.jsonl --run runs/toy/grpo --steps 10
(--run is an upt run directory whose rollout_accuracy.jsonl names each step's
questions and whose metrics.csv holds upt's timings for the same steps.)
"""
import argparse, csv, json, math, os, re, statistics, struct, time

import numpy as np
import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        assert meta["dtype"] == "F32", meta["dtype"]
        a, b = meta["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=np.float32).copy()).reshape(meta["shape"])
    return out


class Tok:
    """Greedy longest match over the char-level byte-level-BPE vocabulary (toy symbols are ASCII)."""

    def __init__(self, path):
        j = json.load(open(path))
        self.vocab = dict(j["model"]["vocab"])
        for t in j.get("added_tokens", []):
            self.vocab[t["content"]] = t["id"]
        self.inv = {v: k for k, v in self.vocab.items()}
        self.maxlen = max(len(k) for k in self.vocab)

    def encode(self, text):
        s = text.replace(" ", "\u0120")
        ids, i = [], 0
        while i < len(s):
            for L in range(min(self.maxlen, len(s) - i), 0, -1):
                if s[i:i + L] in self.vocab:
                    ids.append(self.vocab[s[i:i + L]]); i += L; break
            else:
                i += 1
        return ids

    def decode(self, ids):
        return "".join(self.inv[i] for i in ids if not self.inv[i].startswith("<")).replace("\u0120", " ")


class Qwen2(torch.nn.Module):
    def __init__(self, cfg, w):
        super().__init__()
        self.c = cfg
        self.p = torch.nn.ParameterDict({k.replace(".", "_"): torch.nn.Parameter(v) for k, v in w.items()})
        self.L, self.H, self.KV = cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
        self.D = cfg["hidden_size"] // self.H
        self.inv_freq = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, self.D, 2).float() / self.D))

    def w(self, name):
        return self.p[name.replace(".", "_")]

    def rms(self, x, name):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.c["rms_norm_eps"]) * self.w(name)

    def rope(self, x, pos):  # x [B, H, T, D], pos [B, T]
        f = pos[..., None].float() * self.inv_freq  # [B, T, D/2]
        emb = torch.cat([f, f], -1)[:, None]
        cos, sin = emb.cos(), emb.sin()
        x1, x2 = x[..., : self.D // 2], x[..., self.D // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    def forward(self, tok, pos, key_valid, cache=None):
        """tok [B, T]; pos [B, T]; key_valid [B, S_total] bool over cached+new keys."""
        B, T = tok.shape
        x = F.embedding(tok, self.w("model.embed_tokens.weight"))
        new_cache = []
        S = key_valid.shape[1]
        causal = torch.ones(T, S, dtype=torch.bool).tril(S - T)
        mask = causal[None, None] & key_valid[:, None, None, :]
        diag = torch.zeros(T, S, dtype=torch.bool)
        diag[:, S - T:] = torch.eye(T, dtype=torch.bool)
        mask = mask | diag[None, None]  # padding queries see themselves (finite, never read)
        for l in range(self.L):
            pre = f"model.layers.{l}."
            h = self.rms(x, pre + "input_layernorm.weight")
            q = F.linear(h, self.w(pre + "self_attn.q_proj.weight"), self.w(pre + "self_attn.q_proj.bias"))
            k = F.linear(h, self.w(pre + "self_attn.k_proj.weight"), self.w(pre + "self_attn.k_proj.bias"))
            v = F.linear(h, self.w(pre + "self_attn.v_proj.weight"), self.w(pre + "self_attn.v_proj.bias"))
            q = self.rope(q.view(B, T, self.H, self.D).transpose(1, 2), pos)
            k = self.rope(k.view(B, T, self.KV, self.D).transpose(1, 2), pos)
            v = v.view(B, T, self.KV, self.D).transpose(1, 2)
            if cache is not None:
                k = torch.cat([cache[l][0], k], 2); v = torch.cat([cache[l][1], v], 2)
            new_cache.append((k, v))
            rep = self.H // self.KV
            kk, vv = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
            att = (q @ kk.transpose(-1, -2)) / math.sqrt(self.D)
            att = att.masked_fill(~mask, float("-inf")).softmax(-1)
            o = (att @ vv).transpose(1, 2).reshape(B, T, self.H * self.D)
            x = x + F.linear(o, self.w(pre + "self_attn.o_proj.weight"))
            h = self.rms(x, pre + "post_attention_layernorm.weight")
            g = F.linear(h, self.w(pre + "mlp.gate_proj.weight"))
            u = F.linear(h, self.w(pre + "mlp.up_proj.weight"))
            x = x + F.linear(F.silu(g) * u, self.w(pre + "mlp.down_proj.weight"))
        x = self.rms(x, "model.norm.weight")
        return F.linear(x, self.w("model.embed_tokens.weight")), new_cache


def boxed(text):
    i = text.rfind("\\boxed{")
    if i < 0:
        return None
    j = text.find("}", i)
    return text[i + 7: j] if j > 0 else None


def rollout(model, tok, prompts, n, max_new, eos, banned, gen):
    """Left-padded batched sampling with a KV cache; returns per-row (prompt ids, response ids)."""
    rows = [p for p in prompts for _ in range(n)]
    B, P = len(rows), max(len(p) for p in rows)
    toks = torch.zeros(B, P, dtype=torch.long)
    valid = torch.zeros(B, P, dtype=torch.bool)
    for b, p in enumerate(rows):
        toks[b, P - len(p):] = torch.tensor(p); valid[b, P - len(p):] = True
    pos = (valid.long().cumsum(1) - 1).clamp(min=0)
    gen_toks = torch.full((B, max_new), -1, dtype=torch.long)
    done = torch.zeros(B, dtype=torch.bool)
    with torch.no_grad():
        logits, cache = model(toks, pos, valid)
        last = logits[:, -1]
        next_pos = pos[:, -1] + 1
        for step in range(max_new):
            last[:, banned] = float("-inf")
            t = torch.multinomial(last.softmax(-1), 1, generator=gen).squeeze(1)
            gen_toks[:, step] = torch.where(done, torch.full_like(t, -1), t)
            done |= t == eos
            if bool(done.all()):
                break
            valid = torch.cat([valid, torch.ones(B, 1, dtype=torch.bool)], 1)
            logits, cache = model(t[:, None], next_pos[:, None], valid, cache)
            last = logits[:, -1]
            next_pos = next_pos + 1
    out = [[int(x) for x in r if x >= 0] for r in gen_toks.tolist()]
    return rows, out


def update(model, opt, rows, resp, rewards, n, L_max):
    B, P, R = len(rows), max(len(p) for p in rows), max(max(len(r) for r in resp), 1)
    toks = torch.zeros(B, P + R, dtype=torch.long)
    att = torch.zeros(B, P + R, dtype=torch.bool)
    rmask = torch.zeros(B, R)
    for b in range(B):
        p, r = rows[b], resp[b]
        toks[b, P - len(p):P] = torch.tensor(p); att[b, P - len(p):P] = True
        if r:
            toks[b, P:P + len(r)] = torch.tensor(r); att[b, P:P + len(r)] = True; rmask[b, :len(r)] = 1
    pos = (att.long().cumsum(1) - 1).clamp(min=0)
    logits, _ = model(toks, pos, att)
    lp_all = logits[:, P - 1:P - 1 + R].log_softmax(-1)
    logp = lp_all.gather(-1, toks[:, P:P + R, None]).squeeze(-1)
    ent = -(lp_all.exp() * lp_all).sum(-1)
    r = torch.tensor(rewards).view(-1, n)
    adv = (r - r.mean(1, keepdim=True)).view(-1, 1)  # Dr. GRPO: no std
    ratio = torch.exp(logp - logp.detach())
    pg = (-(adv * ratio) * rmask).sum() / L_max
    loss = pg - 0.001 * (ent * rmask).sum() / rmask.sum()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return int(att.sum())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--train", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--max-new", type=int, default=48)
    a = ap.parse_args()
    torch.set_num_threads(1)
    cfg = json.load(open(os.path.join(a.model, "config.json")))
    tok = Tok(os.path.join(a.model, "tokenizer.json"))
    model = Qwen2(cfg, load_safetensors(os.path.join(a.model, "model.safetensors")))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-4, weight_decay=0.01)
    bos, eos, pad = tok.vocab["<bos>"], tok.vocab["<eos>"], tok.vocab["<pad>"]
    problems = {}
    for line in open(a.train):
        j = json.loads(line)
        problems[j["id"]] = (j["problem"], j["answer"])
    steps = {}
    for line in open(os.path.join(a.run, "rollout_accuracy.jsonl")):
        j = json.loads(line)
        steps.setdefault(j["step"], []).append(j["question"])
    gen = torch.Generator().manual_seed(0)
    times = []
    for s in sorted(steps)[: a.steps]:
        qs = steps[s]
        prompts = [[bos] + tok.encode(problems[q][0] + " ") for q in qs]
        t0, c0 = time.perf_counter(), time.process_time()
        rows, resp = rollout(model, tok, prompts, a.n, a.max_new, eos, [pad, bos], gen)
        rewards = [1.0 if boxed(tok.decode(r)) == problems[qs[i // a.n]][1] else 0.0 for i, r in enumerate(resp)]
        t1 = time.perf_counter()
        update(model, opt, rows, resp, rewards, a.n, 64)
        t2 = time.perf_counter()
        times.append((t1 - t0, t2 - t1, t2 - t0, sum(rewards) / len(rewards), time.process_time() - c0))
    upt = []
    with open(os.path.join(a.run, "metrics.csv")) as f:
        for row in csv.DictReader(f):
            if int(row["step"]) in steps and int(row["step"]) <= sorted(steps)[a.steps - 1]:
                upt.append((float(row["rollout_s"]), float(row["update_s"]), float(row["step_s"]),
                            float(row.get("step_cpu_s") or "nan")))
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    print(f"steps compared: {len(times)} (python) / {len(upt)} (upt), 1 thread each")
    print(f"{'':10} {'rollout_s':>10} {'update_s':>10} {'step_s':>10}")
    print(f"{'python':10} {med(times,0):10.3f} {med(times,1):10.3f} {med(times,2):10.3f}")
    print(f"{'upt':10} {med(upt,0):10.3f} {med(upt,1):10.3f} {med(upt,2):10.3f}")
    print(f"{'ratio':10} {med(times,0)/med(upt,0):10.2f} {med(times,1)/med(upt,1):10.2f} {med(times,2)/med(upt,2):10.2f}"
          "   (python / upt; > 1 means upt is faster)")
    print(f"CPU seconds per step (median): python {med(times, 4):.3f}, upt {med(upt, 3):.3f}, "
          f"ratio {med(times, 4) / med(upt, 3):.2f}")
    print(f"python reward mean {statistics.mean(t[3] for t in times):.3f}")


if __name__ == "__main__":
    main()
