// The tokenizer parity/benchmark corpus: every string field of the bundled
// benchmark files (problems, answers, choices, metadata) except GPQA (never
// copied into fixtures), deduplicated, in file order, plus hand-written edge
// cases. Shared by make_reference.js and benchmarks/lm/tokenizer/bench_js.js.
'use strict';
const fs = require('fs');
const path = require('path');

// The committed fixture was made from the canonical benchmark files plus the HPT
// copies (hpt/*.jsonl) of the project's data source; UPT_DATASETS_DIR points there.
const DATASETS = process.env.UPT_DATASETS_DIR || path.join(__dirname, '..', '..', '..', 'datasets', 'data');

function collectStrings(value, out) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => collectStrings(v, out));
}

function datasetFiles() {
  const files = [];
  for (const dir of [DATASETS, path.join(DATASETS, 'hpt')]) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      if (!f.endsWith('.jsonl') || f.toLowerCase().includes('gpqa')) continue;
      files.push(path.join(dir, f));
    }
  }
  return files;
}

// [{source, text}] deduplicated by text.
function datasetTexts() {
  const seen = new Set();
  const out = [];
  for (const file of datasetFiles()) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    for (const line of lines) {
      if (!line.trim()) continue;
      const strings = [];
      collectStrings(JSON.parse(line), strings);
      for (const s of strings) {
        if (seen.has(s)) continue;
        seen.add(s);
        out.push({ source: path.relative(DATASETS, file), text: s });
      }
    }
  }
  return out;
}

const EDGE_CASES = [
  '', ' ', '  ', '\n', '\r\n', '\t', ' \n ', '\n\n\n', '   \n\n  x', 'a  b', 'a   ', '  a',
  'x\u00a0y', 'x\u3000y', 'x\u2028y', 'x\ufeffy', 'x\u0085y', 'x\u200bz', '\u2003\u2003word',
  "I'm you're we've they'll he'd it's can't", "I'M YOU'RE WE'VE THEY'LL HE'D IT'S", "'s'S 'tt '", "rock'n'roll",
  '12345678901234567890', '3.14159', '1,000,000', '-42', '1e-10', '\u0661\u0662\u0663', '\u2460\u2461 \u00bd \u2167',
  '\u4f60\u597d\uff0c\u4e16\u754c\uff01\u6570\u5b66\u9898\uff1a\u6c42 x^2=4 \u7684\u89e3\u3002', '\u3053\u3093\u306b\u3061\u306f\u4e16\u754c', '\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8',
  '\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0646\u0635', '\u05e2\u05d1\u05e8\u05d9\u05ea', '\u0939\u093f\u0928\u094d\u0926\u0940', '\u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22',
  '\ud83d\ude00\ud83d\ude03\ud83d\ude04 \ud83d\udc4d\ud83c\udffd \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 \ud83c\uddfa\ud83c\uddf8', '\u2764\ufe0f\u2705', 'x\u0301 e\u0301 \u00e9 A\u030a \u212b \ufb01',
  '\u0391\u03b8\u03ae\u03bd\u03b1 \u03c0\u03b5\u03c1\u03af\u03bc\u03b5\u03c4\u03c1\u03bf\u03c2', '\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!', '\u00c5ngstr\u00f6m na\u00efve caf\u00e9 co\u00f6perate',
  '\\boxed{\\frac{1}{2}}', '$$\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6}$$', '\\begin{align*} a &= b \\\\ c &= d \\end{align*}',
  '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
  '<think>\nreasoning\n</think>\n\nanswer', '<|endoftext|><|endoftext|>', 'x<|im_end|>y', '<|im_start', '<|im_start|', '<<|im_end|>>',
  'def f(x):\n    return x**2  # square\n\n\nprint(f(3))\n', '    indented\n\tTabbed\r\n\r\nCRLF', '!!!???...,,,;;;', '---===***',
  '((((((((((()))))))))))', 'a'.repeat(300), ' '.repeat(300) + 'x', '\n'.repeat(50), 'ab'.repeat(400), '1'.repeat(200),
  '\ud800\udc00 \udbff\udfff', '\ud834\udd1e music', '\u{1F9EE}\u{1F9EE}\u{1F9EE}', 'Q: 75+20-2*5-82= A:', 'A: \\boxed{3}',
];

module.exports = { datasetTexts, datasetFiles, EDGE_CASES, DATASETS };
