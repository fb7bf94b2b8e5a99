#include "train/upge/loss.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "core/strings.h"

namespace upt::train {
namespace {

void CheckName(bool ok, const std::string& kind, const std::string& name, const std::vector<std::string>& valid,
               const std::string& field) {
  if (!ok) throw Error(UnknownNameMessage(kind, name, valid), "upge term: field '" + field + "'");
}

// Shared per-batch inputs of all terms (detached ratios, float mask).
struct BatchCtx {
  at::Tensor mask;       // [B, T] logp dtype
  at::Tensor ratio;      // [B, T] detached
  at::Tensor seq_ratio;  // [B] detached
};

BatchCtx MakeCtx(const RolloutBatch& b) {
  BatchCtx c;
  c.mask = b.response_mask.to(b.logp.scalar_type());
  auto log_ratio = (b.logp.detach() - b.old_logp.detach());
  c.ratio = log_ratio.exp();
  c.seq_ratio = ((log_ratio * c.mask).sum(1) / c.mask.sum(1).clamp_min(1)).exp();
  return c;
}

PartInput MakeInput(const RolloutBatch& b, const UpgeOptions& opts, const BatchCtx& c, const UpgeTerm& term) {
  PartInput in;
  in.batch = &b;
  in.opts = &opts;
  in.ratio = c.ratio;
  in.seq_ratio = c.seq_ratio;
  in.token_mask = c.mask * SelectRows(b, term.rows).to(c.mask.scalar_type()).unsqueeze(1);
  return in;
}

// Token-mean of x over the mask; 0 when the mask is empty.
double MaskedMean(const at::Tensor& x, const at::Tensor& m) {
  return ((x * m).sum() / m.sum().clamp_min(1e-8)).item<double>();
}

at::Tensor KlPenalty(const at::Tensor& logp, const at::Tensor& ref, const std::string& type) {
  auto d = logp - ref;  // log π_θ - log π_ref
  if (type == "kl") return d;
  if (type == "abs") return d.abs();
  if (type == "mse") return 0.5 * d * d;
  if (type == "low_var_kl") {  // k3 estimator (Schulman 2020), clamped as in verl
    auto r = ref - logp;
    return (r.exp() - r - 1).clamp(-10, 10);
  }
  throw Error(UnknownNameMessage("kl loss type", type, {"abs", "kl", "low_var_kl", "mse"}),
              "upge options: field 'kl_loss_type'");
}

// An aggregation's normaliser `v` after its clamp (token-mean: Σ mask >= 1e-8;
// seq-mean-*: rows >= 1); token-sum-norm divides by L_max only: 1.
double ClampedNormaliser(const std::string& aggregation, double v) {
  if (aggregation == "token-sum-norm") return 1.0;
  return aggregation == "token-mean" ? std::max(v, 1e-8) : std::max(v, 1.0);
}

double LocalNormaliser(const std::string& aggregation, const at::Tensor& token_mask) {
  if (aggregation == "token-sum-norm") return 0.0;
  return aggregation == "token-mean" ? token_mask.sum().item<double>()
                                     : (token_mask.sum(1) > 0).sum().item<double>();
}

std::vector<double> Normalisers(const std::vector<UpgeTerm>& terms, const RolloutBatch& b, const UpgeOptions& opts,
                                const BatchCtx& c) {
  torch::NoGradGuard no_grad;
  std::vector<double> local;
  for (const auto& t : terms) local.push_back(LocalNormaliser(t.aggregation, MakeInput(b, opts, c, t).token_mask));
  local.push_back(c.mask.sum().item<double>());
  return local;
}

// local/global rescaling factors, one per term plus one for entropy/KL; all 1 without a reducer.
std::vector<double> NormaliserScales(const std::vector<UpgeTerm>& terms, const RolloutBatch& b, const UpgeOptions& opts,
                                     const BatchCtx& c, const NormaliserReducer& to_global) {
  std::vector<double> scale(terms.size() + 1, 1.0);
  if (!to_global) return scale;
  const std::vector<double> local = Normalisers(terms, b, opts, c);
  std::vector<double> global = to_global(local);
  if (global.size() != local.size())
    throw Error("loss normaliser reducer returned " + std::to_string(global.size()) + " values for " +
                std::to_string(local.size()), "ComputeUpgeLoss: 'to_global'");
  for (size_t i = 0; i < terms.size(); ++i)
    scale[i] = ClampedNormaliser(terms[i].aggregation, local[i]) / ClampedNormaliser(terms[i].aggregation, global[i]);
  scale.back() = std::max(local.back(), 1e-8) / std::max(global.back(), 1e-8);
  return scale;
}

}  // namespace

void ValidateTerms(const std::vector<UpgeTerm>& terms) {
  for (const auto& t : terms) {
    CheckName(MaskRegistry().Has(t.mask), "stabilization mask", t.mask, MaskRegistry().Names(), "mask");
    CheckName(DenominatorRegistry().Has(t.denominator), "reference-policy denominator", t.denominator,
              DenominatorRegistry().Names(), "denominator");
    CheckName(AdvantageRegistry().Has(t.advantage), "advantage estimate", t.advantage, AdvantageRegistry().Names(),
              "advantage");
    CheckName(LikelihoodRegistry().Has(t.likelihood), "likelihood gradient", t.likelihood,
              LikelihoodRegistry().Names(), "likelihood");
    CheckName(AggregationRegistry().Has(t.aggregation), "loss aggregation", t.aggregation,
              AggregationRegistry().Names(), "aggregation");
  }
}

std::vector<at::Tensor> ComputeTermAdvantages(const std::vector<UpgeTerm>& terms, const RolloutBatch& b,
                                              const UpgeOptions& opts) {
  ValidateBatch(b);
  ValidateTerms(terms);
  torch::NoGradGuard no_grad;
  BatchCtx c = MakeCtx(b);
  std::vector<at::Tensor> out;
  for (const auto& t : terms) out.push_back(AdvantageRegistry().Get(t.advantage)(MakeInput(b, opts, c, t)).detach());
  return out;
}

std::vector<double> LossNormalisers(const std::vector<UpgeTerm>& terms, const UpgeOptions& opts,
                                    const RolloutBatch& b) {
  ValidateBatch(b);
  return Normalisers(terms, b, opts, MakeCtx(b));
}

at::Tensor ComputeAdvantages(const RolloutBatch& b, const std::string& advantage, const UpgeOptions& opts) {
  UpgeTerm t;
  t.rows = RowSelector::kAll;
  t.advantage = advantage;
  return ComputeTermAdvantages({t}, b, opts)[0];
}

LossOutput ComputeUpgeLoss(const std::vector<UpgeTerm>& terms, const UpgeOptions& opts, const RolloutBatch& b,
                           const std::vector<at::Tensor>* advantages) {
  return ComputeUpgeLoss(terms, opts, b, advantages, NormaliserReducer());
}

LossOutput ComputeUpgeLoss(const std::vector<UpgeTerm>& terms, const UpgeOptions& opts, const RolloutBatch& b,
                           const std::vector<at::Tensor>* advantages, const NormaliserReducer& to_global) {
  ValidateBatch(b);
  ValidateTerms(terms);
  if (advantages && advantages->size() != terms.size())
    throw Error("got " + std::to_string(advantages->size()) + " advantage tensors for " +
                std::to_string(terms.size()) + " terms", "ComputeUpgeLoss: 'advantages'");
  BatchCtx c = MakeCtx(b);
  const std::vector<double> scale = NormaliserScales(terms, b, opts, c, to_global);
  const bool rescale = static_cast<bool>(to_global);
  const int64_t L_max = b.l_max();
  LossOutput out;
  auto& met = out.metrics;
  at::Tensor total = torch::zeros({}, b.logp.options().requires_grad(false));
  double clip_n = 0, clip_lower_n = 0, clip_den = 0, pg = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    const UpgeTerm& t = terms[i];
    PartInput in = MakeInput(b, opts, c, t);
    at::Tensor adv;
    if (advantages && (*advantages)[i].defined()) adv = (*advantages)[i].to(b.logp.scalar_type()).detach();
    else {
      torch::NoGradGuard no_grad;
      adv = AdvantageRegistry().Get(t.advantage)(in).detach();
    }
    in.adv = adv.unsqueeze(1).expand_as(c.ratio);
    MaskOut m = MaskRegistry().Get(t.mask)(in);
    at::Tensor W = DenominatorRegistry().Get(t.denominator)(LikelihoodRegistry().Get(t.likelihood)(in), in);
    at::Tensor tok = m.keep.detach() * W;
    if (m.value.defined()) tok = tok + ((1 - m.keep) * m.value).detach();
    at::Tensor loss_mat = -in.adv * tok;
    at::Tensor term_loss = AggregationRegistry().Get(t.aggregation)(loss_mat, in.token_mask, L_max);
    if (rescale) term_loss = term_loss * scale[i];
    total = total + t.coef * term_loss;
    const double v = term_loss.item<double>();
    met[t.metric] += v;
    if (t.metric != "actor/sft_loss") pg += t.coef * v;
    if (t.mask != "none") {
      double den = in.token_mask.sum().item<double>();
      clip_den += den;
      if (m.clipped.defined()) clip_n += (m.clipped.to(c.mask.scalar_type()) * in.token_mask).sum().item<double>();
      if (m.clipped_lower.defined())
        clip_lower_n += (m.clipped_lower.to(c.mask.scalar_type()) * in.token_mask).sum().item<double>();
    }
  }
  met["actor/pg_loss"] = pg;
  met["actor/pg_clipfrac"] = clip_den > 0 ? clip_n / clip_den : 0.0;
  met["actor/pg_clipfrac_lower"] = clip_den > 0 ? clip_lower_n / clip_den : 0.0;
  auto on_mask = c.mask * b.is_demo.to(torch::kBool).logical_not().to(c.mask.scalar_type()).unsqueeze(1);
  met["actor/ppo_kl"] = MaskedMean(b.old_logp.detach() - b.logp.detach(), on_mask);
  const int64_t B = b.rows();
  met["hpt/offline_data_ratio"] = B > 0 ? b.is_demo.to(torch::kDouble).sum().item<double>() / B : 0.0;
  if (b.entropy.defined()) {
    auto ent = (b.entropy * c.mask).sum() / c.mask.sum().clamp_min(1e-8);
    if (rescale) ent = ent * scale.back();
    met["actor/entropy"] = ent.item<double>();
    if (opts.entropy_coeff != 0) total = total - opts.entropy_coeff * ent;
  } else if (opts.entropy_coeff != 0) {
    throw Error("entropy_coeff is set but the batch has no entropy", "rollout batch: field 'entropy'",
                "fill batch.entropy with TokenEntropy(logits), or set entropy_coeff=0");
  }
  if (opts.kl_loss_coef != 0) {
    if (!b.ref_logp.defined())
      throw Error("kl_loss_coef is set but the batch has no ref_logp", "rollout batch: field 'ref_logp'",
                  "compute reference log-probs, or set kl_loss_coef=0");
    auto kl = KlPenalty(b.logp, b.ref_logp.detach(), opts.kl_loss_type);
    auto kl_loss = (kl * c.mask).sum() / c.mask.sum().clamp_min(1e-8);
    if (rescale) kl_loss = kl_loss * scale.back();
    met["actor/kl_loss"] = kl_loss.item<double>();
    met["actor/kl_coef"] = opts.kl_loss_coef;
    total = total + opts.kl_loss_coef * kl_loss;
  }
  met["actor/loss"] = total.item<double>();
  out.loss = total;
  return out;
}

}  // namespace upt::train
