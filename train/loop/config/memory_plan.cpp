#include "train/loop/config/memory_plan.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "core/error.h"
#include "core/fs.h"
#include "lm/io/known_configs.h"
#include "core/strings.h"

namespace upt::train {
namespace {

constexpr double kF32 = 4;
// Fitted on the 5m bf16 generation rows (2 vCPU AMD EPYC, libtorch 1.13.1): 448 decode
// steps -> +80.8 MiB, 128 -> +41.8 MiB, the same at 8 and 32 rows.
constexpr double kOneDnnRuntimeBytes = 26.0 * 1024 * 1024;
constexpr double kOneDnnBytesPerLength = 125.0 * 1024;
constexpr int64_t kOneDnnCachedLengths = 512;  // 1024 cached primitives, two matmuls per length

double ActBytes(const MemoryPlanInput& in) { return in.bf16 ? 2 : 4; }

// Attention tensors saved per token of a row of S keys: naive keeps the float32 softmax
// output [.., T, S] (and its bf16 cast under bf16); block attention keeps its output
// [.., D] and the float32 log-sum-exp per head.
double AttentionSavedPerToken(const MemoryPlanInput& in, int64_t S) {
  const auto& c = in.model;
  const double a = ActBytes(in), H = c.num_attention_heads;
  if (in.attention_block > 0) return H * c.HeadDim() * a + H * kF32;
  return H * static_cast<double>(S) * (kF32 + (in.bf16 ? 2 : 0));
}

// Backward transients of one layer per token: gradients of its activations (two [d],
// two [ff]) and, for naive attention, d(probs) and d(scores) [.., S] in float32.
double LayerBackwardTransientPerToken(const MemoryPlanInput& in, int64_t S) {
  const auto& c = in.model;
  const double a = ActBytes(in), H = c.num_attention_heads;
  double t = a * (2.0 * c.hidden_size + 2.0 * c.intermediate_size);
  if (in.attention_block > 0) {
    const double blk = static_cast<double>(std::min<int64_t>(in.attention_block, S));
    t += 3 * kF32 * H * blk;  // scores, probabilities, their gradient for one block
  } else {
    t += 2 * kF32 * H * static_cast<double>(S);
  }
  return t;
}

std::string Human(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return fmt::format("{:.2f} {}", bytes, units[u]);
}

}  // namespace

double LayerActivationBytesPerToken(const MemoryPlanInput& in) {
  const auto& c = in.model;
  const double a = ActBytes(in), d = c.hidden_size, ff = c.intermediate_size;
  const double q = static_cast<double>(c.num_attention_heads) * c.HeadDim();
  const double kv = static_cast<double>(c.num_key_value_heads) * c.HeadDim();
  // Two RMSNorms: the float32 input of pow (x itself in fp32, a float32 copy in bf16),
  // the normalised value and the weighted output (a each).
  const double norms = 2 * (kF32 * d + 2 * a * d);
  // q, k before rotary and their rotate_half, rotary outputs, v, the merged heads.
  const double attn = a * (4 * q + 4 * kv);
  // gate, silu(gate), up, silu(gate) * up.
  const double mlp = 4 * a * ff;
  return norms + attn + mlp + AttentionSavedPerToken(in, in.seq_len);
}

MemoryPlan PlanMemory(const MemoryPlanInput& in) {
  const auto& c = in.model;
  MemoryPlan p;
  const double P = static_cast<double>(c.NumParameters()), a = ActBytes(in);
  const double W = std::max(1, in.world_size), shard = in.zero2 ? W : 1;
  const double N = static_cast<double>(in.micro_batch_rows) * static_cast<double>(in.seq_len);
  const double L = c.num_hidden_layers, d = c.hidden_size, V = c.vocab_size;
  auto add = [&](const std::string& what, double bytes, const std::string& note) {
    p.lines.push_back({what, bytes, note});
    return bytes;
  };
  add("runtime baseline", in.baseline_bytes, "CUDA context / libtorch resident memory");
  const double weights = add("weights", P * a, fmt::format("{:.3f} B params x {} B", P / 1e9, a));
  // Released at every ShardedAdamW step: without accumulation only the head's gradient
  // (the backward's first) coexists with the forward's activations.
  const bool resident = in.accumulation || in.torch_adamw;
  const double full_grads = P * a;
  const double grads = add("gradients", resident ? full_grads : V * d * a,
                           in.torch_adamw ? "full on every rank (all-reduced at the step)"
                           : resident     ? "accumulated over micro-batches; at the step reduce-scattered into fp32 slices"
                                          : "released at each step: the head's gradient beside the activations");
  const double optim =
      in.torch_adamw
          ? add("optimizer state", 8 * P, "torch AdamW: exp_avg + exp_avg_sq = 8 B/param (fp32, unsharded)")
          : add("optimizer state", 12 * P / shard,
                fmt::format("fp32 master + exp_avg + exp_avg_sq = 12 B/param{}",
                            in.zero2 ? fmt::format(" / {} ranks (ZeRO-2)", in.world_size) : ""));
  p.static_bytes = weights + grads + optim;

  const double layer = LayerActivationBytesPerToken(in);
  const double saved_layers = in.gradient_checkpointing ? L * a * d + layer : L * layer;
  const double acts = add("activations (layers)", N * saved_layers,
                          fmt::format("{} tokens/micro-batch x {} per token{}", static_cast<int64_t>(N),
                                      Human(saved_layers), in.gradient_checkpointing ? " (checkpointed)" : ""));
  const double bwd = add("backward transients", N * LayerBackwardTransientPerToken(in, in.seq_len),
                         "activation gradients of one layer");
  // Head: final norm, then logits. Unchunked: float32 log-softmax kept for backward (and
  // its exp for the entropy), plus the float32 logits and their gradient during backward.
  double head = N * (kF32 * d + 2 * a * d);
  if (in.logits_chunk > 0) {
    const double rows = static_cast<double>(std::min<int64_t>(in.logits_chunk, static_cast<int64_t>(N)));
    head += rows * V * kF32 * 4 + N * a * d;  // z, log p, p, dz of one chunk; the hidden rows
  } else {
    head += N * V * (a + kF32 * (in.entropy ? 2 : 1) + 2 * kF32 + (in.bf16 ? kF32 : 0));
  }
  head = add("logits", head,
             in.logits_chunk > 0 ? fmt::format("chunks of {} positions", in.logits_chunk) : "whole [N, V] in float32");
  p.train_bytes = acts + bwd + head;

  const double bucket = static_cast<double>(std::min<int64_t>(in.bucket_values, c.NumParameters()));
  // ShardedAdamW::ReduceGradients: the fp32 gradient slices (4 P / shard) replace the
  // .grad they cover bucket by bucket, so they add (4 / shard - a) P when positive.
  const double slices = in.torch_adamw ? 0.0 : std::max(0.0, kF32 / shard - a) * P;
  p.optimizer_transient = add("optimizer transients", slices + bucket * kF32 * 3 + (full_grads - grads),
                              in.torch_adamw ? "one bucket: flat fp32 gradient, slice, gathered values"
                                             : resident ? "fp32 gradient slices beyond the released .grad; one bucket x 3"
                                                        : "the rest of .grad, fp32 slices beyond it; one bucket x 3");

  const double kv_token = 2.0 * L * c.num_key_value_heads * c.HeadDim() * a;
  const double live = static_cast<double>(in.rollout_rows) * static_cast<double>(in.rollout_len);
  const double kv = add("KV cache (rollouts)", live * kv_token + static_cast<double>(in.rollout_rows) * V * kF32,
                        fmt::format("{} rows x {} tokens x {} per token", in.rollout_rows, in.rollout_len,
                                    Human(kv_token)));
  // lm/generate/paged_forward.cpp, one layer at a time: K and V of every live token
  // gathered from the pool (index_select) and made contiguous for the batched matmuls.
  const double gather = add("decode transients", live * 4.0 * c.num_key_value_heads * c.HeadDim() * a,
                            "one layer's K and V of all rows, gathered and copied");
  // CPU only, measured (benchmarks/results/memory.md): with bf16 libtorch 1.13 runs the
  // matmuls through oneDNN on CPUs with avx512_bf16, which JIT-compiles a kernel per shape
  // and keeps it in its primitive cache (ONEDNN_PRIMITIVE_CACHE_CAPACITY, default 1024).
  // Every decode step has a new key length S, so the cache grows by ~125 KiB per distinct
  // length until it is full, on top of ~26 MiB of oneDNN runtime; independent of the rows.
  // cuBLAS keeps no per-shape kernels in device memory: 0 on CUDA.
  double onednn = 0;
  if (in.cpu && in.bf16 && in.rollout_rows > 0) {
    const double lengths = static_cast<double>(std::min<int64_t>(in.rollout_len, kOneDnnCachedLengths));
    onednn = add("CPU bf16 kernel cache", kOneDnnRuntimeBytes + lengths * kOneDnnBytesPerLength,
                 fmt::format("oneDNN kernels for {} key lengths (CPU only)", static_cast<int64_t>(lengths)));
  }
  p.rollout_bytes = kv + gather + onednn;
  p.peak = in.baseline_bytes + p.static_bytes + std::max({p.train_bytes, p.optimizer_transient, p.rollout_bytes});
  return p;
}

double ParseByteSize(const std::string& text) {
  const std::string s(Trim(text));
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return -1;
  char* end = nullptr;
  const double v = std::strtod(s.substr(0, i).c_str(), &end);
  std::string unit(Trim(s.substr(i)));
  for (auto& ch : unit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const struct {
    const char* name;
    double mult;
  } units[] = {{"", 1},          {"b", 1},          {"kb", 1e3},      {"mb", 1e6},    {"gb", 1e9},
               {"tb", 1e12},     {"kib", 1024.0},   {"mib", 1048576.0}, {"gib", 1073741824.0},
               {"tib", 1099511627776.0}};
  for (const auto& u : units)
    if (unit == u.name) return v * u.mult;
  return -1;
}

bool UsesBf16(const TrainConfig& cfg) {
  const bool fsdp = !cfg.actor.fsdp_config.param_dtype.empty();
  const std::string v = fsdp ? cfg.actor.fsdp_config.param_dtype : cfg.trainer.dtype;
  if (v == "bf16" || v == "bfloat16") return true;
  if (v == "fp32" || v == "float32") return false;
  throw Error("unsupported dtype '" + v + "'", fsdp ? "actor.fsdp_config.param_dtype" : "trainer.dtype",
              "use bf16 (bf16 weights, fp32 master weights and AdamW state) or fp32");
}

void ValidateMemoryOptions(const TrainConfig& cfg) {
  UsesBf16(cfg);
  if (cfg.actor.fsdp_config.zero_stage != 0 && cfg.actor.fsdp_config.zero_stage != 2)
    throw Error("zero_stage must be 0 or 2, got " + std::to_string(cfg.actor.fsdp_config.zero_stage),
                "actor.fsdp_config.zero_stage", "2 shards the fp32 master weights and AdamW state over ranks");
  if (cfg.actor.logits_chunk_size < 0) throw Error("must be >= 0", "actor.logits_chunk_size");
  if (cfg.model.attention_block_size < 0) throw Error("must be >= 0", "model.attention_block_size");
  if (cfg.rollout.max_num_seqs < 1) throw Error("must be >= 1", "rollout.max_num_seqs");
}

int PlanWorldSize(const TrainConfig& cfg, int world_size) {
  if (world_size > 0) return world_size;
  return cfg.actor.loss_norm == "upstream" ? std::max(1, cfg.actor.virtual_world_size) : 1;
}

MemoryPlanInput MemoryPlanFromConfig(const TrainConfig& cfg, const lm::io::DecoderConfig& model, int world_size,
                                     int64_t micro_batch_rows, int64_t rollout_rows) {
  MemoryPlanInput in;
  in.model = model;
  in.world_size = std::max(1, world_size);
  in.bf16 = UsesBf16(cfg);
  in.zero2 = cfg.actor.fsdp_config.zero_stage == 2;
  in.torch_adamw = !in.bf16 && !in.zero2;  // train/loop/model_memory.cpp MakeTrainOptimizer
  in.gradient_checkpointing = cfg.model.enable_gradient_checkpointing;
  in.attention_block = cfg.model.attention_block_size;
  in.logits_chunk = cfg.actor.logits_chunk_size;
  in.entropy = cfg.actor.entropy_coeff != 0.0;
  in.seq_len = static_cast<int64_t>(cfg.data.max_prompt_length) + cfg.data.max_response_length;
  // Micro-batch rows (update.cpp PlanGlobalSteps / PlanUpstreamSteps): this rank's share
  // of a mini-batch, at most ppo_micro_batch_size_per_gpu rows, or with use_dynamic_bsz
  // as many full-length rows as the token budget holds (a longer row runs alone).
  const int64_t rows = static_cast<int64_t>(cfg.actor.ppo_mini_batch_size) * cfg.rollout.n;
  const int64_t share = (rows + in.world_size - 1) / in.world_size;
  in.micro_batch_rows = share;
  if (cfg.actor.use_dynamic_bsz)
    in.micro_batch_rows = std::max<int64_t>(1, cfg.actor.ppo_max_token_len_per_gpu / std::max<int64_t>(1, in.seq_len));
  else if (cfg.actor.ppo_micro_batch_size_per_gpu > 0)
    in.micro_batch_rows = std::min<int64_t>(in.micro_batch_rows, cfg.actor.ppo_micro_batch_size_per_gpu);
  if (micro_batch_rows > 0) in.micro_batch_rows = micro_batch_rows;
  in.accumulation = in.micro_batch_rows < share;
  in.rollout_rows =
      (static_cast<int64_t>(cfg.data.train_batch_size) * cfg.rollout.n + in.world_size - 1) / in.world_size;
  in.rollout_rows = std::min<int64_t>(in.rollout_rows, cfg.rollout.max_num_seqs);
  if (rollout_rows > 0) in.rollout_rows = std::min(in.rollout_rows, rollout_rows);
  in.rollout_len = static_cast<int64_t>(cfg.data.max_prompt_length) + cfg.rollout.sampling.max_new_tokens;
  return in;
}

std::string FormatMemoryPlan(const MemoryPlanInput& in, const MemoryPlan& plan, double gpu_bytes) {
  std::string out = fmt::format(
      "== memory plan (per rank; {} rank{}, {}, {}, checkpointing {}, attention {}, logits {}) ==\n",
      in.world_size, in.world_size == 1 ? "" : "s", in.bf16 ? "bf16 params + fp32 master" : "fp32",
      in.zero2 ? "ZeRO-2" : "unsharded optimizer", in.gradient_checkpointing ? "on" : "off",
      in.attention_block > 0 ? fmt::format("block {}", in.attention_block) : std::string("naive"),
      in.logits_chunk > 0 ? fmt::format("chunk {}", in.logits_chunk) : std::string("whole"));
  for (const auto& l : plan.lines) out += fmt::format("  {:<24} {:>12}  {}\n", l.what, Human(l.bytes), l.note);
  out += fmt::format("  {:<24} {:>12}  baseline + static + max(training {}, optimizer {}, rollout {})\n", "peak",
                     Human(plan.peak), Human(plan.train_bytes), Human(plan.optimizer_transient),
                     Human(plan.rollout_bytes));
  if (gpu_bytes > 0)
    out += fmt::format("  fits {}: {} ({:.0f}% used)\n", Human(gpu_bytes), plan.peak <= gpu_bytes ? "yes" : "NO",
                       100.0 * plan.peak / gpu_bytes);
  return out;
}

}  // namespace upt::train

namespace upt::train {

namespace {

// model.path's config.json, else a paper model by name; false when neither.
bool ResolvePlanModel(const TrainConfig& cfg, lm::io::DecoderConfig* model, std::string* source) {
  if (FileExists(cfg.model.path + "/config.json")) {
    *model = lm::io::LoadDecoderConfig(cfg.model.path + "/config.json");
    *source = cfg.model.path + "/config.json";
    return true;
  }
  if (auto known = lm::io::KnownConfig(cfg.model.path)) {
    *model = *known;
    *source = "built-in config of " + cfg.model.path + " (not on this machine)";
    return true;
  }
  return false;
}

constexpr double kCudaBaseline = 1024.0 * 1024 * 1024;  // CUDA context and allocator slack

}  // namespace

std::string MemoryPlanSection(const TrainConfig& cfg, int world_size, double gpu_bytes, int64_t micro_batch_rows,
                              int64_t rollout_rows) {
  lm::io::DecoderConfig model;
  std::string source;
  if (!ResolvePlanModel(cfg, &model, &source))
    return "== memory plan ==\n  skipped: no config.json under model.path and not a known model (" +
           Join(lm::io::KnownConfigNames(), ", ") + ")\n";
  auto in = MemoryPlanFromConfig(cfg, model, PlanWorldSize(cfg, world_size), micro_batch_rows, rollout_rows);
  in.baseline_bytes = kCudaBaseline;
  return FormatMemoryPlan(in, PlanMemory(in), gpu_bytes) + "  model: " + source + "\n";
}

std::string MemoryPlanSummary(const TrainConfig& cfg, int world_size, double gpu_bytes) {
  lm::io::DecoderConfig model;
  std::string source;
  if (!ResolvePlanModel(cfg, &model, &source)) return "memory plan skipped (unknown model)";
  auto in = MemoryPlanFromConfig(cfg, model, PlanWorldSize(cfg, world_size));
  in.baseline_bytes = kCudaBaseline;
  const MemoryPlan plan = PlanMemory(in);
  return fmt::format("memory per rank on {} ranks: peak {}; fits {}: {}", in.world_size, Human(plan.peak),
                     Human(gpu_bytes), plan.peak <= gpu_bytes ? "yes" : "NO");
}

}  // namespace upt::train
