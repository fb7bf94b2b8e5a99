#include "train/loop/update.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/log.h"
#include "train/dist/zero.h"
#include "train/loop/config/config.h"

namespace upt::train {
namespace {

std::vector<int64_t> RowLengths(const std::vector<StepRow>& rows, const std::vector<int>& idx) {
  std::vector<int64_t> l;
  for (int i : idx) l.push_back(static_cast<int64_t>(rows[i].prompt.size() + rows[i].response.size()));
  return l;
}

// Every rank's rows on every rank, ordered by question (stable: a single
// process's order), so that all ranks plan the same upstream layout.
std::vector<StepRow> GatherRows(dist::DistContext& d, const std::vector<StepRow>& rows) {
  if (!d.distributed()) return rows;
  std::vector<std::int64_t> flat;
  for (const auto& r : rows) {
    std::int64_t reward_bits = 0;
    std::memcpy(&reward_bits, &r.reward, sizeof reward_bits);
    flat.insert(flat.end(), {r.question, reward_bits, r.is_demo, r.demo_loss, r.truncated,
                             static_cast<std::int64_t>(r.prompt.size()), static_cast<std::int64_t>(r.response.size())});
    flat.insert(flat.end(), r.prompt.begin(), r.prompt.end());
    flat.insert(flat.end(), r.response.begin(), r.response.end());
  }
  const std::vector<std::int64_t> all = d.AllGather(flat);
  std::vector<StepRow> out;
  for (size_t i = 0; i < all.size();) {
    StepRow r;
    r.question = static_cast<int>(all[i]);
    std::memcpy(&r.reward, &all[i + 1], sizeof r.reward);
    r.is_demo = all[i + 2] != 0;
    r.demo_loss = static_cast<uint8_t>(all[i + 3]);
    r.truncated = all[i + 4] != 0;
    const size_t P = static_cast<size_t>(all[i + 5]), R = static_cast<size_t>(all[i + 6]);
    i += 7;
    r.prompt.assign(all.begin() + i, all.begin() + i + P);
    r.response.assign(all.begin() + i + P, all.begin() + i + P + R);
    i += P + R;
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const StepRow& a, const StepRow& b) { return a.question < b.question; });
  return out;
}

std::vector<RowMeta> Meta(const std::vector<StepRow>& rows, const std::vector<int>& idx) {
  std::vector<RowMeta> meta;
  for (int i : idx)
    meta.push_back({rows[i].reward, rows[i].question, rows[i].is_demo,
                    rows[i].is_demo ? rows[i].demo_loss : static_cast<uint8_t>(0)});
  return meta;
}

// A batch of the rows' masks and metadata with zero log-probs: for group
// advantages and loss normalisers, which need no forward pass.
RolloutBatch MetaBatch(const std::vector<StepRow>& rows, const std::vector<int>& idx) {
  int64_t R = 1;
  for (int i : idx) R = std::max<int64_t>(R, static_cast<int64_t>(rows[i].response.size()));
  at::Tensor mask = torch::zeros({static_cast<int64_t>(idx.size()), R}, torch::kFloat32);
  for (size_t b = 0; b < idx.size(); ++b) mask[static_cast<int64_t>(b)].narrow(0, 0, rows[idx[b]].response.size()).fill_(1.f);
  at::Tensor zero = torch::zeros_like(mask);
  return MakeRolloutBatch(zero, zero.clone(), mask, Meta(rows, idx), R);
}

std::vector<int> AllIndices(size_t n) {
  std::vector<int> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = static_cast<int>(i);
  return idx;
}

// Per term: advantages [rows] of group estimates over all `rows` (whole groups
// here); undefined for row-local estimates (computed per micro-batch).
std::vector<at::Tensor> GroupAdvantagesOf(const Preset& preset, const std::vector<StepRow>& rows) {
  std::vector<at::Tensor> adv(preset.terms.size());
  if (rows.empty()) return adv;
  RolloutBatch b = MetaBatch(rows, AllIndices(rows.size()));
  for (size_t t = 0; t < preset.terms.size(); ++t)
    if (AdvantageNeedsGroups(preset.terms[t].advantage))
      adv[t] = ComputeTermAdvantages({preset.terms[t]}, b, preset.opts)[0];
  return adv;
}

std::vector<at::Tensor> SliceAdvantages(const std::vector<at::Tensor>& adv, const std::vector<int>& idx) {
  at::Tensor index = torch::tensor(std::vector<int64_t>(idx.begin(), idx.end()), torch::kInt64);
  std::vector<at::Tensor> out;
  for (const auto& a : adv) out.push_back(a.defined() ? a.index_select(0, index) : at::Tensor());
  return out;
}

// Metric keys of ComputeUpgeLoss and whether each is additive over micro-batches
// and ranks (term losses, pg_loss, loss, entropy, kl_loss) or a ratio (averaged).
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

// With several ranks: sums the statistics over ranks; ratio metrics become the
// mean over the ranks' optimizer steps that had rows (`local_updates`).
void ReduceUpdateStats(dist::DistContext& d, const Preset& preset, int local_updates, UpdateStats& st) {
  const auto keys = LossMetricKeys(preset);
  std::vector<double> v = {st.entropy_sum, st.entropy_tokens, static_cast<double>(st.tokens),
                           static_cast<double>(local_updates), static_cast<double>(st.micro_batches)};
  for (const auto& [k, additive] : keys) v.push_back(st.sums.count(k) ? st.sums.at(k) : 0.0);
  v = d.AllReduceSum(v);
  st.entropy_sum = v[0];
  st.entropy_tokens = v[1];
  st.tokens = static_cast<long long>(std::llround(v[2]));
  const double rank_updates = v[3];
  st.micro_batches = static_cast<int>(std::llround(v[4]));
  st.sums.clear();
  for (size_t i = 0; i < keys.size(); ++i)
    st.sums[keys[i].first] = keys[i].second ? v[5 + i] : (rank_updates > 0 ? v[5 + i] / rank_updates * st.updates : 0.0);
}

struct StepInputs {
  const TrainConfig* cfg;
  const Preset* preset;
  const std::vector<StepRow>* rows;
  std::vector<at::Tensor> adv;  // GroupAdvantagesOf(rows)
  bool upstream = false;
  int world = 1;                // upstream: W
};

// Forward, loss and backward of every micro-batch of one optimizer step; the
// gradients accumulate in .grad. Returns false when this rank had no rows.
bool AccumulateStep(const PolicyUpdater& u, const StepInputs& in, const OptimStepPlan& plan,
                    const std::vector<RowTensors>& tensors, const std::vector<at::Tensor>& old,
                    const NormaliserReducer& to_global, UpdateStats& st) {
  const auto keys = LossMetricKeys(*in.preset);
  const int64_t l_max = std::max<int64_t>(EffectiveLossMaxLen(*in.cfg), plan.response_width);
  std::map<std::string, double> ratio_sum;
  for (size_t k = 0; k < plan.micro.size(); ++k) {
    ResponseStats cur = ResponseLogProbs(*u.model, tensors[k], in.cfg->rollout.sampling.temperature, true);
    at::Tensor mask = tensors[k].response_mask.to(cur.logp.device());
    RolloutBatch b = MakeRolloutBatch(cur.logp, old[k].defined() ? old[k] : cur.logp.detach(), mask,
                                      Meta(*in.rows, plan.micro[k]), l_max);
    b.entropy = cur.entropy;
    const std::vector<at::Tensor> adv = SliceAdvantages(in.adv, plan.micro[k]);
    LossOutput lo = PresetLoss(*in.preset, b, &adv, in.upstream ? NormaliserReducer() : to_global);
    const double scale = in.upstream ? 1.0 / in.world : 1.0;
    (in.upstream ? lo.loss * scale : lo.loss).backward();
    for (const auto& [key, additive] : keys) {
      if (!lo.metrics.count(key)) continue;
      if (additive) st.sums[key] += lo.metrics.at(key) * scale;
      else ratio_sum[key] += lo.metrics.at(key) / static_cast<double>(plan.micro.size());
    }
    torch::NoGradGuard no_grad;
    st.entropy_sum += (cur.entropy * mask).sum().item<double>();
    st.entropy_tokens += mask.sum().item<double>();
    st.tokens += tensors[k].tokens.size(0) * tensors[k].tokens.size(1);
    st.micro_batches += 1;
  }
  for (const auto& [key, v] : ratio_sum) st.sums[key] += v;
  return !plan.micro.empty();
}

// The global-mode normalisers of one optimizer step: over its rows on all ranks.
NormaliserReducer GlobalNormalisers(const PolicyUpdater& u, const StepInputs& in, const OptimStepPlan& plan) {
  std::vector<int> idx;
  for (const auto& m : plan.micro) idx.insert(idx.end(), m.begin(), m.end());
  std::vector<double> g(in.preset->terms.size() + 1, 0.0);
  if (!idx.empty()) g = LossNormalisers(in.preset->terms, in.preset->opts, MetaBatch(*in.rows, idx));
  if (u.dist->distributed()) g = u.dist->AllReduceSum(g);
  const bool needed = u.dist->distributed() || plan.micro.size() > 1;
  if (!needed) return NormaliserReducer();  // one micro-batch, one process: the plain loss
  return [g](const std::vector<double>&) { return g; };
}

// Sums the step's gradients over ranks, clips them to actor.grad_clip by their global
// L2 norm (torch::nn::utils::clip_grad_norm_'s rule: × grad_clip / (norm + 1e-6) when
// that is < 1) and returns the pre-clip norm. A ZeRO optimizer (train/dist/zero.h)
// keeps only this rank's float32 gradient slices and takes the norm from them; torch's
// AdamW gets whole all-reduced gradients.
double ReduceAndClip(const PolicyUpdater& u, const TrainConfig& cfg) {
  if (dist::ShardedAdamW* zero = dist::ZeroOptimizerOf(*u.optimizer)) {
    const double norm = zero->ReduceGradients();
    const double coef = cfg.actor.grad_clip / (norm + 1e-6);
    if (std::isfinite(norm) && coef < 1) zero->ScaleGradients(coef);
    return norm;
  }
  std::vector<at::Tensor> params = (*u.model)->parameters();
  if (u.dist->distributed()) u.dist->AllReduceGradients(params, dist::GradReduction::kSum);
  return torch::nn::utils::clip_grad_norm_(params, cfg.actor.grad_clip);
}

// Clip and step (or skip) after the gradients of one optimizer step are in.
void ApplyStep(const PolicyUpdater& u, const TrainConfig& cfg, int step, UpdateStats& st) {
  const double norm = ReduceAndClip(u, cfg);
  const bool skip = !std::isfinite(norm) || norm > cfg.actor.max_grad_norm;
  if (skip) {
    if (dist::ShardedAdamW* zero = dist::ZeroOptimizerOf(*u.optimizer)) zero->DropGradients();
    u.optimizer->zero_grad();
    st.skipped += 1;
    if (u.dist->is_main())
      LogWarn("step {}: skipped an update (grad norm {:.4g} > actor.max_grad_norm {})", step + 1, norm,
              cfg.actor.max_grad_norm);
  } else {
    u.optimizer->step();
  }
  st.updates += 1;
  st.grad_norm_sum += std::isfinite(norm) ? norm : 0.0;
}

}  // namespace

MicroBatchOptions MicroBatchOptionsOf(const TrainConfig& cfg) {
  MicroBatchOptions o;
  o.rows = cfg.actor.ppo_micro_batch_size_per_gpu;
  o.dynamic = cfg.actor.use_dynamic_bsz;
  o.max_tokens = cfg.actor.ppo_max_token_len_per_gpu;
  return o;
}

std::vector<OptimStepPlan> PlanGlobalSteps(const std::vector<StepRow>& rows, int num_questions,
                                           int questions_per_step, const MicroBatchOptions& micro) {
  std::vector<OptimStepPlan> steps;
  for (int q0 = 0; q0 < num_questions; q0 += questions_per_step) {
    std::vector<int> idx;
    for (int i = 0; i < static_cast<int>(rows.size()); ++i)
      if (rows[i].question >= q0 && rows[i].question < q0 + questions_per_step) idx.push_back(i);
    OptimStepPlan s;
    for (const auto& part : PlanMicroBatches(RowLengths(rows, idx), micro)) {
      std::vector<int> m;
      for (int p : part) m.push_back(idx[p]);
      s.micro.push_back(std::move(m));
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

std::vector<OptimStepPlan> PlanUpstreamSteps(const std::vector<StepRow>& rows, const UpstreamLayoutOptions& o,
                                             int rank, int ranks) {
  const UpstreamLayout layout = PlanUpstreamLayout(RowLengths(rows, AllIndices(rows.size())), o);
  std::vector<OptimStepPlan> steps;
  for (const auto& per_rank : layout) {
    OptimStepPlan s;
    for (size_t v = 0; v < per_rank.size(); ++v) {
      for (const auto& m : per_rank[v]) {
        for (int i : m) s.response_width = std::max<int64_t>(s.response_width, rows[i].response.size());
        if (static_cast<int>(v) % ranks == rank) s.micro.push_back(m);
      }
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

UpdateStats UpdatePolicy(const PolicyUpdater& u, const TrainConfig& cfg, const Preset& preset,
                         const std::vector<StepRow>& local_rows, int num_questions, int step) {
  dist::DistContext& d = *u.dist;
  const bool upstream = cfg.actor.loss_norm == "upstream" && preset.settings.layout != BatchLayout::kDemos;
  StepInputs in{&cfg, &preset, nullptr, {}, upstream, 1};
  const std::vector<StepRow> rows = in.upstream ? GatherRows(d, local_rows) : local_rows;
  in.rows = &rows;
  std::vector<OptimStepPlan> plan;
  if (in.upstream) {
    in.world = cfg.actor.virtual_world_size;
    const int rows_per_question = cfg.rollout.n;
    plan = PlanUpstreamSteps(rows, {in.world, cfg.actor.ppo_mini_batch_size * rows_per_question, MicroBatchOptionsOf(cfg)},
                             d.rank(), d.world_size());
  } else {
    plan = PlanGlobalSteps(rows, num_questions, cfg.actor.ppo_mini_batch_size, MicroBatchOptionsOf(cfg));
    std::vector<std::int64_t> widths;
    for (auto& s : plan) {
      for (const auto& m : s.micro)
        for (int i : m) s.response_width = std::max<int64_t>(s.response_width, rows[i].response.size());
      widths.push_back(s.response_width);
    }
    if (d.distributed()) {  // widest response of each mini-batch over all ranks
      const std::vector<std::int64_t> all = d.AllGather(widths);
      for (size_t i = 0; i < all.size(); ++i) plan[i % plan.size()].response_width = std::max(plan[i % plan.size()].response_width, all[i]);
    }
  }
  in.adv = GroupAdvantagesOf(preset, rows);
  // Tensors and π_old of every micro-batch, before any update (with one
  // optimizer step and one epoch π_old is the first forward itself, detached).
  std::vector<std::vector<RowTensors>> tensors(plan.size());
  std::vector<std::vector<at::Tensor>> old(plan.size());
  const bool many = plan.size() > 1 || cfg.actor.ppo_epochs > 1;
  for (size_t s = 0; s < plan.size(); ++s)
    for (const auto& m : plan[s].micro) {
      tensors[s].push_back(BuildRowTensors(rows, m, u.pad_id));
      old[s].push_back(at::Tensor());
      if (!many) continue;
      torch::NoGradGuard no_grad;
      old[s].back() = ResponseLogProbs(*u.model, tensors[s].back(), cfg.rollout.sampling.temperature, false).logp;
    }
  UpdateStats st;
  int local_updates = 0;
  for (int epoch = 0; epoch < cfg.actor.ppo_epochs; ++epoch)
    for (size_t s = 0; s < plan.size(); ++s) {
      if (plan[s].micro.empty() && !d.distributed()) continue;  // nothing to train (ranks keep the collectives)
      const NormaliserReducer to_global = in.upstream ? NormaliserReducer() : GlobalNormalisers(u, in, plan[s]);
      u.optimizer->zero_grad();
      local_updates += AccumulateStep(u, in, plan[s], tensors[s], old[s], to_global, st) ? 1 : 0;
      ApplyStep(u, cfg, step, st);
    }
  if (d.distributed()) ReduceUpdateStats(d, preset, local_updates, st);
  return st;
}

}  // namespace upt::train
