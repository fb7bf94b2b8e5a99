// Report building costs that grow with the inputs: Pass@k with bootstrap bands
// (paper scale: 2048 samples per problem, k up to 1024), the training-dynamics
// heatmap from a long rollout log, and the table renderers.
#include <benchmark/benchmark.h>

#include "core/rng.h"
#include "reports/heatmap.h"
#include "reports/tables.h"

namespace {

using namespace upt::reports;

std::vector<RunData> Runs(int runs, int problems, long long n) {
  std::vector<RunData> out;
  for (int r = 0; r < runs; ++r) {
    RunData run;
    run.label = "run" + std::to_string(r);
    BenchmarkScore s;
    s.benchmark = "aime24";
    upt::RngStream rng(r, {});
    for (int p = 0; p < problems; ++p) s.problems.push_back({"p" + std::to_string(p), n, static_cast<long long>(rng.Below(n + 1))});
    s.provenance.n_min = s.provenance.n_max = n;
    run.scores.push_back(s);
    out.push_back(run);
  }
  return out;
}

// 4 runs x 30 problems x n = 2048, k = 1..1024 (11 values), B = 1000.
void BM_ComputePassKPaperScale(benchmark::State& state) {
  auto runs = Runs(4, 30, 2048);
  auto benches = ReportBenchmarks(runs, {});
  StatsOptions stats;
  for (auto _ : state) benchmark::DoNotOptimize(ComputePassK(runs, benches, stats, 1024));
}
BENCHMARK(BM_ComputePassKPaperScale)->Unit(benchmark::kMillisecond);

// Main table for 8 runs x 8 benchmarks of 500 problems, B = 1000.
void BM_BuildMainTable(benchmark::State& state) {
  std::vector<RunData> runs = Runs(8, 500, 4);
  const char* names[] = {"aime24", "aime25", "amc", "math500", "minerva", "olympiad", "arc_c", "gpqa_diamond"};
  for (auto& r : runs) {
    auto s = r.scores[0];
    r.scores.clear();
    for (const char* b : names) {
      s.benchmark = b;
      r.scores.push_back(s);
    }
  }
  auto benches = ReportBenchmarks(runs, {});
  StatsOptions stats;
  for (auto _ : state) benchmark::DoNotOptimize(BuildMainTable(runs, benches, stats));
}
BENCHMARK(BM_BuildMainTable)->Unit(benchmark::kMillisecond);

// 2000 questions x 50 epochs x 2 steps per epoch = 200k rollout records.
void BM_BuildHeatmap(benchmark::State& state) {
  std::vector<RolloutRecord> recs;
  upt::RngStream rng(1, {});
  long long step = 0;
  for (int e = 0; e < 50; ++e)
    for (int rep = 0; rep < 2; ++rep, ++step)
      for (int q = 0; q < 2000; ++q) recs.push_back({step, e, "q" + std::to_string(q), static_cast<long long>(rng.Below(9)), 8});
  for (auto _ : state) benchmark::DoNotOptimize(BuildHeatmap(recs));
  state.SetItemsProcessed(state.iterations() * static_cast<long long>(recs.size()));
}
BENCHMARK(BM_BuildHeatmap)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
