// The memory plan's arithmetic: paper model sizes, what each switch removes, the
// paper's three models on 8 x 80 GiB, byte-size parsing, the micro-batch / rollout
// rows and rank count a config implies, resident gradients only under accumulation, the CPU
// bf16 kernel-cache term, and every configs/paper file fitting 8 x 80 GB.
#include "train/loop/config/memory_plan.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "lm/io/known_configs.h"
#include "train/loop/config/config.h"

namespace upt::train {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

MemoryPlanInput PaperInput(const std::string& model) {
  MemoryPlanInput in;
  in.model = *lm::io::KnownConfig(model);
  in.world_size = 8;
  in.bf16 = true;
  in.zero2 = true;
  in.gradient_checkpointing = true;
  in.attention_block = 512;
  in.logits_chunk = 1024;
  in.micro_batch_rows = 1;
  in.seq_len = 1024 + 8192;  // max_prompt_length + max_response_length
  in.rollout_rows = 16;      // concurrent generation rows per GPU
  in.rollout_len = 1024 + 8192;
  in.baseline_bytes = 1 * kGiB;
  return in;
}

TEST(MemoryPlanTest, PaperModelsHaveTheirPublishedSizes) {
  EXPECT_EQ(lm::io::KnownConfig("Qwen2.5-Math-1.5B")->NumParameters(), 1543714304LL);
  EXPECT_EQ(lm::io::KnownConfig("models/Qwen2.5-Math-7B/")->NumParameters(), 7615616512LL);
  EXPECT_EQ(lm::io::KnownConfig("meta-llama/Meta-Llama-3.1-8B")->NumParameters(), 8030261248LL);
  EXPECT_FALSE(lm::io::KnownConfig("gpt2").has_value());
}

TEST(MemoryPlanTest, Fp32UnshardedSevenBDoesNotFitAndThePaperSettingsDo) {
  auto in = PaperInput("Qwen2.5-Math-7B");
  in.bf16 = in.zero2 = false;
  in.torch_adamw = true;
  auto fp32 = PlanMemory(in);
  EXPECT_NEAR(fp32.static_bytes, 16.0 * 7615616512LL, 1.0);  // the issue's ~122 GB on every rank
  EXPECT_GT(fp32.peak, 80 * kGiB);
  for (const char* m : {"Qwen2.5-Math-1.5B", "Qwen2.5-Math-7B", "Llama-3.1-8B"}) {
    auto plan = PlanMemory(PaperInput(m));
    EXPECT_LT(plan.peak, 80 * kGiB) << m << "\n" << FormatMemoryPlan(PaperInput(m), plan, 80 * kGiB);
  }
}

TEST(MemoryPlanTest, EachSwitchRemovesItsTerm) {
  auto base = PaperInput("Qwen2.5-Math-7B");
  auto off = base;
  off.gradient_checkpointing = false;
  EXPECT_GT(PlanMemory(off).train_bytes, 5 * PlanMemory(base).train_bytes);
  off = base;
  off.logits_chunk = 0;  // [9216, 152064] float32 logits and friends
  EXPECT_GT(PlanMemory(off).train_bytes - PlanMemory(base).train_bytes, 9216.0 * 152064 * 4 * 4);
  off = base;
  off.attention_block = 0;  // [H, T, T] probabilities of the recomputed layer
  EXPECT_GT(PlanMemory(off).train_bytes - PlanMemory(base).train_bytes, 28.0 * 9216 * 9216 * 4);
  off = base;
  off.zero2 = false;
  const double P = 7615616512.0;
  EXPECT_NEAR(PlanMemory(off).static_bytes - PlanMemory(base).static_bytes, 12 * P * (1 - 1.0 / 8), 1e3);
}

TEST(MemoryPlanTest, ParsesByteSizes) {
  EXPECT_DOUBLE_EQ(ParseByteSize("80GiB"), 80 * kGiB);
  EXPECT_DOUBLE_EQ(ParseByteSize("80 GB"), 80e9);
  EXPECT_DOUBLE_EQ(ParseByteSize("1.5TiB"), 1.5 * 1024 * kGiB);
  EXPECT_DOUBLE_EQ(ParseByteSize("4096"), 4096);
  EXPECT_LT(ParseByteSize("eighty"), 0);
  EXPECT_LT(ParseByteSize("80 parsecs"), 0);
}

TEST(MemoryPlanTest, ConfigKeysFeedThePlan) {
  TrainConfig cfg;
  cfg.trainer.dtype = "bf16";
  cfg.actor.fsdp_config.zero_stage = 2;
  cfg.model.enable_gradient_checkpointing = true;
  auto in = MemoryPlanFromConfig(cfg, *lm::io::KnownConfig("Qwen2.5-Math-1.5B"), 8);
  EXPECT_TRUE(in.bf16 && in.zero2 && in.gradient_checkpointing);
  EXPECT_FALSE(in.torch_adamw);
  cfg.actor.fsdp_config.param_dtype = "fp32";  // verl's key wins over trainer.dtype
  EXPECT_FALSE(UsesBf16(cfg));
  cfg.actor.fsdp_config.param_dtype = "fp8";
  EXPECT_THROW(ValidateMemoryOptions(cfg), Error);
}

TEST(MemoryPlanTest, MicroBatchAndRolloutRowsFollowTheConfig) {
  TrainConfig cfg;  // 64 x 8 rows per mini-batch, 128 x 8 rollouts, rows of 1024 + 8192 tokens
  cfg.data.max_prompt_length = 1024;
  cfg.data.max_response_length = 8192;
  cfg.data.train_batch_size = 128;
  cfg.actor.ppo_mini_batch_size = 64;
  const auto model = *lm::io::KnownConfig("Qwen2.5-Math-7B");
  EXPECT_EQ(MemoryPlanFromConfig(cfg, model, 8).micro_batch_rows, 64);  // the rank's share
  cfg.actor.ppo_micro_batch_size_per_gpu = 4;
  EXPECT_EQ(MemoryPlanFromConfig(cfg, model, 8).micro_batch_rows, 4);
  cfg.actor.use_dynamic_bsz = true;
  cfg.actor.ppo_max_token_len_per_gpu = 32768;  // 3 full rows of 9216 tokens
  EXPECT_EQ(MemoryPlanFromConfig(cfg, model, 8).micro_batch_rows, 3);
  cfg.actor.ppo_max_token_len_per_gpu = 4096;   // a longer row still runs, alone
  EXPECT_EQ(MemoryPlanFromConfig(cfg, model, 8).micro_batch_rows, 1);
  EXPECT_EQ(MemoryPlanFromConfig(cfg, model, 8, 2).micro_batch_rows, 2);  // --micro-batch-rows wins
  EXPECT_EQ(MemoryPlanFromConfig(cfg, model, 8).rollout_rows, 128);
  cfg.rollout.max_num_seqs = 16;
  EXPECT_EQ(MemoryPlanFromConfig(cfg, model, 8).rollout_rows, 16);
  EXPECT_EQ(MemoryPlanFromConfig(cfg, model, 8, 0, 4).rollout_rows, 4);
  cfg.rollout.max_num_seqs = 0;
  EXPECT_THROW(ValidateMemoryOptions(cfg), Error);
}

TEST(MemoryPlanTest, GradientsStayResidentOnlyWhenMicroBatchesAccumulate) {
  TrainConfig cfg;  // 64 x 8 rows per mini-batch: 64 per rank on 8 ranks
  cfg.actor.ppo_mini_batch_size = 64;
  const auto model = *lm::io::KnownConfig("Qwen2.5-Math-7B");
  EXPECT_FALSE(MemoryPlanFromConfig(cfg, model, 8).accumulation);  // the share in one micro-batch
  EXPECT_TRUE(MemoryPlanFromConfig(cfg, model, 8, 4).accumulation);
  EXPECT_FALSE(MemoryPlanFromConfig(cfg, model, 8, 64).accumulation);

  auto in = PaperInput("Qwen2.5-Math-7B");
  const double P = static_cast<double>(in.model.NumParameters());
  const double head = static_cast<double>(in.model.vocab_size) * in.model.hidden_size * 2;  // bf16 V x d
  const MemoryPlan acc = PlanMemory(in);
  in.accumulation = false;
  const MemoryPlan once = PlanMemory(in);
  // The forward runs beside the head's gradient only; the rest of .grad appears at the step.
  EXPECT_NEAR(acc.static_bytes - once.static_bytes, 2 * P - head, 1.0);
  EXPECT_NEAR(once.optimizer_transient - acc.optimizer_transient, 2 * P - head, 1.0);
  EXPECT_DOUBLE_EQ(acc.train_bytes, once.train_bytes);
  EXPECT_LT(once.peak, acc.peak);
  in.torch_adamw = true;  // torch::optim::AdamW keeps .grad between steps
  in.zero2 = false;
  const MemoryPlan kept = PlanMemory(in);
  in.accumulation = true;
  EXPECT_DOUBLE_EQ(kept.static_bytes, PlanMemory(in).static_bytes);
}

TEST(MemoryPlanTest, OneDnnKernelCacheIsACpuBf16RolloutTermThatSaturates) {
  auto in = PaperInput("Qwen2.5-Math-1.5B");
  in.rollout_rows = 2;
  in.rollout_len = 192;
  const double cuda = PlanMemory(in).rollout_bytes;
  in.cpu = true;
  const double short_len = PlanMemory(in).rollout_bytes - cuda;
  EXPECT_GT(short_len, 26.0 * 1024 * 1024);  // the runtime part alone
  auto cache = [](MemoryPlanInput x) {  // the CPU term alone: CPU minus CUDA rollout bytes
    const double cpu = PlanMemory(x).rollout_bytes;
    x.cpu = false;
    return cpu - PlanMemory(x).rollout_bytes;
  };
  in.rollout_len = 448;
  EXPECT_NEAR(cache(in), short_len + (448 - 192) * 125.0 * 1024, 1.0);  // one kernel pair per key length
  in.rollout_len = 4096;
  const double full = cache(in);
  in.rollout_len = 9216;
  EXPECT_DOUBLE_EQ(cache(in), full);  // the primitive cache is full
  in.rollout_rows = 64;
  EXPECT_DOUBLE_EQ(cache(in), full);  // independent of the rows
  in.bf16 = false;
  in.cpu = true;
  auto fp32_cuda = in;
  fp32_cuda.cpu = false;
  EXPECT_DOUBLE_EQ(PlanMemory(in).rollout_bytes, PlanMemory(fp32_cuda).rollout_bytes);  // fp32 uses BLAS
}

TEST(MemoryPlanTest, RankCountDefaultsToTheReproducedRun) {
  TrainConfig cfg;
  EXPECT_EQ(PlanWorldSize(cfg, 0), 1);
  EXPECT_EQ(PlanWorldSize(cfg, 4), 4);
  cfg.actor.loss_norm = "upstream";
  cfg.actor.virtual_world_size = 8;
  EXPECT_EQ(PlanWorldSize(cfg, 0), 8);
  EXPECT_EQ(PlanWorldSize(cfg, 2), 2);
}

TEST(MemoryPlanTest, EveryPaperConfigFitsEightGpusOf80GiB) {
  const std::string dir = std::string(UPT_SOURCE_DIR) + "/configs/paper";
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    TrainConfig cfg;
    LoadConfigFile(entry.path().string(), &cfg);
    const std::string line = MemoryPlanSummary(cfg, 0, 80 * kGiB);
    EXPECT_NE(line.find("on 8 ranks"), std::string::npos) << entry.path() << ": " << line;
    EXPECT_NE(line.find("fits 80.00 GiB: yes"), std::string::npos) << entry.path() << ": " << line;
    if (entry.path().string().find("1.5b") == std::string::npos) {  // 7B / 8B need the ZeRO-2 shards
      EXPECT_NE(MemoryPlanSummary(cfg, 1, 80 * kGiB).find("NO"), std::string::npos) << entry.path() << " on one GPU";
    }
    ++n;
  }
  EXPECT_GE(n, 15);
}

}  // namespace
}  // namespace upt::train
