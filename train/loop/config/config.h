// The trainer's configuration: one options tree with verl-like dotted keys
// (`actor.optim.lr`, `rollout.n`, `algorithm.preset`, ...), read from YAML and
// `--set key=value` overrides. Torch-free, so `upt train --dry-run` and the
// config tests need no model.
//
// Defaults are the HPT paper's code settings (hpt_spec.md §2, §4): n 8,
// temperature 1.0, grad clip 1.0, skip above 80. The keys a preset carries
// (lr, schedule, betas, clip, std, entropy, gate, β, γ, n_prefix: see
// preset_knobs.h) take the PRESET's value unless the key is set in the file or
// by --set; `set_at` records where each key was set.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "lm/generate/sampling_options.h"
#include "verifiers/verify.h"

namespace upt::train {

struct ModelOptions {
  std::string path;              // HF directory: config.json + *.safetensors + tokenizer.json
  std::string prompt_template = "auto";  // auto | a chat template name (lm/tokenizer/chat_template.h)
  bool enable_gradient_checkpointing = false;  // recompute each decoder layer in backward
  int attention_block_size = 0;  // > 0: block-wise online-softmax attention (no [B, H, T, S])
  std::string demo_eos = "tokenizer";    // tokenizer | template
  template <class V>
  void ForEach(V&& v) {
    v("path", path, "HF checkpoint directory (config.json, model.safetensors, tokenizer.json)");
    v("enable_gradient_checkpointing", enable_gradient_checkpointing, "keep only each decoder layer's input and recompute the layer in backward (verl's key)");
    v("attention_block_size", attention_block_size, "> 0: block-wise online-softmax attention with blocks of this many tokens; 0 = naive [B, H, T, S] scores");
    v("prompt_template", prompt_template, "auto (toy for a toy tokenizer, else qwen25-math) | qwen25-math | qwen-chat | plain | llama-qa | toy");
    v("demo_eos", demo_eos, "token ending a demonstration: tokenizer (tokenizer_config.json eos_token, as upstream's tokenizer.eos_token_id) | template (the prompt template's end-of-turn token)");
  }
};

struct DataOptions {
  std::string train_files;        // JSONL {id, problem, answer, target}, verl Parquet, or "toy:train"
  std::vector<std::string> val_files;  // benchmark names or JSONL files; "toy:tier1".. for the toy world
  int train_batch_size = 128;     // prompts per step
  int max_prompt_length = 1024;   // tokens; longer prompts are dropped
  int max_response_length = 8192; // demonstration truncation (tokens)
  bool shuffle = true;            // reshuffle each epoch from (seed, epoch)
  int val_limit = 0;              // first N problems of each validation set; 0 = all
  template <class V>
  void ForEach(V&& v) {
    v("train_files", train_files, "training JSONL (id, problem, answer, target), verl Parquet, or toy:train");
    v("val_files", val_files, "validation benchmarks/files (avg@n every trainer.test_freq steps)");
    v("train_batch_size", train_batch_size, "prompts per training step");
    v("max_prompt_length", max_prompt_length, "prompts longer than this (tokens) are dropped");
    v("max_response_length", max_response_length, "demonstrations are truncated to this many tokens");
    v("shuffle", shuffle, "shuffle prompts each epoch (seeded by trainer.seed and the epoch)");
    v("val_limit", val_limit, "use the first N problems of each validation set; 0 = all");
  }
};

// Rollout and validation sampling: views of the one sampling group
// (lm/generate/sampling_options.h). Validation samples with the rollout's
// settings except the keys given as rollout.val_* (ValidationSampling).
inline lm::SamplingParams RolloutSamplingDefaults() {
  lm::SamplingParams p;
  p.temperature = 1.0;
  p.top_p = 1.0;
  p.top_k = -1;
  p.max_new_tokens = 8192;
  return p;
}
// val_temperature 0.6, val_top_p 1.0 (HPT's mix rollout ignores val_top_p=0.95,
// hpt_spec §8.4); val_max_new_tokens unset, spelled 0: rollout.max_new_tokens.
inline lm::SamplingOverrides ValidationSamplingDefaults() {
  lm::SamplingOverrides o;
  o.Give("temperature", 0.6).Give("top_p", 1.0);
  o.unset_as = {{"max_new_tokens", 0}};
  return o;
}

struct RolloutOptions {
  int n = 8;                   // rollouts per prompt (the GRPO group)
  lm::SamplingParams sampling = RolloutSamplingDefaults();
  int val_n = 8;               // validation samples per problem (avg@n)
  lm::SamplingOverrides val_sampling = ValidationSamplingDefaults();
  int max_num_seqs = 512;      // rollout rows in flight per rank (vLLM's max_num_seqs): bounds the KV cache
  template <class V>
  void ForEach(V&& v) {
    v("n", n, "rollouts per prompt (group size)");
    auto rollout = ViewOptions(sampling, {"temperature", "top_p", "top_k", "max_new_tokens"}, "", "rollout: ");
    v("", rollout, "");
    v("val_n", val_n, "validation samples per problem");
    auto val = ViewOptions(val_sampling, {"temperature", "top_p"}, "val_", "validation: ");
    v("", val, "");
    auto val_len = ViewOptions(val_sampling, {"max_new_tokens"}, "val_", "validation: ", "; 0 = rollout.max_new_tokens");
    v("", val_len, "");
    auto stop = ViewOptions(sampling, {"stop"}, "", "",
                            " for rollouts and validation besides the EOS tokens (upstream vLLM: none; e.g. [\"\\nQuestion:\"] for llama-qa run-ons)");
    v("", stop, "");
    v("max_num_seqs", max_num_seqs, "rollout rows generated at once per rank (vLLM's max_num_seqs); the KV cache holds this many rows (upt train --dry-run)");
  }
};

// The sampling of validation: the rollout's, with the rollout.val_* keys given.
inline lm::SamplingParams ValidationSampling(const RolloutOptions& r) {
  return Resolve(r.sampling, r.val_sampling);
}

struct OptimOptions {
  double lr = 1e-6;
  double weight_decay = 0.01;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  int warmup_steps = 0;  // linear warm-up over training steps; 0 = warmup_ratio
  double warmup_ratio = 0.0;
  std::string lr_schedule = "constant";  // constant | cosine
  double min_lr_ratio = 0.0;
  template <class V>
  void ForEach(V&& v) {
    v("lr", lr, "AdamW peak learning rate");
    v("weight_decay", weight_decay, "AdamW decoupled weight decay");
    v("beta1", beta1, "AdamW beta1");
    v("beta2", beta2, "AdamW beta2");
    v("eps", eps, "AdamW epsilon");
    v("warmup_steps", warmup_steps, "linear LR warm-up over this many training steps (lr·(s+1)/W); 0 = warmup_ratio");
    v("warmup_ratio", warmup_ratio, "warm-up as a fraction of the phase's training steps (OpenRLHF lr_warmup_ratio)");
    v("lr_schedule", lr_schedule, "constant | cosine (after warm-up, cosine from lr to min_lr_ratio·lr: OpenRLHF cosine_with_min_lr)");
    v("min_lr_ratio", min_lr_ratio, "cosine floor as a fraction of lr");
  }
};

// verl's actor.fsdp_config, as far as upt's ZeRO optimizer (train/dist/zero.h) goes.
struct FsdpOptions {
  std::string param_dtype = "";  // "" = trainer.dtype; bf16 | fp32 (verl's mixed_precision.param_dtype)
  int zero_stage = 0;            // 0: every rank holds the optimizer state; 2: sharded (ZeRO-2)
  template <class V>
  void ForEach(V&& v) {
    v("param_dtype", param_dtype, "bf16 | fp32; empty = trainer.dtype");
    v("zero_stage", zero_stage, "0 = replicated optimizer state, 2 = ZeRO-2 (fp32 master + AdamW state sharded over ranks)");
  }
};

struct ActorOptions {
  double clip_ratio_low = 0.2;    // PPO clip ε below 1 (used when the preset clips)
  double clip_ratio_high = 0.2;   // ε above 1 (DAPO clip-higher when > low)
  std::string loss_agg_mode = "preset";  // preset | an aggregation name (train/upge parts.h)
  int loss_agg_max_len = 0;       // L_max for seq-mean-token-sum-norm; 0 = rollout.max_new_tokens
  double entropy_coeff = 0.001;
  double grad_clip = 1.0;         // clip the global grad norm to this
  double max_grad_norm = 80.0;    // skip the optimizer step above this (or non-finite)
  int ppo_mini_batch_size = 64;   // prompts per optimizer step (× n rows)
  int ppo_epochs = 1;
  int logits_chunk_size = 0;      // > 0: log-probs/entropy over this many positions at a time
  std::string sft_loss_agg_mode = "preset";  // aggregation of the SFT term (preset | token-mean | seq-mean-token-mean)
  int ppo_micro_batch_size_per_gpu = 0;   // rows per micro-batch; 0 = the whole mini-batch
  bool use_dynamic_bsz = false;           // token-budget micro-batches (verl rearrange_micro_batches)
  int ppo_max_token_len_per_gpu = 16384;  // token budget per micro-batch (prompt + response tokens)
  std::string loss_norm = "global";       // global | upstream (micro_batch.h)
  int virtual_world_size = 8;             // upstream: ranks W of the reproduced run (gradients ÷ W)
  OptimOptions optim;
  FsdpOptions fsdp_config;
  template <class V>
  void ForEach(V&& v) {
    v("clip_ratio_low", clip_ratio_low, "PPO ratio clip below 1 (when the preset clips)");
    v("clip_ratio_high", clip_ratio_high, "PPO ratio clip above 1 (when the preset clips)");
    v("loss_agg_mode", loss_agg_mode, "preset (keep the preset's) | token-sum-norm (Σ/L_max, HPT code) | token-mean | seq-mean-token-mean | seq-mean-token-sum | seq-mean-token-sum-norm; applies to the RL terms");
    v("loss_agg_max_len", loss_agg_max_len, "L_max for seq-mean-token-sum-norm; 0 = rollout.max_new_tokens");
    v("entropy_coeff", entropy_coeff, "entropy bonus coefficient");
    v("grad_clip", grad_clip, "clip the global gradient norm to this");
    v("max_grad_norm", max_grad_norm, "skip a step whose pre-clip norm is above this or non-finite");
    v("ppo_mini_batch_size", ppo_mini_batch_size, "prompts per optimizer step (rows = prompts x n)");
    v("ppo_epochs", ppo_epochs, "passes over each rollout batch");
    v("logits_chunk_size", logits_chunk_size, "> 0: log-softmax and entropy over this many positions at a time, recomputed in backward (no [T, V] logits); 0 = whole batch");
    v("sft_loss_agg_mode", sft_loss_agg_mode, "SFT term aggregation: preset | token-mean (pooled) | seq-mean-token-mean (each demo's token-mean weighted equally)");
    v("ppo_micro_batch_size_per_gpu", ppo_micro_batch_size_per_gpu, "rows per micro-batch (gradient accumulation); 0 = whole mini-batch");
    v("use_dynamic_bsz", use_dynamic_bsz, "split mini-batches into token-budget micro-batches balanced by length (verl)");
    v("ppo_max_token_len_per_gpu", ppo_max_token_len_per_gpu, "token budget per micro-batch with use_dynamic_bsz");
    v("loss_norm", loss_norm, "global (normalisers over the whole mini-batch: independent of micro-batching and ranks) | upstream (HPT/verl: token-means per micro-batch summed, ÷ virtual_world_size, row mini-batches)");
    v("virtual_world_size", virtual_world_size, "upstream: data-parallel ranks W of the reproduced run (any real rank count that divides it gives the same result)");
    v("optim", optim, "");
    v("fsdp_config", fsdp_config, "");
  }
};

struct AlgorithmOptions {
  std::string preset = "hpt";     // sft|grpo|sft_then_grpo|luffy|hpt|srft|... (train/upge presets)
  bool norm_adv_by_std_in_grpo = false;  // Dr. GRPO when false
  int switch_gate = 0;            // HPT: SFT when correct count c <= gate
  int switch_gate_off = -1;       // HPT: off-policy RL when gate < c <= gate_off; -1 = switch_gate
  double sft_loss_coef = 1.0;     // HPT β (0.3 for Qwen2.5-Math-1.5B)
  std::string off_policy_reshape = "p_div_p_0.1";  // LUFFY f(p) = p/(p+γ)
  double shaping_gamma = 0.1;     // LUFFY γ (overrides the number in off_policy_reshape)
  int n_prefix = 1;               // LUFFY/SRFT demonstrations per group
  int sft_steps = 0;              // sft_then_grpo: SFT steps before GRPO; 0 = half of total
  std::string demo_reward = "verifier";  // verifier (upstream) | one
  template <class V>
  void ForEach(V&& v) {
    v("preset", preset, "algorithm preset (upt train --list-presets)");
    v("norm_adv_by_std_in_grpo", norm_adv_by_std_in_grpo, "divide GRPO advantages by the group std");
    v("switch_gate", switch_gate, "HPT: route a question to SFT when its correct count <= this");
    v("switch_gate_off", switch_gate_off, "HPT: off-policy band upper gate; -1 = switch_gate");
    v("sft_loss_coef", sft_loss_coef, "HPT: weight of the SFT loss");
    v("off_policy_reshape", off_policy_reshape, "LUFFY policy shaping, p_div_p_<gamma> or no_reshape");
    v("shaping_gamma", shaping_gamma, "LUFFY shaping gamma in p/(p+gamma)");
    v("n_prefix", n_prefix, "LUFFY/SRFT: demonstrations per group");
    v("sft_steps", sft_steps, "sft_then_grpo: SFT steps (of trainer.total_training_steps) before GRPO; 0 = half");
    v("demo_reward", demo_reward, "reward of demonstration rows: verifier (scored like rollouts, as upstream) | one");
  }
};

struct TrainerOptions {
  int total_training_steps = 500;
  int save_freq = 50;          // checkpoint every N steps (and at the end); 0 = only at the end
  int test_freq = 10;          // validate every N steps; 0 = never
  bool val_before_train = true;
  long long seed = 42;
  std::string device = "cpu";
  int threads = 0;             // intra-op threads; 0 = torch default
  std::string out_dir = "runs/train";
  int keep_checkpoints = 2;    // newest N checkpoints kept; 0 = all
  std::string dtype = "fp32";  // fp32 | bf16 (bf16 weights/activations, fp32 master weights and AdamW state)
  bool save_best = true;       // export the best-on-validation policy to out_dir/best (HPT maybe_save_best_hf)
  std::string export_dtype = "base";  // dtype of exported HF weights: base | F32 | BF16 | F16
  double export_max_shard_gb = 5.0;   // shard exported weights above this size (GB)
  template <class V>
  void ForEach(V&& v) {
    v("total_training_steps", total_training_steps, "training steps");
    v("save_freq", save_freq, "checkpoint every N steps; 0 = only at the end");
    v("test_freq", test_freq, "validate every N steps; 0 = never");
    v("val_before_train", val_before_train, "validate once before the first step");
    v("seed", seed, "seed for data order, rollouts and init");
    v("device", device, "cpu (cuda when libtorch has it)");
    v("threads", threads, "torch intra-op threads; 0 = default");
    v("out_dir", out_dir, "run directory (logs, checkpoints)");
    v("keep_checkpoints", keep_checkpoints, "keep the newest N checkpoints; 0 = all");
    v("dtype", dtype, "fp32 | bf16: parameter/activation dtype (bf16 keeps fp32 master weights and AdamW state)");
    v("save_best", save_best, "export the policy with the best mean validation avg@n to out_dir/best as a complete HF directory");
    v("export_dtype", export_dtype, "exported weights' dtype: base (the base model's torch_dtype) | F32 | BF16 | F16");
    v("export_max_shard_gb", export_max_shard_gb, "exported weights are sharded (with an index) above this size in GB");
  }
};

// sft_then_grpo's SFT phase (LUFFY README: OpenRLHF SFT, then a fresh RL run).
// Unset keys take the `sft` preset's recipe; data keys fall back to `data.*`.
struct SftPhaseOptions {
  std::string train_files;   // "" = data.train_files
  int train_batch_size = 0;  // 0 = data.train_batch_size
  OptimOptions optim;        // a fresh optimizer; the RL phase starts another one
  template <class V>
  void ForEach(V&& v) {
    v("train_files", train_files, "SFT phase data (JSONL with target); empty = data.train_files");
    v("train_batch_size", train_batch_size, "demonstrations per SFT step; 0 = data.train_batch_size");
    v("optim", optim, "SFT phase optimizer (unset keys: the sft preset's recipe)");
  }
};

// The 0/1 reward of a rollout: a name from verifiers::RewardPolicies().
// Validation grades with `validation_policy` (empty: the same as `policy`,
// so validation measures what training rewards) through eval/ (train/loop/validate.h).
// `grading` is the grading option group shared with `upt score` and `upt verify`
// (verifiers::GradeOptions); its extraction policy is bound as reward.extraction.
struct RewardOptions {
  std::string policy = "upt";
  verifiers::GradeOptions grading;
  std::string validation_policy;
  template <class V>
  void ForEach(V&& v) {
    v("policy", policy, "reward policy: upt (the upt verifier) | hpt_code (the HPT fork's entropy_math reward)");
    auto extraction = ViewOptions(grading.extract, {"policy"}, "", "", " (of the upt reward policy)")
                          .Rename("policy", "extraction");
    v("", extraction, "");
    auto comparison = ViewOptions(grading.verify, {"rel_tol", "step_budget"}, "", "", " (upt reward and validation)");
    v("", comparison, "");
    v("validation_policy", validation_policy, "reward policy of validation (empty: reward.policy)");
  }
};

struct TrainConfig {
  AlgorithmOptions algorithm;
  ModelOptions model;
  DataOptions data;
  RolloutOptions rollout;
  ActorOptions actor;
  TrainerOptions trainer;
  RewardOptions reward;
  SftPhaseOptions sft_phase;
  std::map<std::string, std::string> set_at;  // dotted key -> "file:line" | "--set" (not an option)
  template <class V>
  void ForEach(V&& v) {
    v("algorithm", algorithm, "");
    v("model", model, "");
    v("data", data, "");
    v("rollout", rollout, "");
    v("actor", actor, "");
    v("trainer", trainer, "");
    v("reward", reward, "");
    v("sft_phase", sft_phase, "");
  }
};

// Converts a YAML document to JSON. Plain scalars become int, double, bool or
// null when they parse as such (YAML 1.2 core schema); quoted scalars stay
// strings. `lines` (optional) receives dotted key -> 1-based line.
Json YamlToJson(const std::string& yaml_text, const std::string& file,
                std::vector<std::pair<std::string, int>>* lines = nullptr);

// Reads a YAML config file onto `cfg` (defaults kept for absent keys). Errors
// name the file, line and key; unknown keys suggest the closest valid one.
// `algorithm.name` is accepted as an alias of `algorithm.preset`.
void LoadConfigFile(const std::string& path, TrainConfig* cfg);
// Applies `key=value` overrides (--set), in order.
void ApplyOverrides(const std::vector<std::string>& assignments, TrainConfig* cfg);
// Reads options from JSON (nested or dotted keys) and records them as set at `where`.
void LoadConfigJson(const Json& j, const std::string& where, TrainConfig* cfg);
// True when `key` was set in a config file, by --set or LoadConfigJson, or
// (configs built in code) holds a value other than the option's default.
bool IsSet(const TrainConfig& cfg, const std::string& key);

// Checks values that are individually well-typed but out of range or
// inconsistent; throws upt::Error naming the key.
void ValidateConfig(const TrainConfig& cfg);

// Effective values derived from the config.
int EffectiveLossMaxLen(const TrainConfig& cfg);
int EffectiveSwitchGateOff(const TrainConfig& cfg);
int EffectiveSftSteps(const TrainConfig& cfg);  // sft_then_grpo only; 0 otherwise

}  // namespace upt::train
