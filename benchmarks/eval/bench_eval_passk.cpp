// Pass@k for 500 problems x 2048 samples: exact for every k = 1..2048, and
// bootstrap (B = 1000) at k = 1, 2, 4, ..., 2048. Target: both within 2 s.
// Compare with benchmarks/eval/passk_numpy.py on the same counts
// (written by --counts_out=FILE, see benchmarks/results/eval.md).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

#include "core/rng.h"
#include "eval/passk.h"

namespace {

using upt::eval::Counts;

// Deterministic counts: per-problem accuracy spread over [0, 1], many near 0.
std::vector<Counts> MakeCounts(int problems = 500, long long n = 2048) {
  std::vector<Counts> out;
  upt::RngStream rng(2024, {});
  for (int i = 0; i < problems; ++i) {
    double u = rng.Uniform();
    double acc = u * u * u;  // skewed towards hard problems, as in AIME
    long long c = static_cast<long long>(acc * static_cast<double>(n));
    out.push_back({"p" + std::to_string(i), n, c});
  }
  return out;
}

std::vector<double> ExactAllK(const std::vector<Counts>& counts) {
  const long long n = counts[0].n;
  std::vector<double> mean(static_cast<size_t>(n), 0.0);
  for (const auto& c : counts) {
    auto all = upt::eval::PassAtKAll(c.n, c.c);
    for (long long k = 0; k < n; ++k) mean[k] += all[k];
  }
  for (auto& m : mean) m /= static_cast<double>(counts.size());
  return mean;
}

void BM_ExactAllK(benchmark::State& state) {
  auto counts = MakeCounts();
  for (auto _ : state) benchmark::DoNotOptimize(ExactAllK(counts));
}
BENCHMARK(BM_ExactAllK)->Unit(benchmark::kMillisecond);

void BM_BootstrapPow2(benchmark::State& state) {
  auto counts = MakeCounts();
  auto ks = upt::eval::PowersOfTwoUpTo(2048);
  upt::eval::BootstrapOptions o;
  o.replicates = 1000;
  for (auto _ : state) benchmark::DoNotOptimize(upt::eval::BootstrapPassAtK(counts, ks, o));
}
BENCHMARK(BM_BootstrapPow2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ExactPlusBootstrapWithCIs(benchmark::State& state) {
  auto counts = MakeCounts();
  auto ks = upt::eval::PowersOfTwoUpTo(2048);
  upt::eval::BootstrapOptions o;
  o.replicates = 1000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ExactAllK(counts));
    std::vector<std::vector<double>> per_k;
    for (long long k : ks) {
      std::vector<double> v;
      for (const auto& c : counts) v.push_back(upt::eval::PassAtK(c.n, c.c, k));
      per_k.push_back(std::move(v));
    }
    benchmark::DoNotOptimize(upt::eval::BootstrapMeanCIs(per_k, o));
    benchmark::DoNotOptimize(upt::eval::BootstrapPassAtK(counts, ks, o));
  }
}
BENCHMARK(BM_ExactPlusBootstrapWithCIs)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  // --counts_out=FILE writes the counts as id,n,c for the numpy comparison.
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--counts_out=", 0) == 0) {
      std::FILE* f = std::fopen(a.substr(13).c_str(), "w");
      std::fprintf(f, "id,n,c\n");
      for (const auto& c : MakeCounts()) std::fprintf(f, "%s,%lld,%lld\n", c.id.c_str(), c.n, c.c);
      std::fclose(f);
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
