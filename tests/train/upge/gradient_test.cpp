// Per-token gradients of every preset against the closed forms of hpt_spec
// §1.4 (autograd vs formulas computed with loops), and against central finite
// differences in double precision.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "train/upge/presets.h"
#include "tests/train/upge/upge_test_util.h"

namespace upt::train {
namespace {

using testing::HandBatch;
using testing::MakeHandBatch;
using testing::RefAdvantages;
using testing::ToBatch;
using Grad = std::vector<std::vector<double>>;  // ragged like HandBatch::logp

Grad Autograd(const Preset& p, const HandBatch& h) {
  RolloutBatch b = ToBatch(h);
  auto out = PresetLoss(p, b);
  auto g = torch::autograd::grad({out.loss}, {b.logp})[0];
  Grad res(h.rows());
  for (size_t r = 0; r < h.rows(); ++r)
    for (size_t t = 0; t < h.logp[r].size(); ++t) res[r].push_back(g[r][t].item<double>());
  // Padding must receive no gradient.
  for (size_t r = 0; r < h.rows(); ++r)
    for (int64_t t = h.logp[r].size(); t < h.T; ++t) EXPECT_EQ(g[r][t].item<double>(), 0.0) << p.settings.name;
  return res;
}

void ExpectGradEq(const Grad& got, const Grad& want, const std::string& what, double tol = 1e-10) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t r = 0; r < got.size(); ++r)
    for (size_t t = 0; t < got[r].size(); ++t)
      EXPECT_NEAR(got[r][t], want[r][t], tol * std::max(1.0, std::abs(want[r][t])))
          << what << " row " << r << " token " << t;
}

// Expected ∂loss/∂logp from a per-token closed form (0 where it returns nothing).
Grad Closed(const HandBatch& h, const std::function<double(size_t, size_t)>& f) {
  Grad g(h.rows());
  for (size_t r = 0; r < h.rows(); ++r)
    for (size_t t = 0; t < h.logp[r].size(); ++t) g[r].push_back(f(r, t));
  return g;
}

size_t Tokens(const HandBatch& h, const std::function<bool(size_t)>& row) {
  size_t n = 0;
  for (size_t r = 0; r < h.rows(); ++r)
    if (row(r)) n += h.logp[r].size();
  return n;
}
size_t Rows(const HandBatch& h, const std::function<bool(size_t)>& row) {
  size_t n = 0;
  for (size_t r = 0; r < h.rows(); ++r) n += row(r) ? 1 : 0;
  return n;
}

bool PpoKeep(double A, double rho, double lo, double hi) {
  return !((A > 0 && rho > 1 + hi) || (A < 0 && rho < 1 - lo));
}

// LUFFY off-policy token: ∂(-Â·p/(p+γ))/∂log p = -Â·γ·p/(p+γ)².
double OffGrad(double A, double p, double gamma) { return -A * gamma * p / ((p + gamma) * (p + gamma)); }

const Preset& P(const std::string& name) { return PresetRegistry().Get(name); }

class PresetGradientTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::set_num_threads(1); }
  HandBatch h = MakeHandBatch();
  double L = 6;
  std::function<bool(size_t)> on = [this](size_t r) { return !h.demo[r]; };
  std::function<bool(size_t)> demo = [this](size_t r) { return static_cast<bool>(h.demo[r]); };
};

TEST_F(PresetGradientTest, SftIsMinusOneOverRowsTimesRowLength) {
  // LUFFY/OpenRLHF per-sample token-mean: each demonstration weighs 1/rows.
  const double B = Rows(h, [](size_t) { return true; });
  ExpectGradEq(Autograd(P("sft"), h),
               Closed(h, [&](size_t r, size_t) { return -1.0 / (B * static_cast<double>(h.logp[r].size())); }), "sft");
}

TEST_F(PresetGradientTest, GrpoCodeIsUnclippedMinusAdvTimesRatioOverLmax) {
  auto A = RefAdvantages(h, /*split=*/true, /*std=*/false);
  ExpectGradEq(Autograd(P("grpo"), h),
               Closed(h, [&](size_t r, size_t t) { return on(r) ? -A[r] * h.ratio(r, t) / L : 0.0; }), "grpo");
}

TEST_F(PresetGradientTest, GrpoPaperIsZeroOnClippedTokens) {
  auto A = RefAdvantages(h, true, /*std=*/true);
  const double n = Rows(h, on);
  int clipped = 0;
  auto want = Closed(h, [&](size_t r, size_t t) {
    if (!on(r)) return 0.0;
    bool keep = PpoKeep(A[r], h.ratio(r, t), 0.2, 0.2);
    clipped += keep ? 0 : 1;
    return keep ? -A[r] * h.ratio(r, t) / n : 0.0;
  });
  EXPECT_GT(clipped, 0) << "the hand batch must exercise the clip";
  ExpectGradEq(Autograd(P("grpo_paper"), h), want, "grpo_paper");
}

TEST_F(PresetGradientTest, GrpoClipAndDrGrpo) {
  auto A = RefAdvantages(h, true, false);
  const double n = Rows(h, on);
  auto clip = [&](size_t r, size_t t) {
    return on(r) && PpoKeep(A[r], h.ratio(r, t), 0.2, 0.2) ? -A[r] * h.ratio(r, t) / L : 0.0;
  };
  ExpectGradEq(Autograd(P("grpo_clip"), h), Closed(h, clip), "grpo_clip");
  ExpectGradEq(Autograd(P("dr_grpo"), h), Closed(h, [&](size_t r, size_t t) { return clip(r, t) / n; }), "dr_grpo");
}

TEST_F(PresetGradientTest, GspoUsesTheSequenceRatio) {
  auto A = RefAdvantages(h, true, true);
  const double n = Rows(h, on);
  ExpectGradEq(Autograd(P("gspo"), h), Closed(h, [&](size_t r, size_t t) {
                 if (!on(r)) return 0.0;
                 double lr = 0;
                 for (size_t k = 0; k < h.logp[r].size(); ++k) lr += std::log(h.ratio(r, k));
                 const double tau = h.logp[r].size();
                 const double s = std::exp(lr / tau);
                 return PpoKeep(A[r], s, 3e-4, 4e-4) ? -A[r] * s / tau / n : 0.0;
               }), "gspo");
}

TEST_F(PresetGradientTest, CispoWeightsByClippedRatio) {
  auto A = RefAdvantages(h, true, true);
  const double N = Tokens(h, on);
  ExpectGradEq(Autograd(P("cispo"), h), Closed(h, [&](size_t r, size_t t) {
                 return on(r) ? -A[r] * std::min(h.ratio(r, t), 1.28) / N : 0.0;
               }), "cispo");
}

TEST_F(PresetGradientTest, ReinforceIsPlusMinusOnePerSequenceMean) {
  const double n = Rows(h, on);
  ExpectGradEq(Autograd(P("reinforce"), h), Closed(h, [&](size_t r, size_t) {
                 return on(r) ? -(h.reward[r] > 0 ? 1.0 : -1.0) / h.logp[r].size() / n : 0.0;
               }), "reinforce");
}

TEST_F(PresetGradientTest, LuffyOffPolicyIsShapedAndMixedGroup) {
  auto A = RefAdvantages(h, /*split=*/false, false);
  ExpectGradEq(Autograd(P("luffy"), h), Closed(h, [&](size_t r, size_t t) {
                 return on(r) ? -A[r] * h.ratio(r, t) / L : OffGrad(A[r], h.p(r, t), 0.1) / L;
               }), "luffy");
}

TEST_F(PresetGradientTest, SrftOnPolicyIsMinusW) {
  auto A = RefAdvantages(h, false, false);
  const double Nd = Tokens(h, demo);
  ExpectGradEq(Autograd(P("srft"), h), Closed(h, [&](size_t r, size_t t) {
                 const double H = h.mean_entropy(r);
                 if (on(r)) {
                   const double w = h.reward[r] > 0.5 ? 0.1 * std::exp(H) : -1.0;
                   return -w / L;
                 }
                 return -0.5 * std::exp(-H) / Nd + OffGrad(A[r], h.p(r, t), 0.1) / L;
               }), "srft");
}

// HPT terms: GRPO on rollouts; SFT (pooled token-mean × coef) on demo rows with
// the SFT bit; LUFFY off-policy on rows with the off bit (singleton A = R).
Grad HptClosed(const HandBatch& h, double coef, bool paper) {
  auto A = RefAdvantages(h, true, paper);
  double Nsft = 0, n_on = 0;
  for (size_t r = 0; r < h.rows(); ++r) {
    if (h.demo[r] && (h.demo_loss[r] & 1)) Nsft += h.logp[r].size();
    if (!h.demo[r]) n_on += 1;
  }
  return Closed(h, [&](size_t r, size_t t) {
    if (!h.demo[r]) {
      if (!paper) return -A[r] * h.ratio(r, t) / 6.0;
      return PpoKeep(A[r], h.ratio(r, t), 0.2, 0.2) ? -A[r] * h.ratio(r, t) / n_on : 0.0;
    }
    double g = 0;
    if (h.demo_loss[r] & 1) g += -coef / Nsft;
    if (h.demo_loss[r] & 2) g += OffGrad(A[r], h.p(r, t), 0.1) / 6.0;
    return g;
  });
}

TEST_F(PresetGradientTest, HptFamily) {
  for (const char* name : {"hpt", "hpt_llama", "hpt_gate1", "hpt_gate2", "hpt_offline_off", "hpt_offline_mix"})
    ExpectGradEq(Autograd(P(name), h), HptClosed(h, 1.0, false), name);
  ExpectGradEq(Autograd(P("hpt_1p5b"), h), HptClosed(h, 0.3, false), "hpt_1p5b");
  ExpectGradEq(Autograd(P("hpt_paper"), h), HptClosed(h, 1.0, true), "hpt_paper");
}

// Central differences of the loss value w.r.t. each token log-prob.
Grad FiniteDifferences(const Preset& p, const HandBatch& h, double eps = 1e-6) {
  auto base = PadRows(h.logp, h.T, 0.0, true).values;
  Grad g(h.rows());
  for (size_t r = 0; r < h.rows(); ++r) {
    for (size_t t = 0; t < h.logp[r].size(); ++t) {
      auto plus = base.clone(), minus = base.clone();
      plus[r][t] += eps;
      minus[r][t] -= eps;
      double fp = PresetLoss(p, ToBatch(h, plus)).loss.item<double>();
      double fm = PresetLoss(p, ToBatch(h, minus)).loss.item<double>();
      g[r].push_back((fp - fm) / (2 * eps));
    }
  }
  return g;
}

TEST_F(PresetGradientTest, EveryPresetMatchesFiniteDifferences) {
  int checked = 0;
  for (const auto& name : PresetRegistry().Names()) {
    const Preset& p = P(name);
    // CISPO's weight sg(clip(ρ)) is a stop-gradient by definition: its gradient is
    // not the derivative of the loss value (checked against its closed form above).
    if (!p.settings.phases.empty() || name == "cispo") continue;
    ExpectGradEq(Autograd(p, h), FiniteDifferences(p, h), "finite differences " + name, 1e-6);
    ++checked;
  }
  EXPECT_GE(checked, 17);
}

TEST(UpgeLossTest, EntropyBonusGradientFlowsThroughTheWholeSoftmax) {
  torch::manual_seed(3);
  auto logits = torch::randn({2, 3, 5}, torch::kDouble).requires_grad_(true);
  auto mask = torch::tensor({{1.0, 1.0, 0.0}, {1.0, 1.0, 1.0}}, torch::kDouble);
  const double coef = 0.37;
  auto loss_of = [&](const torch::Tensor& z) {
    RolloutBatch b;
    b.logp = torch::zeros({2, 3}, torch::kDouble);
    b.old_logp = b.logp;
    b.response_mask = mask;
    b.reward = torch::zeros({2}, torch::kDouble);
    b.group_id = torch::zeros({2}, torch::kLong);
    b.is_demo = torch::zeros({2}, torch::kBool);
    b.entropy = TokenEntropy(z);
    UpgeOptions o;
    o.entropy_coeff = coef;
    return ComputeUpgeLoss({}, o, b).loss;
  };
  auto g = torch::autograd::grad({loss_of(logits)}, {logits})[0];
  // Closed form: ∂H/∂z_v = -p_v (log p_v + H); loss = -c · mean H over 5 tokens.
  auto lp = torch::log_softmax(logits.detach(), -1);
  auto H = -(lp.exp() * lp).sum(-1, true);
  auto want = coef * lp.exp() * (lp + H) / 5.0 * mask.unsqueeze(-1);
  EXPECT_TRUE(torch::allclose(g, want, 1e-10, 1e-12));
  const double eps = 1e-6;
  auto z = logits.detach();
  for (int64_t i = 0; i < z.numel(); ++i) {
    auto zp = z.clone(), zm = z.clone();
    zp.view(-1)[i] += eps;
    zm.view(-1)[i] -= eps;
    double fd = (loss_of(zp).item<double>() - loss_of(zm).item<double>()) / (2 * eps);
    EXPECT_NEAR(g.view(-1)[i].item<double>(), fd, 1e-7) << "logit " << i;
  }
}

TEST(UpgeLossTest, KlPenaltyMatchesFiniteDifferences) {
  HandBatch h = MakeHandBatch();
  for (const char* type : {"kl", "low_var_kl", "mse"}) {
    UpgeOptions o;
    o.kl_loss_coef = 0.5;
    o.kl_loss_type = type;
    auto ref = PadRows(h.old_logp, h.T, 0.0, true).values;
    auto loss_of = [&](const torch::Tensor& lp) {
      RolloutBatch b = ToBatch(h, lp);
      b.ref_logp = ref;
      return ComputeUpgeLoss({}, o, b);
    };
    auto lp = PadRows(h.logp, h.T, 0.0, true).values.requires_grad_(true);
    auto out = loss_of(lp);
    auto g = torch::autograd::grad({out.loss}, {lp})[0];
    auto base = lp.detach();
    auto plus = base.clone(), minus = base.clone();
    plus[0][1] += 1e-6;
    minus[0][1] -= 1e-6;
    double fd = (loss_of(plus).loss.item<double>() - loss_of(minus).loss.item<double>()) / 2e-6;
    EXPECT_NEAR(g[0][1].item<double>(), fd, 1e-7) << type;
    EXPECT_NE(g[0][1].item<double>(), 0.0) << type;
    EXPECT_EQ(out.metrics.count("actor/kl_loss"), 1u);
  }
}

TEST(UpgeLossTest, PpoClipValueIsTheMinForm) {
  // One token, Â = +1 (two-row group R = 1, 0 -> A = ±0.5), ρ = 1.5 clipped to 1.2.
  auto logp = torch::tensor({{0.0}, {0.0}}, torch::kDouble).requires_grad_(true);
  auto old = torch::tensor({{-std::log(1.5)}, {-std::log(1.5)}}, torch::kDouble);
  auto b = MakeRolloutBatch(logp, old, torch::ones({2, 1}, torch::kDouble), {{1.0, 0}, {0.0, 0}}, 1);
  UpgeTerm t;
  t.mask = "ppo_clip";
  t.aggregation = "token-sum-norm";
  auto out = ComputeUpgeLoss({t}, UpgeOptions{}, b);
  // Row 0: A = +0.5, min(1.5·0.5, 1.2·0.5) -> loss -0.6; row 1: A = -0.5, ρ 1.5 unclipped -> +0.75.
  EXPECT_NEAR(out.loss.item<double>(), -0.6 + 0.75, 1e-12);
  EXPECT_NEAR(out.metrics.at("actor/pg_clipfrac"), 0.5, 1e-12);
  EXPECT_NEAR(out.metrics.at("actor/ppo_kl"), -std::log(1.5), 1e-12);
}

TEST(UpgeLossTest, DualClipBoundsNegativeAdvantageRatios) {
  auto logp = torch::tensor({{0.0}, {0.0}}, torch::kDouble).requires_grad_(true);
  auto old = torch::tensor({{-std::log(4.0)}, {-std::log(4.0)}}, torch::kDouble);
  auto b = MakeRolloutBatch(logp, old, torch::ones({2, 1}, torch::kDouble), {{1.0, 0}, {0.0, 0}}, 1);
  UpgeTerm t;
  t.mask = "dual_clip";
  auto out = ComputeUpgeLoss({t}, UpgeOptions{}, b);
  auto g = torch::autograd::grad({out.loss}, {logp})[0];
  EXPECT_EQ(g[0][0].item<double>(), 0.0);  // A>0, ρ=4 > 1.2
  EXPECT_EQ(g[1][0].item<double>(), 0.0);  // A<0, ρ=4 > c=3
  EXPECT_NEAR(out.loss.item<double>(), -0.5 * 1.2 + 0.5 * 3.0, 1e-12);
  EXPECT_NEAR(out.metrics.at("actor/pg_clipfrac_lower"), 0.5, 1e-12);
}

TEST(UpgeLossTest, PrecomputedAdvantagesGiveTheSameLossOnMicroBatches) {
  HandBatch h = MakeHandBatch();
  const Preset& p = PresetRegistry().Get("luffy");
  UpgeOptions o = p.opts;
  o.entropy_coeff = 0;  // token-sum-norm terms are additive over rows; the entropy mean is not
  RolloutBatch full = ToBatch(h);
  auto adv = ComputeTermAdvantages(p.terms, full, o);
  const double whole = ComputeUpgeLoss(p.terms, o, full).loss.item<double>();
  double with_adv = 0, self_adv = 0;
  for (auto idx : {torch::tensor({0, 1, 2}), torch::tensor({3, 4, 5, 6})}) {
    RolloutBatch mb = full;
    for (auto* t : {&mb.logp, &mb.old_logp, &mb.response_mask, &mb.reward, &mb.group_id, &mb.is_demo,
                    &mb.demo_loss, &mb.entropy})
      *t = t->index_select(0, idx);
    std::vector<at::Tensor> mb_adv;
    for (auto& a : adv) mb_adv.push_back(a.index_select(0, idx));
    with_adv += ComputeUpgeLoss(p.terms, o, mb, &mb_adv).loss.item<double>();
    self_adv += ComputeUpgeLoss(p.terms, o, mb).loss.item<double>();
  }
  EXPECT_NEAR(whole, with_adv, 1e-12);
  // Splitting q0's rollouts from its demonstration changes LUFFY's mixed group.
  EXPECT_GT(std::abs(whole - self_adv), 1e-6);
}

TEST(UpgeLossTest, AllCorrectGroupHasZeroPolicyGradientButCountsForEntropy) {
  // q0: 3 rollouts all correct (A = 0); q1: R = 1, 0. HPT keeps q0's rows (hpt_spec §4.2 item 6).
  auto logp = torch::full({5, 2}, -0.5, torch::kDouble).requires_grad_(true);
  auto old = torch::full({5, 2}, -0.7, torch::kDouble);
  auto b = MakeRolloutBatch(logp, old, torch::ones({5, 2}, torch::kDouble),
                            {{1.0, 0}, {1.0, 0}, {1.0, 0}, {1.0, 1}, {0.0, 1}}, 4);
  b.entropy = torch::full({5, 2}, 0.3, torch::kDouble).requires_grad_(true);
  const Preset& p = PresetRegistry().Get("hpt");
  auto out = PresetLoss(p, b);
  auto g = torch::autograd::grad({out.loss}, {logp, b.entropy});
  for (int r = 0; r < 3; ++r) EXPECT_EQ(g[0][r].abs().sum().item<double>(), 0.0) << "row " << r;
  EXPECT_NEAR(g[0][3][0].item<double>(), -0.5 * std::exp(0.2) / 4, 1e-12);  // -Â·ρ/L_max
  for (int r = 0; r < 5; ++r) EXPECT_NEAR(g[1][r][0].item<double>(), -p.opts.entropy_coeff / 10, 1e-15);
}

TEST(UpgeLossTest, MetricsAreNamespaced) {
  HandBatch h = MakeHandBatch();
  auto out = PresetLoss(PresetRegistry().Get("hpt"), ToBatch(h));
  for (const char* k : {"actor/pg_loss", "actor/sft_loss", "actor/on_pg_loss", "actor/off_pg_loss", "actor/entropy",
                        "actor/pg_clipfrac", "actor/pg_clipfrac_lower", "actor/ppo_kl", "hpt/offline_data_ratio"})
    EXPECT_EQ(out.metrics.count(k), 1u) << k;
  EXPECT_NEAR(out.metrics.at("hpt/offline_data_ratio"), 2.0 / 7.0, 1e-12);
  EXPECT_NEAR(out.metrics.at("actor/loss"), out.loss.item<double>(), 1e-12);
}

}  // namespace
}  // namespace upt::train
