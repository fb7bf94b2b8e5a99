#!/usr/bin/python3
"""Synthetic upt-format sample file for `upt score` benchmarks.

Writes one JSON line per (problem, sample) with a ~2 KB reasoning-like text
ending in \\boxed{answer}; the answer is the gold one with a per-problem
probability, else a wrong number. 1/16 of samples are truncated
(finish_reason "length", no boxed answer).

  gen_samples.py --dataset datasets/data/math500.jsonl --samples-per-problem 2000 \
      --out /tmp/samples_1m.jsonl
"""
import argparse
import json
import random

FILLER = ("We first rewrite the expression and simplify step by step. "
          "Substituting the values gives an equation in one unknown; "
          "expanding and collecting like terms, we check the boundary cases. ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True, help="canonical JSONL (id, problem, answer)")
    ap.add_argument("--samples-per-problem", type=int, default=2000)
    ap.add_argument("--text-bytes", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    problems = [json.loads(l) for l in open(a.dataset, encoding="utf-8") if l.strip()]
    body = (FILLER * (a.text_bytes // len(FILLER) + 1))[: a.text_bytes]
    with open(a.out, "w", encoding="utf-8") as f:
        for p in problems:
            acc = rng.random()
            for i in range(a.samples_per_problem):
                trunc = rng.random() < 1 / 16
                if trunc:
                    text, reason = body, "length"
                else:
                    ans = p["answer"] if rng.random() < acc else str(rng.randint(0, 999))
                    text, reason = body + " Therefore the answer is $\\boxed{" + ans + "}$.", "stop"
                f.write(json.dumps({"problem_id": p["id"], "sample_index": i, "text": text,
                                    "finish_reason": reason, "num_tokens": len(text) // 4}) + "\n")


if __name__ == "__main__":
    main()
