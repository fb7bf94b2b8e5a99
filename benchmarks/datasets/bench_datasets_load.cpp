// Loading costs: embedded benchmarks (SHA-256 + JSONL parse + validation), the
// GPQA zip decryption, CSV parsing, and toy-world generation.
#include <benchmark/benchmark.h>

#include "core/hash.h"
#include "datasets/load.h"
#include "datasets/registry.h"
#include "datasets/toy/toy_world.h"

namespace ds = upt::datasets;

static void BM_LoadBenchmark(benchmark::State& state, const char* name) {
  size_t rows = 0;
  for (auto _ : state) rows = ds::LoadBenchmark(name).problems.size();
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_LoadBenchmark, math500, "math500")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadBenchmark, olympiad, "olympiad")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadBenchmark, arc_c, "arc_c")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadBenchmark, gpqa_diamond_zip, "gpqa_diamond")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadBenchmark, toy_t4_generated, "toy_t4")->Unit(benchmark::kMillisecond);

// Parsing alone (no hash), on a re-serialised olympiad (1.6 MB source).
static void BM_ParseJsonl(benchmark::State& state) {
  std::string bytes = ds::BenchmarkToJsonl(ds::LoadBenchmark("olympiad"));
  for (auto _ : state) benchmark::DoNotOptimize(ds::ParseJsonl(bytes, "olympiad.jsonl", {}));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_ParseJsonl)->Unit(benchmark::kMillisecond);

static void BM_Sha256(benchmark::State& state) {
  std::string bytes(1 << 20, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(upt::Sha256Hex(bytes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_Sha256)->Unit(benchmark::kMillisecond);

static void BM_ParseCsv(benchmark::State& state) {
  std::string csv = "id,problem,answer\n";
  for (int i = 0; i < 10000; ++i)
    csv += "p" + std::to_string(i) + ",\"What is " + std::to_string(i) + " plus 1, exactly?\"," + std::to_string(i + 1) + "\n";
  for (auto _ : state) benchmark::DoNotOptimize(ds::ParseCsv(csv, "s.csv", {}));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * csv.size()));
  state.counters["rows/s"] = benchmark::Counter(10000, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ParseCsv)->Unit(benchmark::kMillisecond);

static void BM_ToyPretrainCorpus(benchmark::State& state) {
  ds::toy::ToyWorldOptions o;
  o.pretrain_size = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(ds::toy::MakeToyPretrainCorpus(o));
  state.counters["lines/s"] = benchmark::Counter(static_cast<double>(o.pretrain_size), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ToyPretrainCorpus)->Arg(20000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
