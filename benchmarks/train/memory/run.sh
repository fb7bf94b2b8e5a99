#!/usr/bin/env bash
# The grid of benchmarks/RESULTS.md "Memory plan vs measured peak RSS": one process per
# configuration (VmHWM is per process). Usage: benchmarks/train/memory/run.sh [BUILD_DIR]
set -euo pipefail
BIN="${1:-build}/benchmarks/train/memory/bench_train_memory"
# A fixed mmap threshold: glibc otherwise raises it after frees (up to 32 MiB) and keeps
# freed tensors in the heap, so RSS would track the allocator, not the live tensors.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MALLOC_MMAP_THRESHOLD_=131072
for cfg in "5m fp32 0" "5m fp32 1" "5m bf16 0" "5m bf16 1" \
           "50m fp32 0" "50m fp32 1" "50m bf16 0" "50m bf16 1" \
           "200m fp32 0" "200m fp32 1" \
           "50m fp32 0 2 512 64 1024" "50m fp32 1 2 512 64 1024"; do
  # shellcheck disable=SC2086
  "$BIN" $cfg
done
