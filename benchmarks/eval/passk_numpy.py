#!/usr/bin/python3
"""Straightforward numpy pass@k on a counts CSV (id,n,c), for a side-by-side
timing with bench_eval_passk / `upt passk`:
  exact unbiased pass@k for every k = 1..n (cumulative product, vectorised),
  bootstrap B = 1000 at k = 1, 2, 4, ..., n: problems resampled with replacement,
  "any correct among k drawn without replacement" drawn as hypergeometric > 0.
Prints timings and the pow2 rows so the values can be checked against upt.
"""
import csv
import sys
import time

import numpy as np


def main(path, B=1000, seed=0):
    rows = list(csv.DictReader(open(path)))
    n = np.array([int(r["n"]) for r in rows])
    c = np.array([int(r["c"]) for r in rows])
    assert (n == n[0]).all(), "this script assumes equal n"
    N = int(n[0])
    t0 = time.perf_counter()
    j = np.arange(N)
    # fail[i, k-1] = prod_{j<k} (N - c_i - j) / (N - j), clipped at 0 once N - c_i - j <= 0
    factors = np.clip((N - c[:, None] - j[None, :]) / (N - j[None, :]), 0.0, None)
    exact = 1.0 - np.cumprod(factors, axis=1)
    exact[c == 0, :] = 0.0
    mean_exact = exact.mean(axis=0)
    t1 = time.perf_counter()
    rng = np.random.default_rng(seed)
    ks = [1 << e for e in range(N.bit_length()) if (1 << e) <= N]
    P = len(c)
    boot = {}
    for k in ks:
        idx = rng.integers(0, P, size=(B, P))
        good = c[idx]
        hits = rng.hypergeometric(np.maximum(good, 0), N - good, k) > 0 if k < N else good > 0
        reps = hits.mean(axis=1)
        boot[k] = (reps.mean(), np.percentile(reps, 2.5), np.percentile(reps, 97.5))
    t2 = time.perf_counter()
    print(f"exact all k: {1000 * (t1 - t0):.1f} ms; bootstrap B={B} at {len(ks)} ks: {1000 * (t2 - t1):.1f} ms; "
          f"total {1000 * (t2 - t0):.1f} ms")
    for k in ks:
        m, lo, hi = boot[k]
        print(f"k={k:5d} exact={mean_exact[k - 1]:.6f} bootstrap={m:.6f} [{lo:.6f}, {hi:.6f}]")


if __name__ == "__main__":
    main(sys.argv[1])
