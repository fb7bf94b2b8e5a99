#include "train/upge/batch.h"

#include <torch/torch.h>

#include "core/error.h"
#include "core/strings.h"
#include "train/upge/hpt_route.h"

namespace upt::train {

int64_t RolloutBatch::rows() const { return logp.defined() ? logp.size(0) : 0; }
int64_t RolloutBatch::width() const { return logp.defined() ? logp.size(1) : 0; }

static void CheckShape(const at::Tensor& t, const char* field, at::IntArrayRef shape, bool required) {
  if (!t.defined()) {
    if (required) throw Error("missing tensor", std::string("rollout batch: field '") + field + "'");
    return;
  }
  if (t.sizes() != shape)
    throw Error("shape " + c10::str(t.sizes()) + ", expected " + c10::str(shape),
                std::string("rollout batch: field '") + field + "'");
}

void ValidateBatch(const RolloutBatch& b) {
  if (!b.logp.defined() || b.logp.dim() != 2)
    throw Error("logp must be a [B, T] tensor", "rollout batch: field 'logp'");
  if (!b.logp.is_floating_point()) throw Error("logp must be floating point", "rollout batch: field 'logp'");
  const int64_t B = b.rows(), T = b.width();
  CheckShape(b.old_logp, "old_logp", {B, T}, true);
  CheckShape(b.response_mask, "response_mask", {B, T}, true);
  CheckShape(b.ref_logp, "ref_logp", {B, T}, false);
  CheckShape(b.entropy, "entropy", {B, T}, false);
  CheckShape(b.reward, "reward", {B}, true);
  CheckShape(b.group_id, "group_id", {B}, true);
  CheckShape(b.is_demo, "is_demo", {B}, true);
  CheckShape(b.demo_loss, "demo_loss", {B}, false);
  if (b.L_max != 0 && b.L_max < T)
    throw Error("L_max " + std::to_string(b.L_max) + " < response width " + std::to_string(T),
                "rollout batch: field 'L_max'", "L_max is the padded response width (e.g. 8192)");
}

at::Tensor TokenEntropy(const at::Tensor& logits) {
  auto logp = torch::log_softmax(logits, -1);
  return -(logp.exp() * logp).sum(-1);
}

at::Tensor TokenLogProbs(const at::Tensor& logits, const at::Tensor& tokens) {
  return torch::log_softmax(logits, -1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1);
}

Padded PadRows(const std::vector<std::vector<double>>& rows, int64_t width, double pad, bool double_precision) {
  int64_t longest = 0;
  for (const auto& r : rows) longest = std::max<int64_t>(longest, static_cast<int64_t>(r.size()));
  if (width == 0) width = longest;
  UPT_CHECK(width >= longest, "PadRows: a row is longer than width");
  const int64_t B = static_cast<int64_t>(rows.size());
  auto values = torch::full({B, width}, pad, torch::kDouble);
  auto mask = torch::zeros({B, width}, torch::kDouble);
  auto v = values.accessor<double, 2>();
  auto m = mask.accessor<double, 2>();
  for (int64_t i = 0; i < B; ++i) {
    for (size_t t = 0; t < rows[i].size(); ++t) {
      v[i][t] = rows[i][t];
      m[i][t] = 1.0;
    }
  }
  auto dtype = double_precision ? torch::kDouble : torch::kFloat;
  return {values.to(dtype), mask.to(dtype)};
}

RolloutBatch MakeRolloutBatch(at::Tensor logp, at::Tensor old_logp, at::Tensor mask, const std::vector<RowMeta>& rows,
                              int64_t L_max) {
  const int64_t B = static_cast<int64_t>(rows.size());
  std::vector<double> reward(B);
  std::vector<int64_t> group(B);
  std::vector<uint8_t> demo(B), demo_loss(B);
  for (int64_t i = 0; i < B; ++i) {
    reward[i] = rows[i].reward;
    group[i] = rows[i].group;
    demo[i] = rows[i].is_demo ? 1 : 0;
    demo_loss[i] = rows[i].demo_loss;
  }
  RolloutBatch b;
  b.logp = std::move(logp);
  b.old_logp = std::move(old_logp);
  b.response_mask = std::move(mask);
  auto dtype = b.logp.scalar_type();
  b.reward = torch::tensor(reward, torch::kDouble).to(dtype);
  b.group_id = torch::tensor(group, torch::kLong);
  b.is_demo = torch::tensor(std::vector<int64_t>(demo.begin(), demo.end()), torch::kLong).to(torch::kBool);
  b.demo_loss = torch::tensor(std::vector<int64_t>(demo_loss.begin(), demo_loss.end()), torch::kLong).to(torch::kUInt8);
  b.L_max = L_max;
  ValidateBatch(b);
  return b;
}

static at::Tensor DemoLossBits(const RolloutBatch& b) {
  if (b.demo_loss.defined()) return b.demo_loss.to(torch::kLong);
  return torch::full({b.rows()}, static_cast<int64_t>(kDemoLossSft), torch::kLong);
}

at::Tensor SelectRows(const RolloutBatch& b, RowSelector selector) {
  auto demo = b.is_demo.to(torch::kBool);
  switch (selector) {
    case RowSelector::kAll: return torch::ones_like(demo);
    case RowSelector::kOn: return demo.logical_not();
    case RowSelector::kDemo: return demo;
    case RowSelector::kDemoSft: return demo & (DemoLossBits(b).bitwise_and(kDemoLossSft) != 0);
    case RowSelector::kDemoOff: return demo & (DemoLossBits(b).bitwise_and(kDemoLossOff) != 0);
  }
  throw Error(std::string("row selector without rows: ") + RowSelectorName(selector), "upge term: field 'rows'");
}

}  // namespace upt::train
