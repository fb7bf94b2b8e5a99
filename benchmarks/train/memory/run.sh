#!/usr/bin/env bash
# The grids of benchmarks/RESULTS.md "Memory plan vs peak RSS" (benchmarks/results/memory.md):
# one process per configuration (VmHWM is per process).
# Usage: benchmarks/train/memory/run.sh [BUILD_DIR] [train|tradeoffs|generate|zero|all]
#   train      the 12-configuration plan validation of training steps
#   tradeoffs  bf16 vs fp32, checkpointing, chunked vs whole logits at 50m (CPU time per step)
#   generate   generation (paged KV engine) vs the plan's rollout term
#   zero       ZeRO-2 per-rank peak: 1 rank, then 2 Gloo ranks (FileStore rendezvous)
#   rerun      the rows re-measured after the plan's accumulation flag and CPU bf16 kernel cache
set -euo pipefail
BUILD="${1:-build}"
WHAT="${2:-all}"
BIN="$BUILD/benchmarks/train/memory/bench_train_memory"
GEN="$BUILD/benchmarks/train/memory/bench_generate_memory"
# A fixed mmap threshold: glibc otherwise raises it after frees (up to 32 MiB) and keeps
# freed tensors in the heap, so RSS would track the allocator, not the live tensors.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MALLOC_MMAP_THRESHOLD_=131072
run() { echo "# load $(cut -d' ' -f1-3 /proc/loadavg)" >&2; "$@"; }
two_ranks() {  # the 50m fp32 step on 2 Gloo ranks under ZeRO-2 (FileStore rendezvous)
  local store r
  store="$(mktemp -d)/store"
  for r in 0 1; do
    RANK=$r WORLD_SIZE=2 UPT_DIST_FILESTORE="$store" UPT_DIST_TIMEOUT=3000 "$BIN" 50m fp32 0 2 256 0 0 1 &
  done
  wait
}
if [ "$WHAT" = train ] || [ "$WHAT" = all ]; then
  for cfg in "5m fp32 0" "5m fp32 1" "5m bf16 0" "5m bf16 1" \
             "50m fp32 0" "50m fp32 1" "50m bf16 0" "50m bf16 1" \
             "200m fp32 0" "200m fp32 1" \
             "50m fp32 0 2 512 64 1024" "50m fp32 1 2 512 64 1024"; do
    # shellcheck disable=SC2086
    run "$BIN" $cfg
  done
fi
if [ "$WHAT" = tradeoffs ] || [ "$WHAT" = all ]; then
  for cfg in "50m fp32 0 2 256 0 0 1" "50m bf16 0 2 256 0 0 1" "50m fp32 1 2 256 0 0 1" "50m fp32 0 2 256 0 128 1"; do
    # shellcheck disable=SC2086
    run "$BIN" $cfg
  done
fi
if [ "$WHAT" = generate ] || [ "$WHAT" = all ]; then
  for cfg in "5m fp32 32 64 448" "5m bf16 32 64 448" "50m fp32 8 448 64"; do
    # shellcheck disable=SC2086
    run "$GEN" $cfg
  done
fi
if [ "$WHAT" = rerun ]; then
  for cfg in "50m fp32 0 2 256 0 0 1" "50m bf16 0 2 256 0 0 1" "50m fp32 1 2 256 0 0 1" "50m fp32 0 2 256 0 128 1" \
             "5m fp32 0 2 256 0 0 1" "5m bf16 1 2 256 0 0 1" "200m bf16 0 2 256 0 0 1" "200m fp32 1 2 256 0 0 1"; do
    # shellcheck disable=SC2086
    run "$BIN" $cfg
  done
  for cfg in "5m bf16 32 64 448" "5m bf16 32 64 128" "5m bf16 8 64 448" "5m fp32 32 64 448" "50m fp32 8 448 64" \
             "50m bf16 8 448 64"; do
    # shellcheck disable=SC2086
    run "$GEN" $cfg
  done
  ONEDNN_PRIMITIVE_CACHE_CAPACITY=0 run "$GEN" 5m bf16 32 64 448  # the kernel cache off
  two_ranks
fi
if [ "$WHAT" = zero ] || [ "$WHAT" = all ]; then
  run "$BIN" 50m fp32 0 2 256 0 0 1
  two_ranks
fi
