#!/usr/bin/python3
"""Side-by-side reference: torch.distributed (Gloo, loopback) all-reduce of a flat
fp32 tensor, 2 local processes, the same sizes as bench_train_dist's
BM_AllReduceGradients. Usage: python3 py_allreduce.py [--numel 100000000] [--iters 3]"""
import argparse
import os
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def worker(rank, world, port, numel, iters, out):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    t = torch.ones(numel)
    dist.all_reduce(t)  # warm-up (connections, buffers)
    dist.barrier()
    t0 = time.perf_counter()
    for _ in range(iters):
        dist.all_reduce(t)
    dt = (time.perf_counter() - t0) / iters
    if rank == 0:
        out.put(dt)
    dist.destroy_process_group()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--numel", type=int, default=100_000_000)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--port", type=int, default=29655)
    a = ap.parse_args()
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(r, 2, a.port, a.numel, a.iters, q)) for r in range(2)]
    for p in procs:
        p.start()
    dt = q.get()
    for p in procs:
        p.join()
    print(f"torch {torch.__version__} gloo all_reduce numel={a.numel}: {dt*1e3:.1f} ms "
          f"({a.numel*4/dt/2**20:.0f} MiB/s)")


if __name__ == "__main__":
    main()
