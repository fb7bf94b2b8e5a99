// Peak resident memory of generation (lm/generate's paged engine, what `upt generate`
// and the trainer's rollouts run) vs the memory plan's rollout term (CPU):
//   bench_generate_memory SIZE DTYPE ROWS PROMPT NEW
// ROWS distinct random prompts of PROMPT tokens, NEW sampled tokens each (no stop ids,
// so every row runs to NEW), all in flight (batch_size = ROWS, token budget 0 =
// ROWS x (PROMPT + NEW) KV slots). The plan for a generation-only process is
// baseline + weights + the rollout term (KV cache of ROWS x (PROMPT + NEW) tokens and
// the [ROWS, V] float32 last-position logits); gradients and optimizer state do not
// exist here. Prints one JSON line.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <torch/torch.h>

#include "benchmarks/train/memory/bench_sizes.h"
#include "lm/generate/generator.h"
#include "lm/model/checkpoint.h"
#include "lm/model/qwen2.h"
#include "train/loop/config/memory_plan.h"

using namespace bench;  // NOLINT: benchmark helpers

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s SIZE fp32|bf16 ROWS PROMPT NEW\n", argv[0]);
    return 2;
  }
  const std::string size = argv[1];
  const bool bf16 = std::string(argv[2]) == "bf16";
  const int64_t rows = std::atoll(argv[3]), prompt = std::atoll(argv[4]), fresh = std::atoll(argv[5]);
  torch::set_num_threads(1);
  {
    auto w = torch::randn({256, 256});
    (void)torch::matmul(w, w).sum().item<float>();
  }
  const double baseline = StatusBytes("VmRSS:");

  upt::train::MemoryPlanInput in;
  in.model = Size(size);
  in.bf16 = bf16;
  in.rollout_rows = rows;
  in.rollout_len = prompt + fresh;
  in.baseline_bytes = baseline;
  in.cpu = true;
  const auto plan = upt::train::PlanMemory(in);
  const double weights = static_cast<double>(in.model.NumParameters()) * (bf16 ? 2 : 4);
  const double plan_gen = baseline + weights + plan.rollout_bytes;

  upt::lm::Qwen2ForCausalLM model(in.model);
  upt::lm::InitQwen2Weights(model, 1);
  if (bf16) model->to(torch::kBFloat16);
  upt::lm::Generator gen(model.ptr(), nullptr, {}, {});
  auto g = torch::make_generator<at::CPUGeneratorImpl>(3);
  auto ids = torch::randint(3, in.model.vocab_size, {rows, prompt}, g, torch::kInt64);
  std::vector<upt::lm::GenerationRequest> reqs(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t t = 0; t < prompt; ++t) reqs[r].prompt.push_back(static_cast<int32_t>(ids[r][t].item<int64_t>()));
    reqs[r].stream_id = static_cast<uint64_t>(r);
  }
  upt::lm::SamplingParams sp;
  sp.max_new_tokens = static_cast<int>(fresh);
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  const auto out = gen.Generate(reqs, sp, 1, static_cast<int>(rows));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  const double peak = StatusBytes("VmHWM:");
  const auto& st = gen.last_stats();
  int64_t generated = 0;
  for (const auto& o : out) generated += static_cast<int64_t>(o.tokens.size());
  const double above = peak - baseline, plan_above = plan_gen - baseline;
  std::printf(
      "{\"mode\":\"generate\",\"size\":\"%s\",\"params\":%lld,\"dtype\":\"%s\",\"rows\":%lld,\"prompt\":%lld,"
      "\"new\":%lld,\"generated\":%lld,\"baseline_mib\":%.1f,\"measured_mib\":%.1f,\"plan_mib\":%.1f,"
      "\"err_total\":%.3f,\"measured_above_mib\":%.1f,\"plan_above_mib\":%.1f,\"err_above\":%.3f,"
      "\"plan_weights_mib\":%.1f,\"plan_rollout_mib\":%.1f,\"engine_kv_peak_mib\":%.1f,\"wall_s\":%.1f,"
      "\"cpu_s\":%.1f}\n",
      size.c_str(), static_cast<long long>(in.model.NumParameters()), bf16 ? "bf16" : "fp32",
      static_cast<long long>(rows), static_cast<long long>(prompt), static_cast<long long>(fresh),
      static_cast<long long>(generated), baseline / 1048576, peak / 1048576, plan_gen / 1048576, plan_gen / peak - 1,
      above / 1048576, plan_above / 1048576, plan_above / above - 1, weights / 1048576,
      plan.rollout_bytes / 1048576, static_cast<double>(st.peak_kv_blocks * st.kv_bytes_per_block) / 1048576, secs,
      cpu);
  return 0;
}
