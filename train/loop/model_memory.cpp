#include "train/loop/model_memory.h"

#include <torch/torch.h>

#include "train/dist/zero.h"
#include "train/loop/config/memory_plan.h"

namespace upt::train {

void ConfigureModelMemory(lm::Qwen2ForCausalLM& model, const TrainConfig& cfg) {
  lm::MemoryOptions m;
  m.gradient_checkpointing = cfg.model.enable_gradient_checkpointing;
  m.attention_block = cfg.model.attention_block_size;
  m.logits_chunk = cfg.actor.logits_chunk_size;
  model->set_memory_options(m);
  if (UsesBf16(cfg)) model->to(torch::kBFloat16);
}

std::unique_ptr<torch::optim::Optimizer> MakeTrainOptimizer(lm::Qwen2ForCausalLM& model, const TrainConfig& cfg,
                                                            dist::DistContext* dist) {
  const auto& o = cfg.actor.optim;
  const bool zero2 = cfg.actor.fsdp_config.zero_stage == 2;
  if (!UsesBf16(cfg) && !zero2)
    return std::make_unique<torch::optim::AdamW>(
        model->parameters(),
        torch::optim::AdamWOptions(o.lr).betas(std::make_tuple(o.beta1, o.beta2)).eps(o.eps).weight_decay(o.weight_decay));
  dist::AdamWConfig a{o.lr, o.beta1, o.beta2, o.eps, o.weight_decay};
  return dist::MakeZeroAdamW(model->parameters(), a, dist, zero2, /*grads_reduced=*/false);
}

}  // namespace upt::train
