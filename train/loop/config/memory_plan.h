// Per-rank peak memory of a training run, as arithmetic on the model config (torch-free;
// `upt train --dry-run --gpu-memory 80GiB`). The terms follow what lm/model and
// train/dist actually allocate (docs/lm.md "Memory plan" derives each one):
//   static   weights P*a, gradients P*a (a = 2 for bf16, 4 for fp32), optimizer state:
//            ShardedAdamW keeps fp32 master + exp_avg + exp_avg_sq = 12 P bytes,
//            divided by world_size under ZeRO-2 (torch::optim::AdamW, the fp32
//            unsharded path: exp_avg + exp_avg_sq = 8 P);
//   training activations of one micro-batch of N = rows * seq_len tokens: the tensors
//            autograd saves per decoder layer (or only the layer input with
//            checkpointing, plus one recomputed layer), the attention probabilities
//            [B, H, T, S] unless block attention, the head's [N, V] float32 logits unless
//            chunked, and the backward transients of one layer;
//   rollout  KV cache 2 * L * Hkv * D * a per token of every concurrent row, plus the
//            last-position logits and one layer's gathered K and V (4 * Hkv * D * a per
//            token: the decode step's transients);
//            Without accumulation (one micro-batch per step, ShardedAdamW) .grad is
//            absent in the forward: the backward's first gradient, the head's V*d*a, is
//            all that coexists with every activation;
//   optimizer transients  the rest of .grad (P*a) when it was not resident, ShardedAdamW's
//            fp32 gradient slices where they outgrow the .grad they replace (bf16 on one
//            rank), plus one bucket's buffers;
//   CPU bf16 rollouts: oneDNN's cache of per-shape JIT kernels (one per key length; measured);
//   baseline the runtime's own resident memory (CUDA context or libtorch on CPU).
// Peak = baseline + static + max(training activations, optimizer transients, rollout).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lm/io/qwen2_config.h"
#include "train/loop/config/config.h"

namespace upt::train {

struct MemoryPlanInput {
  lm::io::DecoderConfig model;
  int world_size = 1;
  bool bf16 = false;                    // bf16 weights/activations, fp32 master + AdamW state
  bool zero2 = false;                   // optimizer state sharded over world_size ranks
  bool torch_adamw = false;             // torch::optim::AdamW (fp32, no master copy: 8 B/param state)
  bool gradient_checkpointing = false;
  int64_t attention_block = 0;          // 0 = naive attention ([B, H, T, S] probabilities)
  int64_t logits_chunk = 0;             // 0 = whole [N, V] logits
  bool entropy = true;                  // the loss needs the entropy (entropy_coeff != 0)
  int64_t micro_batch_rows = 1;         // rows per forward/backward on this rank
  // Several micro-batches add into .grad before the optimizer step. Without accumulation
  // ShardedAdamW's step releases .grad, so the next forward runs without gradients (only
  // torch::optim::AdamW keeps them resident).
  bool accumulation = true;
  int64_t seq_len = 1024;               // padded tokens per row (prompt + response)
  int64_t rollout_rows = 0;             // concurrent generation rows on this rank
  int64_t rollout_len = 0;              // prompt + max_new_tokens
  double baseline_bytes = 0;            // runtime resident memory
  bool cpu = false;                     // CPU device: adds the oneDNN bf16 kernel cache of rollouts
  int64_t bucket_values = int64_t{1} << 24;  // ShardedAdamW bucket
};

struct MemoryLine {
  std::string what;
  double bytes = 0;
  std::string note;
};

struct MemoryPlan {
  std::vector<MemoryLine> lines;  // every term, in print order
  double static_bytes = 0;        // weights + gradients + optimizer state
  double train_bytes = 0;         // peak activations of one micro-batch
  double optimizer_transient = 0;
  double rollout_bytes = 0;       // KV cache + logits
  double peak = 0;                // baseline + static + max(train, optimizer transient, rollout)
};

MemoryPlan PlanMemory(const MemoryPlanInput& in);

// Per-layer activation bytes autograd keeps for one token (no checkpointing), and the
// attention part for a row of `seq_len` tokens; exposed for the benchmark and tests.
double LayerActivationBytesPerToken(const MemoryPlanInput& in);

// "80GiB", "80GB", "81920MiB", "1.5TiB", or a plain byte count -> bytes; -1 when malformed.
double ParseByteSize(const std::string& text);

// trainer.dtype / actor.fsdp_config.param_dtype (the latter wins when set): true for
// bf16/bfloat16, false for fp32/float32; throws upt::Error naming the key otherwise.
bool UsesBf16(const TrainConfig& cfg);
// Range checks of the memory keys (dtype names, zero_stage 0|2, sizes >= 0).
void ValidateMemoryOptions(const TrainConfig& cfg);

// The plan's input from a training config: micro-batch = this rank's share of one
// mini-batch (ppo_mini_batch_size * rollout.n rows / world_size), capped by
// actor.ppo_micro_batch_size_per_gpu, or ppo_max_token_len_per_gpu / row length rows
// with actor.use_dynamic_bsz, unless `micro_batch_rows` > 0; rows of max_prompt_length +
// max_response_length tokens; the rollout KV cache for this rank's share of
// train_batch_size * n rows, at most rollout.max_num_seqs (and `rollout_rows` when > 0).
MemoryPlanInput MemoryPlanFromConfig(const TrainConfig& cfg, const lm::io::DecoderConfig& model, int world_size,
                                     int64_t micro_batch_rows = 0, int64_t rollout_rows = 0);

// The rank count a plan is for: `world_size` when > 0, else the reproduced run's
// actor.virtual_world_size under loss_norm upstream, else 1.
int PlanWorldSize(const TrainConfig& cfg, int world_size);

// `upt train --dry-run` section: resolves model.path (its config.json, else a paper
// model by name: lm/io/known_configs.h), plans for PlanWorldSize ranks and says whether
// the peak fits `gpu_bytes` (baseline: 1 GiB for a CUDA context and allocator slack).
// rollout_rows > 0 caps the concurrent generation rows (vLLM's max_num_seqs).
std::string MemoryPlanSection(const TrainConfig& cfg, int world_size, double gpu_bytes, int64_t micro_batch_rows,
                              int64_t rollout_rows = 0);

// One line for `upt reproduce --dry-run`: the peak per rank and whether it fits gpu_bytes.
std::string MemoryPlanSummary(const TrainConfig& cfg, int world_size, double gpu_bytes);

// Table of the plan; with gpu_bytes > 0 a last line says whether it fits.
std::string FormatMemoryPlan(const MemoryPlanInput& in, const MemoryPlan& plan, double gpu_bytes);

}  // namespace upt::train
