#include "train/loop/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <map>

#include "core/error.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/options.h"
#include "core/rng.h"
#include "core/version.h"
#include "lm/generate/generator.h"
#include "lm/generate/stop_set.h"
#include "lm/io/provenance.h"
#include "lm/model/checkpoint.h"
#include "train/loop/checkpoint.h"
#include "train/loop/config/train_data.h"
#include "train/loop/model_memory.h"
#include "train/loop/preset_config.h"
#include "train/loop/prompt.h"
#include "train/loop/rows.h"
#include "train/loop/run_log.h"
#include "train/loop/validate.h"
#include "train/dist/dist.h"
#include "train/dist/shard.h"
#include "train/dist/zero.h"
#include "train/upge/hpt_route.h"
#include "verifiers/reward.h"
#include "verifiers/verify.h"

namespace upt::train {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Everything the loop holds for one run.
struct Run {
  TrainConfig cfg;
  lm::Tokenizer tokenizer;
  lm::Qwen2ForCausalLM model{nullptr};
  std::unique_ptr<PromptFormat> format;
  std::unique_ptr<lm::Generator> generator;
  std::unique_ptr<torch::optim::Optimizer> optimizer;  // AdamW, or ZeRO/bf16 AdamW (model_memory.h)
  std::vector<TrainExample> data;
  std::vector<std::vector<int32_t>> prompts;  // tokenised prompt per example
  std::vector<datasets::Benchmark> val_sets;
  dist::DistContext dist;  // data parallelism (docs/distributed.md); world 1 = no-op
};

// ---- 2-4: rollouts, rewards and the preset's row layout -------------------

struct StepBatch {
  std::vector<StepRow> rows;
  std::vector<int> correct;       // per question: correct rollouts
  std::vector<int> sampled;       // per question: rollouts sampled
  long long rollout_tokens = 0;
  int truncated = 0, rollouts = 0;
  // Over all ranks' rows (== rows.size() etc. in a single process), for the metrics.
  long long rows_total = 0, demo_rows = 0, response_len_sum = 0;
};

// Questions of the step this rank samples and trains on: every one in a single
// process; with W ranks a share of every mini-batch (dist::OwnedQuestions).
std::vector<bool> OwnedMask(const Run& run, int Q) {
  std::vector<bool> owned(Q, false);
  for (int q : dist::OwnedQuestions(Q, run.cfg.actor.ppo_mini_batch_size, run.dist.rank(), run.dist.world_size()))
    owned[q] = true;
  return owned;
}

// Fills the global totals of `sb` (rows, demo rows, lengths) and, with several
// ranks, sums the per-question counts and rollout totals over ranks so that
// metrics and rollout_accuracy.jsonl describe the whole batch.
void ReduceStepBatch(Run& run, StepBatch& sb) {
  for (const auto& r : sb.rows) {
    sb.demo_rows += r.is_demo;
    sb.response_len_sum += static_cast<long long>(r.response.size());
  }
  sb.rows_total = static_cast<long long>(sb.rows.size());
  if (!run.dist.distributed()) return;
  const size_t Q = sb.correct.size();
  std::vector<std::int64_t> v(sb.correct.begin(), sb.correct.end());
  v.insert(v.end(), sb.sampled.begin(), sb.sampled.end());
  v.insert(v.end(), {sb.rollout_tokens, sb.truncated, sb.rollouts, sb.rows_total, sb.demo_rows, sb.response_len_sum});
  v = run.dist.AllReduceSum(v);
  for (size_t q = 0; q < Q; ++q) {
    sb.correct[q] = static_cast<int>(v[q]);
    sb.sampled[q] = static_cast<int>(v[Q + q]);
  }
  const std::int64_t* t = v.data() + 2 * Q;
  sb.rollout_tokens = t[0];
  sb.truncated = static_cast<int>(t[1]);
  sb.rollouts = static_cast<int>(t[2]);
  sb.rows_total = t[3];
  sb.demo_rows = t[4];
  sb.response_len_sum = t[5];
}

StepRow DemoRow(const Run& run, int q, int example, uint8_t demo_loss) {
  StepRow r;
  r.question = q;
  r.prompt = run.prompts[example];
  r.response = run.format->Demonstration(run.data[example].target, run.cfg.data.max_response_length);
  r.reward = 1.0;  // the teacher's demonstration is taken as correct (as LUFFY/HPT do)
  r.is_demo = true;
  r.demo_loss = demo_loss;
  return r;
}

StepBatch SampleAndRoute(Run& run, const Preset& preset, const std::vector<int>& batch, int step) {
  const TrainConfig& cfg = run.cfg;
  StepBatch sb;
  const int Q = static_cast<int>(batch.size());
  sb.correct.assign(Q, 0);
  sb.sampled.assign(Q, 0);
  const std::vector<bool> owned = OwnedMask(run, Q);
  if (preset.layout == "demos") {
    for (int q = 0; q < Q; ++q)
      if (owned[q]) sb.rows.push_back(DemoRow(run, q, batch[q], kDemoLossSft));
    return sb;
  }
  const int n_roll = preset.n_rollouts;
  std::vector<lm::GenerationRequest> reqs;
  std::vector<int> req_question;  // question of each request
  for (int q = 0; q < Q; ++q)
    for (int j = 0; owned[q] && j < n_roll; ++j) {
      reqs.push_back({run.prompts[batch[q]], StreamId(run.data[batch[q]].id), static_cast<uint64_t>(j)});
      req_question.push_back(q);
    }
  lm::SamplingParams sp;
  sp.temperature = cfg.rollout.temperature;
  sp.top_p = cfg.rollout.top_p;
  sp.top_k = cfg.rollout.top_k;
  sp.max_new_tokens = cfg.rollout.max_new_tokens;
  sp.stop = run.format->stop();
  const uint64_t step_seed = RngStream(static_cast<uint64_t>(cfg.trainer.seed),
                                       {StreamId("train/rollout"), static_cast<uint64_t>(step)}).NextU64();
  std::vector<lm::GenerationResult> results;
  if (!reqs.empty())
    results = run.generator->Generate(reqs, sp, step_seed, static_cast<int>(std::min<size_t>(reqs.size(), 512)));
  const verifiers::GradeOptions g =
      verifiers::RewardGradeOptions(verifiers::ParseRewardPolicy(cfg.reward.policy));
  std::vector<StepRow> rollouts(static_cast<size_t>(Q) * n_roll);  // [q * n_roll + j]; owned questions filled
  for (size_t i = 0; i < results.size(); ++i) {
    const int q = req_question[i];
    const int j = static_cast<int>(i) % n_roll;
    StepRow r;
    r.question = q;
    r.prompt = run.prompts[batch[q]];
    r.response = results[i].tokens;
    r.truncated = results[i].finish_reason == "length";
    r.reward = verifiers::Grade(run.data[batch[q]].answer, results[i].text, g).correct ? 1.0 : 0.0;
    sb.correct[q] += r.reward > 0.5 ? 1 : 0;
    sb.sampled[q] += 1;
    sb.rollout_tokens += static_cast<long long>(r.response.size());
    sb.truncated += r.truncated ? 1 : 0;
    rollouts[static_cast<size_t>(q) * n_roll + j] = std::move(r);
  }
  sb.rollouts = static_cast<int>(results.size());
  if (preset.layout == "hpt") {  // per-question routes: a not-owned question's count (0) is never used
    HptRouting routing = RouteHpt(sb.correct, preset.route);
    for (const auto& rr : routing.rows) {
      if (!owned[rr.question]) continue;
      if (rr.is_demo) sb.rows.push_back(DemoRow(run, rr.question, batch[rr.question], rr.demo_loss));
      else sb.rows.push_back(rollouts[rr.question * n_roll + rr.rollout]);
    }
  } else {  // on_policy, or mixed (LUFFY/SRFT: rollouts then n_demos demonstrations per question)
    for (int q = 0; q < Q; ++q) {
      if (!owned[q]) continue;
      for (int j = 0; j < n_roll; ++j) sb.rows.push_back(rollouts[q * n_roll + j]);
      for (int d = 0; d < preset.n_demos; ++d) sb.rows.push_back(DemoRow(run, q, batch[q], kDemoLossSft | kDemoLossOff));
    }
  }
  return sb;
}

// ---- 5-6: old log-probs and mini-batch updates ----------------------------

struct UpdateStats {
  std::map<std::string, double> sums;  // estimator metrics summed over updates
  int updates = 0, skipped = 0;
  double grad_norm_sum = 0, entropy_sum = 0, entropy_tokens = 0;
  long long tokens = 0;
};

RolloutBatch MakeBatch(const std::vector<StepRow>& rows, const std::vector<int>& idx, const ResponseStats& cur,
                       const at::Tensor& old_logp, const at::Tensor& mask, int64_t l_max) {
  std::vector<RowMeta> meta;
  for (int i : idx) meta.push_back({rows[i].reward, rows[i].question, rows[i].is_demo,
                                    rows[i].is_demo ? rows[i].demo_loss : static_cast<uint8_t>(0)});
  RolloutBatch b = MakeRolloutBatch(cur.logp, old_logp, mask.to(cur.logp.device()), meta, l_max);
  if (cur.entropy.defined()) b.entropy = cur.entropy;
  return b;
}

double LearningRate(const TrainConfig& cfg, int step) {
  const int w = cfg.actor.optim.warmup_steps;
  return w > 0 && step < w ? cfg.actor.optim.lr * (step + 1) / w : cfg.actor.optim.lr;
}

// Metric keys of ComputeUpgeLoss for `preset`, and whether each is additive over
// ranks under global normalisers (term losses, pg_loss, loss, entropy, kl_loss)
// or a local ratio (averaged over the ranks' updates that had rows).
std::vector<std::pair<std::string, bool>> LossMetricKeys(const Preset& preset) {
  std::vector<std::pair<std::string, bool>> keys;
  for (const auto& t : preset.terms) keys.push_back({t.metric, true});
  for (const char* k : {"actor/pg_loss", "actor/loss", "actor/entropy"}) keys.push_back({k, true});
  for (const char* k : {"actor/pg_clipfrac", "actor/pg_clipfrac_lower", "actor/ppo_kl", "hpt/offline_data_ratio"})
    keys.push_back({k, false});
  if (preset.opts.kl_loss_coef != 0) {
    keys.push_back({"actor/kl_loss", true});
    keys.push_back({"actor/kl_coef", false});
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// With several ranks: sums the update statistics over ranks (see LossMetricKeys).
// `local_updates` = updates in which this rank had rows.
void ReduceUpdateStats(Run& run, const Preset& preset, int local_updates, UpdateStats& st) {
  const auto keys = LossMetricKeys(preset);
  std::vector<double> v = {st.entropy_sum, st.entropy_tokens, static_cast<double>(st.tokens),
                           static_cast<double>(local_updates)};
  for (const auto& [k, additive] : keys) v.push_back(st.sums.count(k) ? st.sums.at(k) : 0.0);
  v = run.dist.AllReduceSum(v);
  st.entropy_sum = v[0];
  st.entropy_tokens = v[1];
  st.tokens = static_cast<long long>(std::llround(v[2]));
  const double rank_updates = v[3];
  st.sums.clear();
  for (size_t i = 0; i < keys.size(); ++i)
    st.sums[keys[i].first] = keys[i].second ? v[4 + i] : (rank_updates > 0 ? v[4 + i] / rank_updates * st.updates : 0.0);
}

UpdateStats Update(Run& run, const Preset& preset, const std::vector<StepRow>& rows, int num_questions, int step) {
  const TrainConfig& cfg = run.cfg;
  const int32_t pad = run.format->eos();
  const double temp = cfg.rollout.temperature;
  const bool need_entropy = true;  // logged every step; the bonus uses it when entropy_coeff > 0
  const bool dp = run.dist.distributed();
  // Mini-batches of whole questions (groups never straddle two mini-batches). With
  // several ranks every rank walks the same global list; its share may be empty.
  std::vector<std::vector<int>> minibatches;
  const int per = cfg.actor.ppo_mini_batch_size;
  for (int q0 = 0; q0 < num_questions; q0 += per) {
    std::vector<int> idx;
    for (int i = 0; i < static_cast<int>(rows.size()); ++i)
      if (rows[i].question >= q0 && rows[i].question < q0 + per) idx.push_back(i);
    if (!idx.empty() || dp) minibatches.push_back(idx);
  }
  // π_old for every mini-batch but the first, computed before any update (the
  // first one reuses its own first forward, detached: same weights, same values).
  std::vector<RowTensors> tensors;
  std::vector<at::Tensor> old_logp(minibatches.size());
  for (const auto& idx : minibatches) tensors.push_back(idx.empty() ? RowTensors() : BuildRowTensors(rows, idx, pad));
  // L_max uses the widest response of the whole mini-batch (all ranks).
  std::vector<std::int64_t> widths;
  for (const auto& t : tensors) widths.push_back(t.response_width);
  if (dp) {
    const std::vector<std::int64_t> all = run.dist.AllGather(widths);  // rank-major, M per rank
    for (size_t i = 0; i < all.size() && !widths.empty(); ++i)
      widths[i % widths.size()] = std::max(widths[i % widths.size()], all[i]);
  }
  const bool many = minibatches.size() > 1 || cfg.actor.ppo_epochs > 1;
  if (many) {
    torch::NoGradGuard no_grad;
    for (size_t m = 0; m < minibatches.size(); ++m)
      if (!minibatches[m].empty()) old_logp[m] = ResponseLogProbs(run.model, tensors[m], temp, false).logp;
  }
  const double lr = LearningRate(cfg, step);
  for (auto& group : run.optimizer->param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  UpdateStats st;
  int local_updates = 0;
  std::vector<at::Tensor> params = run.model->parameters();
  // One AllReduceSum of the loss normalisers per mini-batch (ComputeUpgeLoss).
  NormaliserReducer to_global;
  if (dp) to_global = [&run](const std::vector<double>& local) { return run.dist.AllReduceSum(local); };
  for (int epoch = 0; epoch < cfg.actor.ppo_epochs; ++epoch) {
    for (size_t m = 0; m < minibatches.size(); ++m) {
      LossOutput lo;
      if (!minibatches[m].empty()) {
        ResponseStats cur = ResponseLogProbs(run.model, tensors[m], temp, need_entropy);
        at::Tensor old = many ? old_logp[m] : cur.logp.detach();
        at::Tensor mask = tensors[m].response_mask.to(cur.logp.device());
        const int64_t l_max = std::max<int64_t>(EffectiveLossMaxLen(cfg), widths[m]);
        RolloutBatch b = MakeBatch(rows, minibatches[m], cur, old, mask, l_max);
        lo = PresetLoss(preset, b, nullptr, to_global);
        run.optimizer->zero_grad();
        lo.loss.backward();
        local_updates += 1;
        torch::NoGradGuard no_grad;
        st.entropy_sum += (cur.entropy * mask).sum().item<double>();
        st.entropy_tokens += mask.sum().item<double>();
        st.tokens += tensors[m].tokens.size(0) * tensors[m].tokens.size(1);
      } else {  // nothing of this mini-batch here: zero gradients, same collectives
        to_global(std::vector<double>(preset.terms.size() + 1, 0.0));
        run.optimizer->zero_grad();
      }
      if (dp) run.dist.AllReduceGradients(params, dist::GradReduction::kSum);
      const double norm = torch::nn::utils::clip_grad_norm_(params, cfg.actor.grad_clip);
      const bool skip = !std::isfinite(norm) || norm > cfg.actor.max_grad_norm;
      if (skip) {
        run.optimizer->zero_grad();
        st.skipped += 1;
        if (run.dist.is_main())
          LogWarn("step {}: skipped an update (grad norm {:.4g} > actor.max_grad_norm {})", step + 1, norm,
                  cfg.actor.max_grad_norm);
      } else {
        run.optimizer->step();
      }
      st.updates += 1;
      st.grad_norm_sum += std::isfinite(norm) ? norm : 0.0;
      for (const auto& [k, v] : lo.metrics) st.sums[k] += v;
    }
  }
  if (dp) ReduceUpdateStats(run, preset, local_updates, st);
  return st;
}

// ---- 7: per-step metrics -------------------------------------------------

std::map<std::string, double> StepMetrics(const StepBatch& sb, const UpdateStats& us, int step, int epoch,
                                          bool sft_phase, double lr) {
  std::map<std::string, double> m;
  const int Q = static_cast<int>(sb.correct.size());
  int none = 0, all = 0, rewarded = 0;
  for (int q = 0; q < Q; ++q) {
    none += sb.sampled[q] > 0 && sb.correct[q] == 0;
    all += sb.sampled[q] > 0 && sb.correct[q] == sb.sampled[q];
    rewarded += sb.correct[q];
  }
  const double demo_rows = static_cast<double>(sb.demo_rows), len = static_cast<double>(sb.response_len_sum);
  const double n_rows = static_cast<double>(sb.rows_total);
  m["step"] = step;
  m["epoch"] = epoch;
  m["phase_sft"] = sft_phase ? 1 : 0;
  m["reward_mean"] = sb.rollouts > 0 ? static_cast<double>(rewarded) / sb.rollouts : NAN;
  m["solve_none"] = sb.rollouts > 0 ? static_cast<double>(none) / Q : NAN;
  m["solve_all"] = sb.rollouts > 0 ? static_cast<double>(all) / Q : NAN;
  m["offline_ratio"] = n_rows == 0 ? 0.0 : demo_rows / n_rows;
  m["response_length_mean"] = n_rows == 0 ? 0.0 : len / n_rows;
  m["response_clip_ratio"] = sb.rollouts > 0 ? static_cast<double>(sb.truncated) / sb.rollouts : NAN;
  m["rows"] = n_rows;
  m["lr"] = lr;
  const double u = std::max(1, us.updates);
  m["grad_norm"] = us.grad_norm_sum / u;
  m["skipped_updates"] = us.skipped;
  m["entropy"] = us.entropy_tokens > 0 ? us.entropy_sum / us.entropy_tokens : NAN;
  for (const auto& [k, v] : us.sums) m[k] = v / u;
  auto pick = [&](const char* key, std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (us.sums.count(n)) {
        m[key] = us.sums.at(n) / u;
        return;
      }
    m[key] = NAN;
  };
  pick("pg_loss", {"actor/pg_loss", "actor/on_pg_loss"});
  pick("sft_loss", {"actor/sft_loss"});
  pick("off_pg_loss", {"actor/off_pg_loss"});
  pick("pg_clipfrac", {"actor/pg_clipfrac"});
  return m;
}

// ---- set-up ----------------------------------------------------------------

void Setup(Run& run, const std::string& weights_dir) {
  const TrainConfig& cfg = run.cfg;
  if (cfg.trainer.threads > 0) torch::set_num_threads(cfg.trainer.threads);
  run.tokenizer = lm::Tokenizer::FromFile(cfg.model.path + "/tokenizer.json");
  run.model = lm::LoadQwen2(weights_dir, lm::ParseDevice(cfg.trainer.device));
  ConfigureModelMemory(run.model, cfg);
  run.format = std::make_unique<PromptFormat>(cfg.model.prompt_template, &run.tokenizer);
  std::vector<int32_t> stop, banned;
  lm::DefaultSpecialIds(cfg.model.path, &stop, &banned);
  stop = lm::BuildStopSet(cfg.model.path, run.tokenizer, run.format->name()).ids;  // same set as `upt generate`
  run.generator = std::make_unique<lm::Generator>(run.model.ptr(), &run.tokenizer, stop, banned);
  run.optimizer = MakeTrainOptimizer(run.model, cfg, &run.dist);
  std::vector<TrainExample> all = LoadTrainData(cfg.data.train_files, cfg.trainer.seed);
  for (auto& ex : all) {  // prompts longer than data.max_prompt_length are dropped (verl filters them too)
    auto ids = run.format->Prompt(ex.problem);
    if (static_cast<int>(ids.size()) > cfg.data.max_prompt_length) continue;
    run.prompts.push_back(std::move(ids));
    run.data.push_back(std::move(ex));
  }
  if (run.data.size() < all.size())
    LogWarn("dropped {} of {} training prompts longer than data.max_prompt_length = {} tokens",
            all.size() - run.data.size(), all.size(), cfg.data.max_prompt_length);
  if (run.data.empty()) throw Error("no training prompts left", "data.train_files");
  const Preset& named = PresetRegistry().Get(cfg.algorithm.preset);
  if (named.layout != "on_policy" || !named.phases.empty())
    for (const auto& ex : run.data)
      if (ex.target.empty())
        throw Error("question '" + ex.id + "' has no demonstration ('target')", cfg.data.train_files,
                    "preset '" + cfg.algorithm.preset + "' trains on demonstrations");
  run.val_sets = LoadValidationSets(cfg);
}

// Rank 0 validates (and logs); the other ranks wait at a barrier (raise
// UPT_DIST_TIMEOUT when validation takes longer than the collective timeout).
void RunValidation(Run& run, RunLog* log, int step) {
  if (run.val_sets.empty()) return;
  if (log) {
    torch::NoGradGuard no_grad;
    for (const auto& r : Validate(*run.generator, *run.format, run.val_sets, run.cfg)) {
      log->Validation(step, r.benchmark, r.avg_at_n, r.n, r.problems);
      LogInfo("step {}: validation {} avg@{} = {:.4f} ({} problems)", step, r.benchmark, r.n, r.avg_at_n, r.problems);
    }
  }
  if (run.dist.distributed()) run.dist.Barrier();
}

}  // namespace

TrainSummary RunTraining(const TrainConfig& config, const TrainRunOptions& opts) {
  RegisterToyTrainData();
  Run run;
  run.cfg = config;
  const TrainConfig& cfg = run.cfg;
  ValidateConfig(cfg);
  run.dist = dist::DistContext::FromEnvironment();
  const bool main_rank = run.dist.is_main();
  const std::string out = cfg.trainer.out_dir;
  MakeDirs(out);
  TrainerState state;
  state.seed = cfg.trainer.seed;
  state.config = OptionsToJson(cfg);
  std::string resume_dir = opts.resume ? LatestCheckpoint(out) : "";
  if (opts.resume && resume_dir.empty() && !HasRunLogs(out))  // with logs only: restart from step 0 (RunLog)
    throw Error("nothing to resume: no checkpoint in " + out, "--resume", "run without --resume to start");
  if (!opts.resume && !LatestCheckpoint(out).empty())
    throw Error("the run directory already holds checkpoints: " + out, "trainer.out_dir",
                "pass --resume to continue it, or choose another --out");
  Setup(run, resume_dir.empty() ? cfg.model.path : resume_dir);
  if (!resume_dir.empty()) {
    TrainerState saved = LoadTrainerState(resume_dir);
    state.step = saved.step;
    state.cursor = saved.cursor;
    LoadOptimizerState(resume_dir, *run.optimizer);
    if (main_rank)
      LogInfo("resuming {} at step {} (epoch {}, offset {})", resume_dir, state.step, state.cursor.epoch,
              state.cursor.offset);
  }
  if (run.dist.distributed()) {
    run.dist.BroadcastParameters(run.model->parameters());
    if (main_rank)
      LogInfo("data-parallel training on {} ranks (rank 0 writes logs and checkpoints)", run.dist.world_size());
  }
  std::unique_ptr<RunLog> log;  // rank 0 only
  if (main_rank) {
    WriteFileAtomic(out + "/config.json", DumpPretty(state.config));
    OrderedJson prov = BaseProvenance();  // base model and training data identity
    prov["model"] = lm::io::ModelProvenance(cfg.model.path);
    prov["train_files"] = cfg.data.train_files;
    if (FileExists(cfg.data.train_files)) prov["train_files_sha256"] = Sha256File(cfg.data.train_files);
    WriteFileAtomic(out + "/provenance.json", DumpPretty(prov));
    log = std::make_unique<RunLog>(out, resume_dir.empty() ? -1 : state.step);
  }
  TrainSummary summary;
  summary.start_step = state.step;
  const auto t_run = Clock::now();
  if (state.step == 0 && cfg.trainer.val_before_train) RunValidation(run, log.get(), 0);

  const int total = cfg.trainer.total_training_steps;
  const int sft_steps = EffectiveSftSteps(cfg);
  int done_here = 0;
  while (state.step < total) {
    if (opts.stop_after_steps >= 0 && done_here >= opts.stop_after_steps) break;
    const auto t_step = Clock::now();
    const std::clock_t cpu_step = std::clock();
    const int step = state.step;  // 0-based index of this step
    // 1. prompts
    const bool sft_phase = step < sft_steps;
    const Preset preset = ConfiguredPreset(cfg, sft_phase ? 0 : 1);
    const int epoch = state.cursor.epoch;
    std::vector<int> batch = NextBatch(static_cast<int>(run.data.size()), cfg.data.train_batch_size,
                                       cfg.trainer.seed, cfg.data.shuffle, &state.cursor);
    // 2-4. rollouts, rewards, routing
    StepBatch sb;
    {
      torch::NoGradGuard no_grad;
      sb = SampleAndRoute(run, preset, batch, step);
    }
    ReduceStepBatch(run, sb);
    const double rollout_s = Since(t_step);
    // 5-6. old log-probs, updates
    const auto t_update = Clock::now();
    UpdateStats us = Update(run, preset, sb.rows, static_cast<int>(batch.size()), step);
    RequireFiniteLosses(us.sums, step + 1, out);  // a diverged step stops the run (checkpoint.h)
    const double update_s = Since(t_update);
    // 7. logging
    state.step = step + 1;
    auto m = StepMetrics(sb, us, state.step, epoch, preset.layout == "demos", LearningRate(cfg, step));
    const double step_s = Since(t_step);
    m["tokens"] = static_cast<double>(us.tokens + sb.rollout_tokens);
    m["tokens_per_s"] = (us.tokens + sb.rollout_tokens) / std::max(step_s, 1e-9);
    m["rollout_s"] = rollout_s;
    m["update_s"] = update_s;
    m["step_s"] = step_s;
    m["step_cpu_s"] = static_cast<double>(std::clock() - cpu_step) / CLOCKS_PER_SEC;  // process CPU, all threads
    if (log) {
      log->Step(m);
      for (size_t q = 0; q < batch.size(); ++q)
        if (sb.sampled[q] > 0)
          log->RolloutAccuracy(state.step, epoch, run.data[batch[q]].id, sb.correct[q], sb.sampled[q]);
      log->Flush();
    }
    summary.final_reward_mean = m["reward_mean"];
    state.last_metrics = OrderedJson::object();
    for (const auto& [k, v] : m)
      if (std::isfinite(v)) state.last_metrics[k] = v;
    if (opts.progress && main_rank)
      LogInfo("step {}/{} [{}] reward {:.3f} offline {:.2f} pg {:.4g} sft {:.4g} H {:.3f} |g| {:.3g} len {:.1f} {:.2f}s",
              state.step, total, preset.name, m["reward_mean"], m["offline_ratio"], m["pg_loss"], m["sft_loss"],
              m["entropy"], m["grad_norm"], m["response_length_mean"], step_s);
    // 8. validation
    if (cfg.trainer.test_freq > 0 && state.step % cfg.trainer.test_freq == 0) RunValidation(run, log.get(), state.step);
    // 9. checkpoint
    const bool last = state.step == total;
    if (last || (cfg.trainer.save_freq > 0 && state.step % cfg.trainer.save_freq == 0)) {
      dist::GatherOptimizerForSave(*run.optimizer);  // collective under ZeRO-2
      if (main_rank)
        summary.last_checkpoint = SaveCheckpoint(out, state, run.model, run.tokenizer.json_text(), *run.optimizer,
                                                 cfg.trainer.keep_checkpoints);
      if (run.dist.distributed()) {  // a following --resume (on any rank) sees the complete checkpoint
        run.dist.Barrier();
        if (!main_rank) summary.last_checkpoint = LatestCheckpoint(out);
      }
    }
    ++done_here;
  }
  summary.steps_done = state.step;
  summary.seconds = Since(t_run);
  return summary;
}

}  // namespace upt::train
