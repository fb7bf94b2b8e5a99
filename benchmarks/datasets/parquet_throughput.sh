#!/usr/bin/env bash
# Parquet import throughput: a verl-layout file of ROWS rows (default 46000, the
# size of Elliott/Openr1-Math-46k-8192; TEXT_WORDS=900 gives ~400 MB) written by
# hyparquet-writer (SNAPPY, 1000-row groups), then
#   upt data import FILE --format verl --out OUT.jsonl  (read + convert + write JSONL)
#   hyparquet parquetReadObjects(FILE)                  (read only, all columns)
# Reports wall and CPU seconds, rows/s and peak RSS (/usr/bin/time). Not committed: the file.
#   usage: benchmarks/datasets/parquet_throughput.sh [ROWS] [TEXT_WORDS] [WORK_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rows="${1:-46000}"; words="${2:-900}"; work="${3:-/tmp/upt_parquet_bench}"
upt="${UPT_BIN:-$root/build/cli/upt}"
mkdir -p "$work"
file="$work/verl_${rows}.parquet"
if [ ! -f "$file" ]; then
  node --max-old-space-size=12000 "$root/tests/datasets/parquet_reference/fixtures.mjs" verl "$file" "$rows" "$words"
fi
echo "file: $file ($(du -m "$file" | cut -f1) MB, $rows rows)"
measure() {  # name, command...
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > "$work/$name.out" 2>&1
  read -r wall user sys rss < "$work/time.txt"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v rows="$rows" \
    'BEGIN { printf "%-10s wall %6.2f s  cpu %6.2f s  %8.0f rows/s (wall)  %8.0f rows/s (cpu)  peak %5.0f MB\n", n, w, u + s, rows / w, rows / (u + s), r / 1024 }'
}
cat > "$work/read.mjs" <<JS
const { parquetReadObjects } = await import('$root/.cache/npm/node_modules/hyparquet/src/index.js')
const fs = await import('fs')
const buf = fs.readFileSync(process.argv[2])
const rows = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) })
console.log(rows.length, 'rows')
JS
measure upt "$upt" data import "$file" --format verl --out "$work/out.jsonl"
measure hyparquet node --max-old-space-size=12000 "$work/read.mjs" "$file"
tail -1 "$work/upt.out"; cat "$work/hyparquet.out"
