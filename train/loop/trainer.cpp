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
#include "train/loop/export.h"
#include "train/loop/preset_config.h"
#include "train/loop/prompt.h"
#include "train/loop/rows.h"
#include "train/loop/run_log.h"
#include "train/loop/update.h"
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
  TrainConfig cfg;        // as configured
  TrainConfig pcfg;       // the current phase's effective config (PhaseConfig)
  int phase = -1;
  lm::Tokenizer tokenizer;
  lm::Qwen2ForCausalLM model{nullptr};
  std::unique_ptr<PromptFormat> format;
  std::unique_ptr<lm::Generator> generator;
  std::unique_ptr<torch::optim::Optimizer> optimizer;  // AdamW, or ZeRO/bf16 AdamW (model_memory.h)
  std::vector<TrainExample> data;             // the current phase's training file
  std::string data_file;
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
  for (int q : dist::OwnedQuestions(Q, run.pcfg.actor.ppo_mini_batch_size, run.dist.rank(), run.dist.world_size()))
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

// A demonstration row. Its reward is the verifier's score of the demonstration
// text (upstream scores the prefix rows with the reward function: HPT
// mix_trainer.py, LUFFY), or 1 with algorithm.demo_reward = one; SFT-only
// phases do not use it.
StepRow DemoRow(const Run& run, int q, int example, uint8_t demo_loss, bool scored) {
  StepRow r;
  r.question = q;
  r.prompt = run.prompts[example];
  r.response = run.format->Demonstration(run.data[example].target, run.pcfg.data.max_response_length);
  r.reward = 1.0;
  if (scored && run.pcfg.algorithm.demo_reward == "verifier")
    r.reward = verifiers::Grade(run.data[example].answer, run.data[example].target,
                                RewardGrading(run.pcfg.reward, /*validation=*/false))
                       .correct ? 1.0 : 0.0;
  r.is_demo = true;
  r.demo_loss = demo_loss;
  return r;
}

StepBatch SampleAndRoute(Run& run, const Preset& preset, const std::vector<int>& batch, int step) {
  const TrainConfig& cfg = run.pcfg;
  StepBatch sb;
  const int Q = static_cast<int>(batch.size());
  sb.correct.assign(Q, 0);
  sb.sampled.assign(Q, 0);
  const std::vector<bool> owned = OwnedMask(run, Q);
  if (preset.settings.layout == BatchLayout::kDemos) {
    for (int q = 0; q < Q; ++q)
      if (owned[q]) sb.rows.push_back(DemoRow(run, q, batch[q], kDemoLossSft, false));
    return sb;
  }
  const int n_roll = preset.settings.n_rollouts;
  std::vector<lm::GenerationRequest> reqs;
  std::vector<int> req_question;  // question of each request
  for (int q = 0; q < Q; ++q)
    for (int j = 0; owned[q] && j < n_roll; ++j) {
      reqs.push_back({run.prompts[batch[q]], StreamId(run.data[batch[q]].id), static_cast<uint64_t>(j)});
      req_question.push_back(q);
    }
  const lm::SamplingParams& sp = cfg.rollout.sampling;
  const uint64_t step_seed = RngStream(static_cast<uint64_t>(cfg.trainer.seed),
                                       {StreamId("train/rollout"), static_cast<uint64_t>(step)}).NextU64();
  std::vector<lm::GenerationResult> results;
  if (!reqs.empty())
    results = run.generator->Generate(reqs, sp, step_seed, static_cast<int>(std::min<size_t>(reqs.size(), cfg.rollout.max_num_seqs)));
  const verifiers::GradeOptions g = RewardGrading(cfg.reward, /*validation=*/false);
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
  if (preset.settings.layout == BatchLayout::kHpt) {  // per-question routes: a not-owned question's count (0) is never used
    HptRouting routing = RouteHpt(sb.correct, preset.route);
    for (const auto& rr : routing.rows) {
      if (!owned[rr.question]) continue;
      if (rr.is_demo) sb.rows.push_back(DemoRow(run, rr.question, batch[rr.question], rr.demo_loss, true));
      else sb.rows.push_back(rollouts[rr.question * n_roll + rr.rollout]);
    }
  } else {  // on_policy, or mixed (LUFFY/SRFT: rollouts then n_demos demonstrations per question)
    for (int q = 0; q < Q; ++q) {
      if (!owned[q]) continue;
      for (int j = 0; j < n_roll; ++j) sb.rows.push_back(rollouts[q * n_roll + j]);
      for (int d = 0; d < preset.settings.n_demos; ++d)
        sb.rows.push_back(DemoRow(run, q, batch[q], kDemoLossSft | kDemoLossOff, true));
    }
  }
  return sb;
}

// ---- 5-6: old log-probs and updates: update.h ------------------------------

// Learning rate of phase-local step `step` of `steps`: linear warm-up over
// warmup_steps (or ceil(warmup_ratio·steps), OpenRLHF), then constant or cosine
// from lr to min_lr_ratio·lr over the remaining steps (cosine_with_min_lr).
double LearningRate(const OptimOptions& o, int step, int steps) {
  const int warm = o.warmup_steps > 0 ? o.warmup_steps : static_cast<int>(std::ceil(o.warmup_ratio * steps));
  if (warm > 0 && step < warm) return o.lr * (step + 1) / warm;
  if (o.lr_schedule != "cosine") return o.lr;
  const double progress = std::min(1.0, static_cast<double>(step - warm) / std::max(1, steps - warm));
  return o.lr * (o.min_lr_ratio + (1 - o.min_lr_ratio) * 0.5 * (1 + std::cos(M_PI * progress)));
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
  m["micro_batches"] = us.micro_batches;
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
  if (cfg.model.demo_eos == "tokenizer") run.format->UseTokenizerEos(cfg.model.path);
  const auto stop = lm::BuildStopSet(cfg.model.path, run.tokenizer, run.format->name()).ids;  // as `upt generate`
  run.generator = std::make_unique<lm::Generator>(run.model.ptr(), &run.tokenizer, stop,
                                                  lm::BannedSpecialIds(cfg.model.path, stop));
  run.val_sets = LoadValidationSets(cfg);
}

// Loads the phase's training file (prompts longer than data.max_prompt_length
// are dropped, as verl filters them).
void LoadPrompts(Run& run, const TrainConfig& pc, const Preset& preset) {
  run.data.clear();
  run.prompts.clear();
  run.data_file = pc.data.train_files;
  std::vector<TrainExample> all = LoadTrainData(pc.data.train_files, pc.trainer.seed);
  for (auto& ex : all) {
    auto ids = run.format->Prompt(ex.problem);
    if (static_cast<int>(ids.size()) > pc.data.max_prompt_length) continue;
    run.prompts.push_back(std::move(ids));
    run.data.push_back(std::move(ex));
  }
  if (run.data.size() < all.size() && run.dist.is_main())
    LogWarn("dropped {} of {} training prompts longer than data.max_prompt_length = {} tokens",
            all.size() - run.data.size(), all.size(), pc.data.max_prompt_length);
  if (run.data.empty()) throw Error("no training prompts left", pc.data.train_files);
  if (preset.settings.layout != BatchLayout::kOnPolicy)
    for (const auto& ex : run.data)
      if (ex.target.empty())
        throw Error("question '" + ex.id + "' has no demonstration ('target')", pc.data.train_files,
                    "preset '" + preset.settings.name + "' trains on demonstrations");
}

// HPT maybe_save_best_hf: export when the mean validation score improves.
void MaybeSaveBest(Run& run, int step, double score, const OrderedJson& scores) {
  const std::string dir = run.cfg.trainer.out_dir + "/best";
  const std::string meta = dir + "/best.json";
  if (FileExists(meta)) {
    const Json old = Json::parse(ReadFile(meta), nullptr, false);
    if (old.is_object() && old.contains("score") && old["score"].get<double>() >= score) return;
  }
  ExportHfModel(run.model, run.cfg.model.path, dir, ExportOptions(run.cfg));
  OrderedJson j;
  j["step"] = step;
  j["score"] = score;
  j["metric"] = "mean avg@n over data.val_files";
  j["scores"] = scores;
  WriteFileAtomic(meta, DumpPretty(j));
  LogInfo("step {}: best validation score {:.4f}: exported {}", step, score, dir);
}

// Phase of a (0-based) step and its [first, end) steps: sft_then_grpo runs
// algorithm.sft_steps SFT steps, then the RL phase.
int PhaseOf(const TrainConfig& cfg, int step) { return step < EffectiveSftSteps(cfg) ? 0 : PhaseCount(cfg) - 1; }
std::pair<int, int> PhaseSteps(const TrainConfig& cfg, int phase) {
  const int sft = EffectiveSftSteps(cfg), total = cfg.trainer.total_training_steps;
  if (PhaseCount(cfg) == 1) return {0, total};
  return phase == 0 ? std::make_pair(0, sft) : std::make_pair(sft, total);
}

// Enters `phase`: its effective config, its data file, and a fresh optimizer
// (upstream runs each phase as its own job).
void EnterPhase(Run& run, int phase) {
  run.phase = phase;
  run.pcfg = PhaseConfig(run.cfg, phase);
  ValidateConfig(run.pcfg);
  const Preset preset = ConfiguredPreset(run.cfg, phase);
  if (run.data_file != run.pcfg.data.train_files || run.data.empty()) LoadPrompts(run, run.pcfg, preset);
  const auto& o = run.pcfg.actor.optim;
  run.optimizer = MakeTrainOptimizer(run.model, run.pcfg, &run.dist);  // AdamW, or ZeRO/bf16 AdamW
  if (run.dist.is_main() && PhaseCount(run.cfg) > 1)
    LogInfo("phase {} ({}): {} prompts from {}, lr {}, fresh optimizer", phase, preset.settings.name, run.data.size(),
            run.data_file, o.lr);
}

// Rank 0 validates (and logs), and with trainer.save_best exports the policy
// when the mean avg@n over the validation sets beats the best so far
// (out_dir/best/best.json keeps the score across resumes); the other ranks wait
// at a barrier (raise UPT_DIST_TIMEOUT when validation is slower than the timeout).
void RunValidation(Run& run, RunLog* log, int step) {
  if (run.val_sets.empty()) return;
  if (log) {
    torch::NoGradGuard no_grad;
    double sum = 0;
    int sets = 0;
    OrderedJson scores = OrderedJson::object();
    for (const auto& r : Validate(*run.generator, *run.format, run.val_sets, run.pcfg)) {
      log->Validation(step, r.benchmark, r.avg_at_n, r.n, r.problems);
      LogInfo("step {}: validation {} avg@{} = {:.4f} ({} problems)", step, r.benchmark, r.n, r.avg_at_n, r.problems);
      sum += r.avg_at_n;
      sets += 1;
      scores[r.benchmark] = r.avg_at_n;
    }
    if (run.cfg.trainer.save_best && sets > 0) MaybeSaveBest(run, step, sum / sets, scores);
  }
  if (run.dist.distributed()) run.dist.Barrier();
}

// ---- the run's steps (RunTraining) -----------------------------------------

// Checks --resume against the run directory, loads the model (the latest
// checkpoint's weights when resuming) and enters the phase of `state.step` with
// its optimizer state; all ranks start from rank 0's parameters. Returns the
// checkpoint resumed from ("" = a fresh start).
std::string StartRun(Run& run, const TrainRunOptions& opts, TrainerState& state) {
  const TrainConfig& cfg = run.cfg;
  const std::string& out = cfg.trainer.out_dir;
  const bool main_rank = run.dist.is_main();
  std::string resume_dir = opts.resume ? LatestCheckpoint(out) : "";
  if (opts.resume && resume_dir.empty() && !HasRunLogs(out))  // with logs only: restart from step 0 (RunLog)
    throw Error("nothing to resume: no checkpoint in " + out, "--resume", "run without --resume to start");
  if (!opts.resume && !LatestCheckpoint(out).empty())
    throw Error("the run directory already holds checkpoints: " + out, "trainer.out_dir",
                "pass --resume to continue it, or choose another --out");
  Setup(run, resume_dir.empty() ? cfg.model.path : CheckpointWeightsDir(resume_dir));
  if (!resume_dir.empty()) {
    TrainerState saved = LoadTrainerState(resume_dir);
    state.step = saved.step;
    state.cursor = saved.cursor;
  }
  EnterPhase(run, PhaseOf(cfg, state.step));
  if (!resume_dir.empty()) {
    if (state.step == PhaseSteps(cfg, run.phase).first && run.phase > 0) state.cursor = DataCursor{};  // fresh phase
    else LoadOptimizerState(resume_dir, *run.optimizer);
    if (main_rank)
      LogInfo("resuming {} at step {} (epoch {}, offset {})", resume_dir, state.step, state.cursor.epoch,
              state.cursor.offset);
  }
  if (run.dist.distributed()) {
    run.dist.BroadcastParameters(run.model->parameters());
    if (main_rank)
      LogInfo("data-parallel training on {} ranks (rank 0 writes logs and checkpoints)", run.dist.world_size());
  }
  return resume_dir;
}

// Rank 0's run files: config.json, provenance.json (base model and training
// data identity) and the run log (appending after `state.step` when resumed).
// Other ranks get null.
std::unique_ptr<RunLog> OpenRunFiles(const Run& run, const TrainerState& state, bool resumed) {
  if (!run.dist.is_main()) return nullptr;
  const TrainConfig& cfg = run.cfg;
  const std::string& out = cfg.trainer.out_dir;
  WriteFileAtomic(out + "/config.json", DumpPretty(state.config));
  OrderedJson prov = BaseProvenance();
  prov["model"] = lm::io::ModelProvenance(cfg.model.path);
  prov["train_files"] = cfg.data.train_files;
  if (FileExists(cfg.data.train_files)) prov["train_files_sha256"] = Sha256File(cfg.data.train_files);
  prov["verifier"] = {{"reward", verifiers::PolicyName(RewardGrading(cfg.reward, false))},
                      {"validation", verifiers::PolicyName(RewardGrading(cfg.reward, true))}};
  WriteFileAtomic(out + "/provenance.json", DumpPretty(prov));
  return std::make_unique<RunLog>(out, resumed ? state.step : -1);
}

// One step's inputs, outputs and timings, for the step's record.
struct StepRecord {
  Clock::time_point start = Clock::now();
  std::clock_t cpu_start = std::clock();
  int epoch = 0;
  double lr = 0;
  std::vector<int> batch;  // example index per question
  StepBatch sb;
  UpdateStats us;
  double rollout_s = 0, update_s = 0;
};

// 1. Enters the phase of `step` (a new phase restarts the data cursor) and sets
// the optimizer's learning rate for the step; returns it.
double EnterStep(Run& run, TrainerState& state, int step) {
  if (PhaseOf(run.cfg, step) != run.phase) {
    EnterPhase(run, PhaseOf(run.cfg, step));
    state.cursor = DataCursor{};
  }
  const auto [phase_first, phase_end] = PhaseSteps(run.cfg, run.phase);
  const double lr = LearningRate(run.pcfg.actor.optim, step - phase_first, phase_end - phase_first);
  for (auto& group : run.optimizer->param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  return lr;
}

// 2-4. The step's rows (no grad), with totals over all ranks.
StepBatch CollectRows(Run& run, const Preset& preset, const std::vector<int>& batch, int step) {
  StepBatch sb;
  {
    torch::NoGradGuard no_grad;
    sb = SampleAndRoute(run, preset, batch, step);
  }
  ReduceStepBatch(run, sb);
  return sb;
}

// 7. The finished step (state.step = steps done): its metrics with throughput
// and timings to the run log (rank 0), the trainer state and the summary.
void RecordStep(const Run& run, RunLog* log, const Preset& preset, const StepRecord& r, bool progress,
                TrainerState& state, TrainSummary& summary) {
  auto m = StepMetrics(r.sb, r.us, state.step, r.epoch, preset.settings.layout == BatchLayout::kDemos, r.lr);
  const double step_s = Since(r.start);
  m["tokens"] = static_cast<double>(r.us.tokens + r.sb.rollout_tokens);
  m["tokens_per_s"] = (r.us.tokens + r.sb.rollout_tokens) / std::max(step_s, 1e-9);
  m["rollout_s"] = r.rollout_s;
  m["update_s"] = r.update_s;
  m["step_s"] = step_s;
  m["step_cpu_s"] = static_cast<double>(std::clock() - r.cpu_start) / CLOCKS_PER_SEC;  // process CPU, all threads
  if (log) {
    log->Step(m);
    for (size_t q = 0; q < r.batch.size(); ++q)
      if (r.sb.sampled[q] > 0)
        log->RolloutAccuracy(state.step, r.epoch, run.data[r.batch[q]].id, r.sb.correct[q], r.sb.sampled[q]);
    log->Flush();
  }
  summary.final_reward_mean = m["reward_mean"];
  state.last_metrics = OrderedJson::object();
  for (const auto& [k, v] : m)
    if (std::isfinite(v)) state.last_metrics[k] = v;
  if (progress && run.dist.is_main())
    LogInfo("step {}/{} [{}] reward {:.3f} offline {:.2f} pg {:.4g} sft {:.4g} H {:.3f} |g| {:.3g} len {:.1f} {:.2f}s",
            state.step, run.cfg.trainer.total_training_steps, preset.settings.name, m["reward_mean"],
            m["offline_ratio"], m["pg_loss"], m["sft_loss"], m["entropy"], m["grad_norm"], m["response_length_mean"],
            step_s);
}

// 9. A checkpoint after the last step and every trainer.save_freq steps: rank 0
// writes it, every rank waits for it (a following --resume sees it complete).
void MaybeCheckpoint(Run& run, const TrainerState& state, TrainSummary& summary) {
  const TrainConfig& cfg = run.cfg;
  const bool last = state.step == cfg.trainer.total_training_steps;
  if (!last && !(cfg.trainer.save_freq > 0 && state.step % cfg.trainer.save_freq == 0)) return;
  dist::GatherOptimizerForSave(*run.optimizer);  // collective under ZeRO-2
  if (run.dist.is_main())
    summary.last_checkpoint = SaveCheckpoint(cfg.trainer.out_dir, state, run.model, cfg.model.path,
                                             ExportOptions(cfg), *run.optimizer, cfg.trainer.keep_checkpoints);
  if (run.dist.distributed()) {
    run.dist.Barrier();
    if (!run.dist.is_main()) summary.last_checkpoint = LatestCheckpoint(cfg.trainer.out_dir);
  }
}

}  // namespace

TrainSummary RunTraining(const TrainConfig& config, const TrainRunOptions& opts) {
  RegisterToyTrainData();
  Run run;
  run.cfg = config;
  const TrainConfig& cfg = run.cfg;
  ValidateConfig(cfg);
  run.dist = dist::DistContext::FromEnvironment();
  MakeDirs(cfg.trainer.out_dir);
  TrainerState state;
  state.seed = cfg.trainer.seed;
  state.config = OptionsToJson(ResolvedConfig(cfg));  // every key explicit: reruns as it ran
  const std::string resume_dir = StartRun(run, opts, state);
  const std::unique_ptr<RunLog> log = OpenRunFiles(run, state, !resume_dir.empty());  // rank 0 only
  TrainSummary summary;
  summary.start_step = state.step;
  const auto t_run = Clock::now();
  if (state.step == 0 && cfg.trainer.val_before_train) RunValidation(run, log.get(), 0);

  const int total = cfg.trainer.total_training_steps;
  for (int done_here = 0; state.step < total; ++done_here) {
    if (opts.stop_after_steps >= 0 && done_here >= opts.stop_after_steps) break;
    StepRecord rec;
    const int step = state.step;  // 0-based index of this step
    // 1. phase, learning rate and prompts
    rec.lr = EnterStep(run, state, step);
    const TrainConfig& pc = run.pcfg;
    const Preset preset = ConfiguredPreset(cfg, run.phase);
    rec.epoch = state.cursor.epoch;
    rec.batch = NextBatch(static_cast<int>(run.data.size()), pc.data.train_batch_size, pc.trainer.seed,
                          pc.data.shuffle, &state.cursor);
    // 2-4. rollouts, rewards, routing
    rec.sb = CollectRows(run, preset, rec.batch, step);
    rec.rollout_s = Since(rec.start);
    // 5-6. old log-probs, updates
    const auto t_update = Clock::now();
    PolicyUpdater updater{&run.model, run.optimizer.get(), &run.dist, run.format->eos()};
    rec.us = UpdatePolicy(updater, pc, preset, rec.sb.rows, static_cast<int>(rec.batch.size()), step);
    RequireFiniteLosses(rec.us.sums, step + 1, cfg.trainer.out_dir);  // a diverged step stops the run (checkpoint.h)
    rec.update_s = Since(t_update);
    // 7. logging
    state.step = step + 1;
    RecordStep(run, log.get(), preset, rec, opts.progress, state, summary);
    // 8. validation
    if (cfg.trainer.test_freq > 0 && state.step % cfg.trainer.test_freq == 0) RunValidation(run, log.get(), state.step);
    // 9. checkpoint
    MaybeCheckpoint(run, state, summary);
  }
  summary.steps_done = state.step;
  summary.seconds = Since(t_run);
  return summary;
}

}  // namespace upt::train
