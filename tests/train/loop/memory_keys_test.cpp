// The memory keys through the whole training loop on the tiny toy run: checkpointing,
// block attention and chunked logits train like the reference path; bf16 with the
// ZeRO AdamW (fp32 master weights) trains and resumes exactly from its checkpoint.
#include <gtest/gtest.h>

#include "tests/train/loop/tiny_run.h"

namespace upt::train {
namespace {

using testing::Params;
using testing::Root;
using testing::TinyConfig;

TrainRunOptions QuietRun() {
  TrainRunOptions o;
  o.progress = false;
  return o;
}

double MaxDiff(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
  return worst;
}

TEST(MemoryKeysTest, CheckpointingBlockAttentionAndChunkedLogitsTrainLikeTheReference) {
  const std::string ref = Root() + "/mem_ref", mem = Root() + "/mem_on";
  RunTraining(TinyConfig("hpt", ref), QuietRun());
  TrainConfig c = TinyConfig("hpt", mem);
  c.model.enable_gradient_checkpointing = true;
  c.model.attention_block_size = 8;
  c.actor.logits_chunk_size = 16;
  RunTraining(c, QuietRun());
  auto a = Params(ref + "/checkpoint-4"), b = Params(mem + "/checkpoint-4");
  ASSERT_EQ(a.size(), b.size());
  EXPECT_GT(MaxDiff(a, Params(testing::TinyModel())), 1e-3);  // it trained
  EXPECT_LT(MaxDiff(a, b), 1e-4);                            // the same way
}

TEST(MemoryKeysTest, Bf16WithZeroOptimizerTrainsAndResumesExactly) {
  auto cfg = [](const std::string& out) {
    TrainConfig c = TinyConfig("hpt", out);
    c.trainer.dtype = "bf16";
    c.actor.fsdp_config.zero_stage = 2;  // one rank: the same optimizer, unsharded
    return c;
  };
  const std::string a = Root() + "/bf16_a", b = Root() + "/bf16_b";
  TrainSummary full = RunTraining(cfg(a), QuietRun());
  EXPECT_EQ(full.steps_done, 4);
  EXPECT_GT(MaxDiff(Params(a + "/checkpoint-4"), Params(testing::TinyModel())), 1e-3);
  TrainRunOptions killed = QuietRun();
  killed.stop_after_steps = 3;
  RunTraining(cfg(b), killed);
  TrainRunOptions resume = QuietRun();
  resume.resume = true;
  TrainSummary second = RunTraining(cfg(b), resume);
  EXPECT_EQ(second.start_step, 2);
  EXPECT_EQ(MaxDiff(Params(a + "/checkpoint-4"), Params(b + "/checkpoint-4")), 0.0);
}

}  // namespace
}  // namespace upt::train
