// 5-step loss trajectories per preset on a tiny policy (a linear layer over the
// one-hot previous token), built from the preset's batch layout: deterministic
// for a seed, finite, and decreasing for SFT.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/rng.h"
#include "train/upge/hpt_route.h"
#include "train/upge/presets.h"

namespace upt::train {
namespace {

constexpr int64_t kVocab = 5, kWidth = 4, kQuestions = 2;

struct Row {
  std::vector<int64_t> tokens;
  RowMeta meta;
};

// Question 0's rollouts never contain token 0 (all wrong); question 1's even
// rollouts start with it (half right). R = 1 iff the response contains token 0.
// Demonstrations are "0 0 0".
Row Rollout(uint64_t seed, int64_t q, int i) {
  RngStream rng(seed, {static_cast<uint64_t>(q), static_cast<uint64_t>(i)});
  Row r;
  const int len = 2 + static_cast<int>(rng.Below(kWidth - 1));
  for (int t = 0; t < len; ++t) r.tokens.push_back(1 + static_cast<int64_t>(rng.Below(kVocab - 1)));
  if (q == 1 && i % 2 == 0) r.tokens[0] = 0;
  bool correct = false;
  for (auto t : r.tokens) correct |= t == 0;
  r.meta = {correct ? 1.0 : 0.0, q, false, 0};
  return r;
}
Row Demo(int64_t q, uint8_t demo_loss = kDemoLossSft) { return {{0, 0, 0}, {1.0, q, true, demo_loss}}; }

std::vector<Row> Layout(const Preset& p, uint64_t seed) {
  std::vector<Row> rows;
  if (p.settings.layout == BatchLayout::kHpt) {
    std::vector<std::vector<Row>> rollouts(kQuestions);
    std::vector<int> correct;
    for (int64_t q = 0; q < kQuestions; ++q) {
      int c = 0;
      for (int i = 0; i < p.route.n; ++i) {
        rollouts[q].push_back(Rollout(seed, q, i));
        c += rollouts[q].back().meta.reward > 0;
      }
      correct.push_back(c);
    }
    for (const auto& rr : RouteHpt(correct, p.route).rows)
      rows.push_back(rr.is_demo ? Demo(rr.question, rr.demo_loss) : rollouts[rr.question][rr.rollout]);
    return rows;
  }
  for (int64_t q = 0; q < kQuestions; ++q) {
    for (int i = 0; i < p.settings.n_rollouts; ++i) rows.push_back(Rollout(seed, q, i));
    for (int i = 0; i < p.settings.n_demos; ++i) rows.push_back(Demo(q));
  }
  return rows;
}

struct ToyData {
  torch::Tensor tokens, prev, mask;  // [B, T]
  std::vector<RowMeta> meta;
};

ToyData Tensorise(const std::vector<Row>& rows) {
  const int64_t B = rows.size();
  ToyData d;
  d.tokens = torch::zeros({B, kWidth}, torch::kLong);
  d.prev = torch::zeros({B, kWidth}, torch::kLong);
  d.mask = torch::zeros({B, kWidth});
  for (int64_t b = 0; b < B; ++b) {
    int64_t prev = kVocab - 1 - rows[b].meta.group;  // the "prompt" token
    for (size_t t = 0; t < rows[b].tokens.size(); ++t) {
      d.tokens[b][t] = rows[b].tokens[t];
      d.prev[b][t] = prev;
      d.mask[b][t] = 1.0;
      prev = rows[b].tokens[t];
    }
    d.meta.push_back(rows[b].meta);
  }
  return d;
}

// Runs `steps` AdamW updates of one preset on a fixed batch sampled at step 0
// (π_old = the initial policy), returning the loss per step.
std::vector<double> Trajectory(const std::vector<std::string>& phase_per_step, uint64_t seed,
                               std::vector<std::map<std::string, double>>* metrics = nullptr) {
  torch::manual_seed(seed);
  torch::nn::Linear policy(kVocab, kVocab);
  torch::optim::AdamW opt(policy->parameters(), torch::optim::AdamWOptions(0.05));
  std::vector<double> losses;
  std::string cur;
  ToyData d;
  torch::Tensor old_logp;
  for (const auto& name : phase_per_step) {
    const Preset& p = PresetRegistry().Get(name);
    auto forward = [&] { return policy(torch::one_hot(d.prev, kVocab).to(torch::kFloat)); };
    if (name != cur) {  // new phase: sample its batch with the current policy as π_old
      cur = name;
      d = Tensorise(Layout(p, seed));
      torch::NoGradGuard g;
      old_logp = TokenLogProbs(forward(), d.tokens);
    }
    auto logits = forward();
    RolloutBatch b = MakeRolloutBatch(TokenLogProbs(logits, d.tokens), old_logp, d.mask, d.meta);
    b.entropy = TokenEntropy(logits);
    auto out = PresetLoss(p, b);
    opt.zero_grad();
    out.loss.backward();
    opt.step();
    losses.push_back(out.loss.item<double>());
    if (metrics) metrics->push_back(out.metrics);
  }
  return losses;
}

std::vector<std::string> StepsOf(const std::string& name) {
  const Preset& p = PresetRegistry().Get(name);
  if (p.settings.phases.empty()) return std::vector<std::string>(5, name);
  return {p.settings.phases[0], p.settings.phases[0], p.settings.phases[1], p.settings.phases[1], p.settings.phases[1]};
}

TEST(PresetTrajectoryTest, FiveStepsAreDeterministicForASeed) {
  torch::set_num_threads(1);
  for (const auto& name : PresetRegistry().Names()) {
    std::vector<std::map<std::string, double>> ma, mb, mc;
    auto a = Trajectory(StepsOf(name), 11, &ma);
    auto b = Trajectory(StepsOf(name), 11, &mb);
    ASSERT_EQ(a.size(), 5u);
    EXPECT_EQ(a, b) << name;
    EXPECT_EQ(ma, mb) << name;
    for (double v : a) EXPECT_TRUE(std::isfinite(v)) << name;
    // Another seed (another initial policy) gives another trajectory. Compare the
    // entropy: GSPO's tiny ε clips every row after step 1, so its loss value only
    // depends on the advantages.
    Trajectory(StepsOf(name), 12, &mc);
    EXPECT_NE(ma.back().at("actor/entropy"), mc.back().at("actor/entropy")) << name;
  }
}

TEST(PresetTrajectoryTest, SftLossDecreasesEveryStep) {
  torch::set_num_threads(1);
  auto l = Trajectory(StepsOf("sft"), 5);
  for (size_t i = 1; i < l.size(); ++i) EXPECT_LT(l[i], l[i - 1]) << "step " << i;
}

TEST(PresetTrajectoryTest, HptRoutesTheAllWrongQuestionToOneDemo) {
  torch::set_num_threads(1);
  std::vector<std::map<std::string, double>> m;
  Trajectory(StepsOf("hpt"), 5, &m);
  // q0 all wrong -> 1 demo row; q1 two of 8 correct -> 8 rollouts (gate 0).
  EXPECT_DOUBLE_EQ(m[0].at("hpt/offline_data_ratio"), 1.0 / 9.0);
  EXPECT_GT(m[0].at("actor/sft_loss"), 0.0);
  // The SFT term decreases as the demonstration is learnt.
  EXPECT_LT(m[4].at("actor/sft_loss"), m[0].at("actor/sft_loss"));
}

}  // namespace
}  // namespace upt::train
