#!/usr/bin/env node
// Encodes texts with the JavaScript reference tokenizer (transformers.js
// tokenizers from @lenml/tokenizers) for any tokenizer.json.
// Usage: node encode.js TOKENIZER_JSON TEXTS_JSONL  (each line a JSON string)
// Prints one {"ids": [...], "decoded": "..."} line per input line.
'use strict';
const fs = require('fs');
const path = require('path');

const NPM = path.resolve(__dirname, '../../../.cache/npm/node_modules');
const { TokenizerLoader } = require(path.join(NPM, '@lenml/tokenizers'));

const [tokPath, textsPath] = process.argv.slice(2);
if (!tokPath || !textsPath) {
  console.error('usage: node encode.js TOKENIZER_JSON TEXTS_JSONL');
  process.exit(1);
}
const tok = TokenizerLoader.fromPreTrained({
  tokenizerJSON: JSON.parse(fs.readFileSync(tokPath, 'utf8')),
  tokenizerConfig: { clean_up_tokenization_spaces: false },
});
const out = [];
for (const line of fs.readFileSync(textsPath, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const ids = tok.encode(JSON.parse(line));
  out.push(JSON.stringify({ ids, decoded: ids.length ? tok.decode(ids) : '' }));
}
process.stdout.write(out.join('\n') + '\n');
