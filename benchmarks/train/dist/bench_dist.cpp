// Data-parallel costs on local ranks (c10d Gloo over loopback):
//   BM_AllReduceGradients/<params>/<bucket KiB>: one bucketed gradient all-reduce
//   BM_TrainStep/<global batch rows>: a Qwen2-shaped toy model's forward + backward on
//     this rank's share of a fixed global batch, gradient all-reduce, AdamW step;
//     counters tokens/s (global tokens) and allreduce_ms (per step).
// Run as 1 rank: `bench_train_dist`; as N local ranks: `bench_train_dist --nproc=N`
// (relaunches itself through train/dist's launcher; rank 0 prints the report).
// Iteration counts are fixed so every rank runs the same collectives.
#include <benchmark/benchmark.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>

#include "lm/model/model_tools.h"
#include "lm/model/qwen2.h"
#include "train/dist/dist.h"
#include "train/dist/launcher.h"
#include "train/dist/shard.h"
#include "train/toy/model/toy_model.h"

namespace {

using upt::train::dist::DistContext;

DistContext& Ctx() {
  static DistContext ctx = DistContext::FromEnvironment({120});
  return ctx;
}

void BM_AllReduceGradients(benchmark::State& state) {
  const int64_t n = state.range(0);
  const size_t bucket = static_cast<size_t>(state.range(1)) << 10;
  // ~DDP-like layout: 64 equal parameter tensors.
  std::vector<at::Tensor> params;
  const int64_t per = std::max<int64_t>(1, n / 64);
  for (int64_t done = 0; done < n; done += per) {
    params.push_back(torch::zeros({std::min(per, n - done)}, torch::requires_grad()));
    params.back().mutable_grad() = torch::ones({std::min(per, n - done)});
  }
  Ctx().Barrier();
  for (auto _ : state) Ctx().AllReduceGradients(params, upt::train::dist::GradReduction::kMean, bucket);
  state.SetBytesProcessed(state.iterations() * n * 4);
  state.counters["ranks"] = Ctx().world_size();
}

// Reference point: one flat tensor all-reduced in place (no bucketing, no copies).
void BM_AllReduceFlat(benchmark::State& state) {
  std::vector<at::Tensor> t{torch::ones({state.range(0)})};
  Ctx().Barrier();
  for (auto _ : state) Ctx().AllReduceSum(t);
  state.SetBytesProcessed(state.iterations() * state.range(0) * 4);
}

// The toy preset with a 512-symbol vocabulary (a larger output layer to all-reduce).
upt::lm::io::Qwen2Config ToyConfig() {
  upt::lm::io::Qwen2Config c = upt::train::toy::ToyModelConfig();
  c.vocab_size = 512;
  return c;
}

void BM_TrainStep(benchmark::State& state) {
  DistContext& ctx = Ctx();
  const int rows = static_cast<int>(state.range(0)), seq = 64;
  torch::manual_seed(0);
  upt::lm::Qwen2ForCausalLM model(ToyConfig());
  ctx.BroadcastParameters(model->parameters());
  torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-4));
  const auto share = upt::train::dist::ShardOf(rows, ctx.rank(), ctx.world_size());
  const at::Tensor all = torch::randint(0, 512, {rows, seq}, torch::kLong);
  const at::Tensor tokens = all.narrow(0, share.begin, share.size());
  double allreduce_s = 0;
  for (auto _ : state) {
    opt.zero_grad();
    const at::Tensor logits = model->forward(tokens);  // [b, T, V]
    // Sum of token losses / GLOBAL token count, so summed gradients = full-batch gradient.
    const at::Tensor loss = torch::nn::functional::cross_entropy(
                                logits.narrow(1, 0, seq - 1).reshape({-1, 512}),
                                tokens.narrow(1, 1, seq - 1).reshape({-1}),
                                torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)) /
                            (rows * (seq - 1));
    loss.backward();
    const auto t0 = std::chrono::steady_clock::now();
    ctx.AllReduceGradients(model->parameters());
    allreduce_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    opt.step();
  }
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * rows * seq,
                                                  benchmark::Counter::kIsRate);
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["allreduce_ms"] = 1000 * allreduce_s / static_cast<double>(state.iterations());
  int64_t n = 0;
  for (const auto& p : model->parameters()) n += p.numel();
  state.counters["params"] = static_cast<double>(n);
  state.counters["ranks"] = ctx.world_size();
}

}  // namespace

// Toy-sized (~0.2M, the toy world's model) and ~100M-parameter (a 0.1B model's) gradients.
BENCHMARK(BM_AllReduceGradients)
    ->ArgsProduct({{200'000}, {64, 1024, 25 << 10}})
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_AllReduceGradients)
    ->ArgsProduct({{100'000'000}, {1 << 10, 25 << 10, 100 << 10, 512 << 10}})
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_AllReduceFlat)->Arg(200'000)->Arg(100'000'000)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TrainStep)->Arg(32)->Iterations(10)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  int nproc = 0;
  std::vector<std::string> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--nproc=", 8) == 0)
      nproc = std::atoi(argv[i] + 8);
    else
      rest.push_back(argv[i]);
  }
  if (nproc > 0 && std::getenv("WORLD_SIZE") == nullptr) {
    char self[PATH_MAX];
    const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    rest[0] = std::string(self, static_cast<size_t>(len > 0 ? len : 0));
    upt::train::dist::LaunchOptions o;
    o.nproc = nproc;
    const auto res = upt::train::dist::Launch(rest, o, [](int rank, bool is_err, const std::string& line) {
      if (rank == 0 || is_err) (is_err ? std::cerr : std::cout) << (is_err ? "[rank " + std::to_string(rank) + "] " : "")
                                                                 << line << std::endl;
    });
    if (res.exit_code != 0) std::cerr << "bench: " << res.message << "\n";
    return res.exit_code;
  }
  torch::set_num_threads(1);  // one core per rank (OMP_NUM_THREADS=1 under the launcher as well)
  benchmark::Initialize(&argc, argv);
  Ctx();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
