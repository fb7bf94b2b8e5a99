// The memory keys of a TrainConfig applied to the trainer's model and optimizer
// (docs/lm.md "Memory"): model.enable_gradient_checkpointing,
// model.attention_block_size, actor.logits_chunk_size, trainer.dtype /
// actor.fsdp_config.param_dtype (bf16) and actor.fsdp_config.zero_stage (2).
// The header stays torch-free; trainer.cpp holds the complete types.
#pragma once

#include <memory>

#include "lm/model/qwen2.h"
#include "train/dist/dist.h"
#include "train/loop/config/config.h"

namespace torch::optim {
class Optimizer;
}

namespace upt::train {

// Sets the model's MemoryOptions and, for bf16, casts its parameters to bfloat16.
void ConfigureModelMemory(lm::Qwen2ForCausalLM& model, const TrainConfig& cfg);

// torch::optim::AdamW for fp32 without ZeRO (the reference path), else
// train/dist's ShardedAdamW (fp32 master weights; state and reduced gradients sharded
// when zero_stage 2). The loop reduces and clips through dist::ZeroOptimizerOf
// (update.cpp ReduceAndClip) before step().
std::unique_ptr<torch::optim::Optimizer> MakeTrainOptimizer(lm::Qwen2ForCausalLM& model, const TrainConfig& cfg,
                                                            dist::DistContext* dist);

}  // namespace upt::train
