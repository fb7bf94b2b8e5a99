#!/usr/bin/env python3
"""cases/s of `import upt` (per-call verify, verify_batch at 1 and 2 threads) against
`upt verify --cases` on the same file, plus `import upt` time. Reports wall time and
process CPU time (the machine may be shared; CPU time is the load-independent number).

usage: PYTHONPATH=build/python bench_python.py CASES.jsonl UPT_BIN
(CASES.jsonl from benchmarks/verifiers/gen_cases.py; see benchmarks/RESULTS.md)
"""
import json
import os
import resource
import subprocess
import sys
import time

t0 = time.perf_counter()
import upt  # noqa: E402
import_ms = (time.perf_counter() - t0) * 1e3


def rows(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    path, bin_ = sys.argv[1], sys.argv[2]
    cases = rows(path)
    golds, preds = [c["gold"] for c in cases], [c["pred"] for c in cases]
    mcs = [bool(c.get("mc", False)) for c in cases]
    n = len(cases)
    print(f"{n} cases, import upt {import_ms:.1f} ms")
    one, w, c = timed(lambda: [upt.verify(g, p, mc=m) for g, p, m in zip(golds, preds, mcs)])
    print(f"verify per call      : {n / w:9.0f} cases/s wall, {n / c:9.0f} cases/s per CPU-s")
    for threads in (1, 2):
        batch, w, c = timed(lambda: upt.verify_batch(golds, preds, threads=threads, mc=mcs))
        assert batch == one
        print(f"verify_batch t={threads}     : {n / w:9.0f} cases/s wall, {n / c:9.0f} cases/s per CPU-s")
    for threads in (1, 2):
        c0 = child_cpu()
        w0 = time.perf_counter()
        out = subprocess.run([bin_, "verify", "--cases", path, "--threads", str(threads)], capture_output=True,
                             text=True).stdout
        w = time.perf_counter() - w0
        c = child_cpu() - c0
        cli = [json.loads(l) for l in out.splitlines()]
        assert [(v["correct"], v["extracted"], v["reason"]) for v in cli] == \
               [(v.correct, v.extracted, v.reason) for v in one]
        print(f"upt verify --cases t={threads}: {n / w:9.0f} cases/s wall, {n / c:9.0f} cases/s per CPU-s")


if __name__ == "__main__":
    main()
