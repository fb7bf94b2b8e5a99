// Peak resident memory of real training steps vs train/loop/config/memory_plan's
// prediction (CPU). One configuration per process, so VmHWM is that run's peak:
//   bench_train_memory SIZE DTYPE CKPT [ROWS SEQ ATTN_BLOCK LOGITS_CHUNK STEPS]
//   SIZE 5m | 50m | 200m (Qwen2-shaped), DTYPE fp32 | bf16, CKPT 0 | 1.
// The optimizer step is the trainer's (train/loop/update.cpp): ShardedAdamW's
// ReduceGradients, clip to 1.0, Step. Under RANK/WORLD_SIZE/UPT_DIST_FILESTORE
// (benchmarks/train/memory/run.sh) the ranks are ZeRO-2 shards and each reports its own peak.
// The runtime baseline (libtorch, OpenMP/BLAS threads, this binary) is measured after
// a warm-up matmul, before the model exists, and enters the plan as baseline_bytes.
// Prints one JSON line: measured and planned peak, in total and above the baseline.
// benchmarks/train/memory/run.sh runs the grid recorded in benchmarks/RESULTS.md.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <torch/torch.h>

#include "lm/model/checkpoint.h"
#include "lm/model/qwen2.h"
#include "lm/model/token_logprobs.h"
#include "train/dist/zero.h"
#include "train/loop/config/memory_plan.h"
#include "benchmarks/train/memory/bench_sizes.h"


using namespace bench;  // NOLINT: benchmark helpers

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s SIZE fp32|bf16 CKPT [ROWS SEQ ATTN_BLOCK LOGITS_CHUNK STEPS]\n", argv[0]);
    return 2;
  }
  const std::string size = argv[1];
  const bool bf16 = std::string(argv[2]) == "bf16", ckpt = std::atoi(argv[3]) != 0;
  const int64_t rows = argc > 4 ? std::atoll(argv[4]) : 2, seq = argc > 5 ? std::atoll(argv[5]) : 256;
  const int64_t block = argc > 6 ? std::atoll(argv[6]) : 0, chunk = argc > 7 ? std::atoll(argv[7]) : 0;
  const int steps = argc > 8 ? std::atoi(argv[8]) : 2;
  torch::set_num_threads(1);
  upt::train::dist::DistContext ctx = upt::train::dist::DistContext::FromEnvironment();  // Gloo is in the baseline
  {
    auto w = torch::randn({256, 256});
    (void)torch::matmul(w, w).sum().item<float>();
  }
  const double baseline = StatusBytes("VmRSS:");

  upt::train::MemoryPlanInput in;
  in.model = Size(size);
  in.bf16 = bf16;
  in.gradient_checkpointing = ckpt;
  in.attention_block = block;
  in.logits_chunk = chunk;
  in.micro_batch_rows = rows;
  in.seq_len = seq;
  in.baseline_bytes = baseline;
  in.world_size = ctx.world_size();
  in.zero2 = ctx.distributed();
  in.accumulation = false;  // one micro-batch per step: ReduceGradients releases .grad
  const auto plan = upt::train::PlanMemory(in);

  upt::lm::Qwen2ForCausalLM model(in.model);
  upt::lm::InitQwen2Weights(model, 1);
  model->set_memory_options({ckpt, block, chunk});
  if (bf16) model->to(torch::kBFloat16);
  upt::train::dist::ShardedAdamW opt(model->parameters(), {1e-4, 0.9, 0.999, 1e-8, 0.01}, &ctx, in.zero2);
  auto g = torch::make_generator<at::CPUGeneratorImpl>(3);
  auto tokens = torch::randint(0, in.model.vocab_size, {rows, seq}, g, torch::kInt64);
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  for (int s = 0; s < steps; ++s) {
    auto st = upt::lm::TokenLogProbs(model, tokens, {}, 1.0, true);
    (-(st.logprobs.sum() + 0.01 * st.entropy.sum()) / st.logprobs.numel() / ctx.world_size()).backward();
    const double norm = opt.ReduceGradients();
    if (norm > 1.0) opt.ScaleGradients(1.0 / (norm + 1e-6));
    opt.Step();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / steps;
  const double cpu = (CpuSeconds() - cpu0) / steps;
  const double peak = StatusBytes("VmHWM:");
  const double above = peak - baseline, plan_above = plan.peak - baseline;
  std::printf(
      "{\"size\":\"%s\",\"params\":%lld,\"dtype\":\"%s\",\"ckpt\":%d,\"rows\":%lld,\"seq\":%lld,\"attn_block\":%lld,"
      "\"logits_chunk\":%lld,\"baseline_mib\":%.1f,\"measured_mib\":%.1f,\"plan_mib\":%.1f,\"err_total\":%.3f,"
      "\"measured_above_mib\":%.1f,\"plan_above_mib\":%.1f,\"err_above\":%.3f,\"plan_static_mib\":%.1f,"
      "\"plan_train_mib\":%.1f,\"step_s\":%.2f,\"step_cpu_s\":%.2f,\"world\":%d,\"rank\":%d}\n",
      size.c_str(), static_cast<long long>(in.model.NumParameters()), bf16 ? "bf16" : "fp32", ckpt ? 1 : 0,
      static_cast<long long>(rows), static_cast<long long>(seq), static_cast<long long>(block),
      static_cast<long long>(chunk), baseline / 1048576, peak / 1048576, plan.peak / 1048576,
      plan.peak / peak - 1, above / 1048576, plan_above / 1048576, plan_above / above - 1,
      plan.static_bytes / 1048576, plan.train_bytes / 1048576, secs, cpu, ctx.world_size(), ctx.rank());
  return 0;
}
