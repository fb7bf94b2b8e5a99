#!/usr/bin/env node
// Reference Parquet files for the reader tests, written and read by the npm
// packages hyparquet-writer and hyparquet (installed by scripts/setup).
//   node fixtures.mjs write DIR    writes the fixture files listed in DIR/index.json
//   node fixtures.mjs read FILE    prints FILE's rows as JSONL, as hyparquet reads them
//   node fixtures.mjs convert FILE STEM   prints the canonical JSONL a Python-style verl conversion gives
//   node fixtures.mjs generations FILE SPEC.json  writes verl generation output (prompt + responses)
//   node fixtures.mjs verl FILE ROWS [TEXT_WORDS]  writes a large verl-layout file (benchmarks)
// Rows follow verl's layout (volcengine/verl examples/data_preprocess, the HPT/LUFFY
// training parquet): data_source, prompt [{role, content}], ability,
// reward_model {ground_truth, style}, extra_info {index, split}, target [{role, content}].
import fs from 'fs'
import path from 'path'
import zlib from 'zlib'
import { execFileSync } from 'child_process'
import { fileURLToPath } from 'url'

const NPM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../.cache/npm/node_modules')
const { parquetWriteBuffer } = await import(path.join(NPM, 'hyparquet-writer/src/index.js'))
const { parquetReadObjects, parquetMetadata } = await import(path.join(NPM, 'hyparquet/src/index.js'))
const { parquetHeader } = await import(path.join(NPM, 'hyparquet/src/column.js'))
const { writePageHeader } = await import(path.join(NPM, 'hyparquet-writer/src/datapage.js'))
const { writeMetadata } = await import(path.join(NPM, 'hyparquet-writer/src/metadata.js'))
const { ByteWriter } = await import(path.join(NPM, 'hyparquet-writer/src/bytewriter.js'))
const { snappyCompress } = await import(path.join(NPM, 'hyparquet-writer/src/snappy.js'))

const str = (name, rep = 'OPTIONAL') => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: rep })
const messages = name => [
  { name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
  str('content'), str('role'),
]
const VERL_SCHEMA = [
  { name: 'root', num_children: 6 },
  str('data_source'),
  ...messages('prompt'),
  str('ability'),
  { name: 'reward_model', repetition_type: 'OPTIONAL', num_children: 2 }, str('ground_truth'), str('style'),
  { name: 'extra_info', repetition_type: 'OPTIONAL', num_children: 2 },
  { name: 'index', type: 'INT64', repetition_type: 'OPTIONAL' }, str('split'),
  ...messages('target'),
]
const SYSTEM = 'Your task is to follow a systematic, thorough reasoning process before providing the final solution.'

// Deterministic generator (xorshift32) so every run writes the same files.
function rng(seed) {
  let s = seed >>> 0 || 1
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296 }
}

function verlRows(n, seed, { nulls = true, textLen = 40, randomWords = false } = {}) {
  const r = rng(seed)
  const word = randomWords  // benchmark text: random base-36 words, about as compressible as prose
    ? () => Math.floor(r() * 2176782336).toString(36).slice(0, 1 + Math.floor(r() * 7))
    : () => ['x', 'find', '$\\frac{1}{2}$', 'é', '数学', '\\boxed{7}', '', 'the', 'sum', '\n'][Math.floor(r() * 10)]
  const text = len => Array.from({ length: 1 + Math.floor(r() * len) }, word).join(' ')
  const rows = []
  for (let i = 0; i < n; i++) {
    const odd = nulls && r() < 0.15
    const prompt = [{ role: 'system', content: SYSTEM }, { role: 'user', content: `Problem ${i}: ${text(textLen)}` }]
    if (odd && i % 4 === 0) prompt[1].content = null
    const row = {
      data_source: ['openr1', 'math', 'aime'][i % 3],
      prompt: odd && i % 5 === 1 ? null : odd && i % 5 === 2 ? [] : odd && i % 5 === 3 ? [null, prompt[1]] : prompt,
      ability: 'math',
      reward_model: odd && i % 3 === 0 ? null : { ground_truth: odd && i % 3 === 1 ? null : String(i * 7 % 101), style: 'rule' },
      extra_info: { index: BigInt(i), split: odd ? null : 'train' },
      target: odd && i % 2 ? null : [{ role: 'assistant', content: `<think>\n${text(textLen * 3)}</think>\n\\boxed{${i}}` }],
    }
    rows.push(row)
  }
  return rows
}

function columnsOf(rows, schema, extra = {}) {
  const top = []
  for (let i = 1, k = 0; k < schema[0].num_children; k++) {
    top.push(schema[i].name)
    let todo = 1
    while (todo > 0) { todo += (schema[i].num_children || 0) - 1; i++ }
  }
  return top.map(name => ({ name, data: rows.map(r => r[name]), ...(extra[name] || {}) }))
}

const compressors = {
  SNAPPY: bytes => snappyCompress(bytes),
  GZIP: bytes => new Uint8Array(zlib.gzipSync(bytes)),
  ZSTD: bytes => new Uint8Array(execFileSync('zstd', ['-q', '-c', '-3'], { input: bytes })),
}

// hyparquet decodes SNAPPY itself; GZIP and ZSTD through node's zlib and the zstd CLI.
const decompressors = {
  GZIP: input => new Uint8Array(zlib.gunzipSync(input)),
  ZSTD: input => new Uint8Array(execFileSync('zstd', ['-q', '-d', '-c'], { input })),
}

function write(file, rows, schema, opts = {}, extra = {}) {
  const buf = parquetWriteBuffer({ columnData: columnsOf(rows, schema, extra), schema, compressors, ...opts })
  fs.writeFileSync(file, new Uint8Array(buf))
}

// Data pages v1 (parquet-format: "DataPageHeader", as pyarrow before 13 and
// parquet-mr write them), which hyparquet-writer does not write. The rows are
// written by hyparquet-writer UNCOMPRESSED with v2 pages, then every page is
// re-framed: a v2 page holds repetition levels, definition levels (RLE/bit-packed
// hybrid, no length prefix) and values; a v1 page body is
//   [u32 length, repetition levels] if max_rep > 0, [u32 length, definition levels]
//   if max_def > 0, then the values, with the whole body compressed by `codec`.
// `plainDictionary` names the columns whose dictionary pages and indexes are
// labelled PLAIN_DICTIONARY (the parquet 1.0 name; same bytes as RLE_DICTIONARY).
// The footer is rewritten with the new offsets and sizes, without statistics.
function writeV1(file, rows, schema, { codec = 'UNCOMPRESSED', rowGroupSize, pageSize, plainDictionary = [] } = {}, extra = {}) {
  const src = parquetWriteBuffer({ columnData: columnsOf(rows, schema, extra), schema, codec: 'UNCOMPRESSED', rowGroupSize, pageSize })
  const bytes = new Uint8Array(src)
  const view = new DataView(src)
  const meta = parquetMetadata(src)
  const pack = codec === 'UNCOMPRESSED' ? b => b : compressors[codec]
  const out = new ByteWriter()
  out.appendBytes(new TextEncoder().encode('PAR1'))
  for (const rg of meta.row_groups) {
    let rgSize = 0
    for (const chunk of rg.columns) {
      const md = chunk.meta_data
      const dictLabel = plainDictionary.includes(md.path_in_schema[0]) ? 'PLAIN_DICTIONARY' : null
      const levels = levelMaxima(meta.schema, md.path_in_schema)
      const start = Number(md.dictionary_page_offset ?? md.data_page_offset)
      const end = start + Number(md.total_compressed_size)
      const reader = { view, offset: start }
      const chunkStart = out.offset
      let uncompressed = 0
      let firstData = true
      md.dictionary_page_offset = undefined
      while (reader.offset < end) {
        const h = parquetHeader(reader)
        const body = bytes.subarray(reader.offset, reader.offset + h.compressed_page_size)
        reader.offset += h.compressed_page_size
        const at = out.offset
        if (h.type === 'DICTIONARY_PAGE') {
          md.dictionary_page_offset = BigInt(at)
          const packed = pack(body)
          writePageHeader(out, { type: 'DICTIONARY_PAGE', uncompressed_page_size: body.length, compressed_page_size: packed.length,
            dictionary_page_header: { num_values: h.dictionary_page_header.num_values, encoding: dictLabel || 'PLAIN' } })
          uncompressed += out.offset - at + body.length
          out.appendBytes(packed)
          continue
        }
        if (h.type !== 'DATA_PAGE_V2') throw new Error(`unexpected ${h.type} in ${md.path_in_schema.join('.')}`)
        const v2 = h.data_page_header_v2
        const rep = body.subarray(0, v2.repetition_levels_byte_length)
        const def = body.subarray(rep.length, rep.length + v2.definition_levels_byte_length)
        const values = body.subarray(rep.length + def.length)
        const plain = new ByteWriter()
        if (levels.rep > 0) { plain.appendUint32(rep.length); plain.appendBytes(rep) }
        if (levels.def > 0) { plain.appendUint32(def.length); plain.appendBytes(def) }
        plain.appendBytes(values)
        const raw = plain.getBytes()
        const packed = pack(raw)
        const encoding = v2.encoding === 'RLE_DICTIONARY' && dictLabel ? dictLabel : v2.encoding
        if (firstData) md.data_page_offset = BigInt(at)
        firstData = false
        writePageHeader(out, { type: 'DATA_PAGE', uncompressed_page_size: raw.length, compressed_page_size: packed.length,
          data_page_header: { num_values: v2.num_values, encoding, definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE' } })
        uncompressed += out.offset - at + raw.length
        out.appendBytes(packed)
      }
      md.codec = codec
      md.encodings = [...new Set(md.encodings.map(e => (e === 'RLE_DICTIONARY' || (e === 'PLAIN' && md.dictionary_page_offset !== undefined)) && dictLabel ? dictLabel : e).concat(['RLE']))]
      md.total_compressed_size = BigInt(out.offset - chunkStart)
      md.total_uncompressed_size = BigInt(uncompressed)
      md.statistics = undefined
      md.encoding_stats = undefined
      md.size_statistics = undefined
      chunk.file_offset = BigInt(chunkStart)
      rgSize += uncompressed
    }
    rg.total_byte_size = BigInt(rgSize)
    rg.file_offset = undefined
    rg.total_compressed_size = undefined
  }
  meta.created_by = 'upt tests/datasets/parquet_reference (data pages v1)'
  writeMetadata(out, meta)
  out.appendBytes(new TextEncoder().encode('PAR1'))
  fs.writeFileSync(file, out.getBytes())
}

// Maximum repetition and definition levels of the leaf at `path` (Dremel).
function levelMaxima(schema, path) {
  let rep = 0, def = 0, i = 1
  for (const name of path) {
    while (schema[i].name !== name) {  // skip siblings with their subtrees
      let todo = 1
      while (todo > 0) { todo += (schema[i].num_children || 0) - 1; i++ }
    }
    if (schema[i].repetition_type === 'REPEATED') { rep++; def++ } else if (schema[i].repetition_type === 'OPTIONAL') def++
    i++
  }
  return { rep, def }
}

function flatRows(n) {
  const r = rng(99)
  return Array.from({ length: n }, (_, i) => ({
    id: i % 11 === 3 ? null : i,
    big: BigInt(i) * 1000000007n - 5000000000n,
    ratio: i % 7 === 0 ? null : Math.round(r() * 1e6) / 64,
    f32: Math.fround(i / 8),
    flag: i % 9 === 0 ? null : i % 3 === 0,
    name: i % 13 === 0 ? null : `name-${i % 17}-${'ab'.repeat(i % 5)}`,
    tags: i % 6 === 0 ? null : Array.from({ length: i % 4 }, (_, k) => (k === 1 && i % 5 === 0 ? null : `t${(i + k) % 7}`)),
  }))
}
const FLAT_SCHEMA = [
  { name: 'root', num_children: 7 },
  { name: 'id', type: 'INT32', repetition_type: 'OPTIONAL' },
  { name: 'big', type: 'INT64', repetition_type: 'REQUIRED' },
  { name: 'ratio', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  { name: 'f32', type: 'FLOAT', repetition_type: 'REQUIRED' },
  { name: 'flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
  str('name'),
  { name: 'tags', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  str('element'),
]

function writeAll(dir) {
  fs.mkdirSync(dir, { recursive: true })
  const rows = verlRows(60, 7)
  const files = {}
  const add = (name, fn, note) => { fn(path.join(dir, name)); files[name] = note }
  for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'ZSTD'])
    add(`verl_${codec.toLowerCase()}.parquet`, f => write(f, rows, VERL_SCHEMA, { codec }), `verl layout, ${codec}, v2 pages`)
  add('verl_paged.parquet', f => write(f, verlRows(300, 11), VERL_SCHEMA, { codec: 'SNAPPY', rowGroupSize: [50, 120], pageSize: 2048 }),
    'verl layout, several row groups and pages per chunk')
  add('verl_plain.parquet', f => write(f, rows, VERL_SCHEMA, { codec: 'ZSTD' },
    Object.fromEntries(['data_source', 'prompt', 'ability', 'reward_model', 'extra_info', 'target'].map(k => [k, { encoding: 'PLAIN' }]))),
    'verl layout, PLAIN values only')
  add('verl_no_nulls.parquet', f => write(f, verlRows(40, 3, { nulls: false }), VERL_SCHEMA, { codec: 'GZIP' }), 'verl layout, no nulls')
  add('flat_types.parquet', f => write(f, flatRows(200), FLAT_SCHEMA, { codec: 'SNAPPY', pageSize: 512 }),
    'INT32/INT64/DOUBLE/FLOAT/BOOLEAN/strings/list of strings, dictionary and RLE booleans')
  add('flat_delta.parquet', f => write(f, flatRows(200), FLAT_SCHEMA, { codec: 'UNCOMPRESSED' }, {
    id: { encoding: 'DELTA_BINARY_PACKED' }, big: { encoding: 'DELTA_BINARY_PACKED' }, name: { encoding: 'DELTA_BYTE_ARRAY' },
    tags: { encoding: 'DELTA_LENGTH_BYTE_ARRAY' }, ratio: { encoding: 'BYTE_STREAM_SPLIT' }, f32: { encoding: 'BYTE_STREAM_SPLIT' },
  }), 'DELTA_BINARY_PACKED, DELTA_BYTE_ARRAY, DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT')
  const allTop = ['data_source', 'prompt', 'ability', 'reward_model', 'extra_info', 'target']
  add('v1_verl_uncompressed.parquet', f => writeV1(f, rows, VERL_SCHEMA), 'verl layout, v1 pages, RLE_DICTIONARY, UNCOMPRESSED')
  add('v1_verl_gzip.parquet', f => writeV1(f, verlRows(300, 11), VERL_SCHEMA, { codec: 'GZIP', rowGroupSize: [50, 120], pageSize: 2048, plainDictionary: allTop }),
    'verl layout, v1 pages, PLAIN_DICTIONARY, GZIP, several row groups and pages per chunk')
  add('v1_verl_snappy.parquet', f => writeV1(f, rows, VERL_SCHEMA, { codec: 'SNAPPY', plainDictionary: ['prompt', 'target'] },
    { reward_model: { encoding: 'PLAIN' }, extra_info: { encoding: 'PLAIN' } }), 'verl layout, v1 pages, PLAIN and dictionary columns, SNAPPY')
  add('v1_verl_zstd.parquet', f => writeV1(f, verlRows(40, 3, { nulls: false }), VERL_SCHEMA, { codec: 'ZSTD', rowGroupSize: 15 },
    Object.fromEntries(allTop.map(k => [k, { encoding: 'PLAIN' }]))), 'verl layout, v1 pages, PLAIN values, ZSTD, no nulls')
  add('v1_flat_types.parquet', f => writeV1(f, flatRows(200), FLAT_SCHEMA, { codec: 'GZIP', pageSize: 512, plainDictionary: ['name'] }),
    'v1 pages: INT32/INT64/DOUBLE/FLOAT/BOOLEAN (RLE), strings, list of strings')
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify(files, null, 1))
}

async function read(file) {
  const buf = fs.readFileSync(file)
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
  const rows = await parquetReadObjects({ file: ab, compressors: decompressors })
  const big = (k, v) => (typeof v === 'bigint' ? Number(v) : v)
  process.stdout.write(rows.map(r => JSON.stringify(r, big)).join('\n') + '\n')
}

// The canonical rows the usual Python conversion of a verl file gives (HPT
// data/prepare_train.py: system message dropped, user turn = problem,
// reward_model.ground_truth = answer, target[0].content = demonstration);
// rows without a problem or an answer are left out, as `--skip-bad-lines` does.
async function convert(file, stem) {
  const buf = fs.readFileSync(file)
  const rows = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), compressors: decompressors })
  const out = []
  rows.forEach((row, i) => {
    const user = (row.prompt || []).filter(m => m && m.role !== 'system').find(m => m.role === 'user')
    const answer = row.reward_model?.ground_truth
    if (!user || typeof user.content !== 'string' || user.content.trim() === '' || answer == null || String(answer).trim() === '') return
    const line = { id: `${stem}-${i}`, problem: user.content, answer: String(answer) }
    const target = row.target?.[0]?.content
    if (typeof target === 'string' && target !== '') line.target = target
    out.push(JSON.stringify(line))
  })
  process.stdout.write(out.join('\n') + '\n')
}

// A large verl-layout file for the throughput benchmark, written in chunks of row groups.
function writeLarge(file, n, textLen) {
  const rows = verlRows(n, 5, { nulls: false, textLen, randomWords: true })
  write(file, rows, VERL_SCHEMA, { codec: 'SNAPPY', rowGroupSize: 1000 })
}

// verl main_generation output: the dataset's columns plus `responses` (a list of
// completions). SPEC is a JSON file [{"problem": ..., "responses": [...]}, ...].
function writeGenerations(file, spec) {
  const items = JSON.parse(fs.readFileSync(spec, 'utf8'))
  const schema = [
    { name: 'root', num_children: 3 },
    ...messages('prompt'),
    { name: 'responses', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    str('element'),
    { name: 'reward_model', repetition_type: 'OPTIONAL', num_children: 2 }, str('ground_truth'), str('style'),
  ]
  const rows = items.map(it => ({
    prompt: [{ role: 'system', content: SYSTEM }, { role: 'user', content: it.problem }],
    responses: it.responses,
    reward_model: { ground_truth: it.answer ?? null, style: 'rule' },
  }))
  write(file, rows, schema, { codec: 'SNAPPY' })
}

const [cmd, arg, ...rest] = process.argv.slice(2)
if (cmd === 'write') writeAll(arg)
else if (cmd === 'read') await read(arg)
else if (cmd === 'convert') await convert(arg, rest[0])
else if (cmd === 'generations') writeGenerations(arg, rest[0])
else if (cmd === 'verl') writeLarge(arg, Number(rest[0]), Number(rest[1] || 40))
else { console.error('usage: fixtures.mjs write DIR | read FILE | verl FILE ROWS [TEXT_WORDS]'); process.exit(1) }
