#!/usr/bin/env bash
# End-to-end throughput of `upt verify --cases` on N generated ~2 KB completions.
#   usage: benchmarks/verifiers/run_e2e.sh UPT_BINARY [N=100000] [THREADS="1 2"]
set -euo pipefail
upt="${1:?path to the upt binary}"
n="${2:-100000}"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_cases.py" "$tmp/cases.jsonl" "$n" 1
echo "input: $n lines, $(du -h "$tmp/cases.jsonl" | cut -f1)"
for t in ${3:-1 2}; do
  /usr/bin/time -f "threads=$t wall=%e s user=%U s sys=%S s maxrss=%M KB" \
    "$upt" verify --cases "$tmp/cases.jsonl" --threads "$t" --out "$tmp/out.jsonl"
done
python3 - "$tmp/out.jsonl" <<'PY'
import collections, json, sys
c = collections.Counter(json.loads(l)["reason"] for l in open(sys.argv[1]))
print("reasons:", dict(c.most_common()))
PY
