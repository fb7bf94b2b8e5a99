// Cost of the UPGE loss (forward + backward w.r.t. logp) per preset on a
// synthetic step batch, and GRPO advantages loop vs vectorised.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <vector>

#include "core/rng.h"
#include "train/upge/advantage.h"
#include "train/upge/presets.h"

namespace upt::train {
namespace {

// B rows (groups of 8; every 8th row a demonstration), T tokens, float32.
RolloutBatch SyntheticBatch(int64_t B, int64_t T) {
  torch::manual_seed(0);
  RolloutBatch b;
  b.logp = (-torch::rand({B, T}) * 3).requires_grad_(true);
  b.old_logp = b.logp.detach() + 0.1 * torch::randn({B, T});
  auto len = torch::randint(T / 4, T + 1, {B, 1});
  b.response_mask = (torch::arange(T).unsqueeze(0) < len).to(torch::kFloat);
  b.reward = torch::randint(0, 2, {B}).to(torch::kFloat);
  b.group_id = torch::arange(B) / 8;
  b.is_demo = (torch::arange(B) % 8) == 7;
  b.entropy = torch::rand({B, T});
  b.L_max = T;
  return b;
}

void BM_PresetLossBackward(benchmark::State& state, const char* preset) {
  torch::set_num_threads(1);
  const Preset& p = PresetRegistry().Get(preset);
  RolloutBatch b = SyntheticBatch(state.range(0), state.range(1));
  for (auto _ : state) {
    auto out = PresetLoss(p, b);
    auto g = torch::autograd::grad({out.loss}, {b.logp})[0];
    benchmark::DoNotOptimize(g.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * state.range(1));
}
BENCHMARK_CAPTURE(BM_PresetLossBackward, sft, "sft")->Args({256, 1024})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PresetLossBackward, grpo, "grpo")->Args({256, 1024})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PresetLossBackward, grpo_paper, "grpo_paper")->Args({256, 1024})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PresetLossBackward, luffy, "luffy")->Args({256, 1024})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PresetLossBackward, srft, "srft")->Args({256, 1024})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PresetLossBackward, hpt, "hpt")->Args({256, 1024})->Unit(benchmark::kMillisecond);

void BM_GroupAdvantagesVectorised(benchmark::State& state) {
  torch::set_num_threads(1);
  const int64_t B = state.range(0);
  auto r = torch::randint(0, 2, {B}).to(torch::kFloat);
  auto k = torch::arange(B) / 8;
  for (auto _ : state) benchmark::DoNotOptimize(GroupAdvantages(r, k, {true, 1e-6}).data_ptr());
  state.SetItemsProcessed(state.iterations() * B);
}
BENCHMARK(BM_GroupAdvantagesVectorised)->Arg(1024)->Arg(16384);

void BM_GroupAdvantagesLoop(benchmark::State& state) {
  const int64_t B = state.range(0);
  RngStream rng(0);
  std::vector<double> r(B);
  std::vector<int64_t> k(B);
  for (int64_t i = 0; i < B; ++i) {
    r[i] = static_cast<double>(rng.Below(2));
    k[i] = i / 8;
  }
  for (auto _ : state) benchmark::DoNotOptimize(GroupAdvantagesLoop(r, k, {true, 1e-6}).data());
  state.SetItemsProcessed(state.iterations() * B);
}
BENCHMARK(BM_GroupAdvantagesLoop)->Arg(1024)->Arg(16384);

}  // namespace
}  // namespace upt::train

BENCHMARK_MAIN();
