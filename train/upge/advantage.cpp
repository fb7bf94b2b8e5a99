#include "train/upge/advantage.h"

#include <torch/torch.h>

#include <cmath>
#include <map>

#include "core/error.h"

namespace upt::train {

at::Tensor GroupAdvantages(const at::Tensor& reward, const at::Tensor& group_key, const GroupAdvantageOptions& opts) {
  UPT_CHECK(reward.dim() == 1 && group_key.sizes() == reward.sizes(), "GroupAdvantages: reward and key must be [B]");
  if (reward.numel() == 0) return reward.clone();
  auto r = reward.to(torch::kDouble);
  // Dense group index per row without hashing: stable sort, mark key changes,
  // cumulative sum, scatter back to row order.
  const int64_t B = r.size(0);
  auto sorted = group_key.to(torch::kLong).sort(/*stable=*/true, /*dim=*/0, /*descending=*/false);
  auto keys = std::get<0>(sorted);
  auto order = std::get<1>(sorted);
  auto is_new = torch::ones({B}, torch::kLong);
  if (B > 1) is_new.slice(0, 1).copy_((keys.slice(0, 1) != keys.slice(0, 0, B - 1)).to(torch::kLong));
  auto seg = is_new.cumsum(0) - 1;
  auto inv = torch::empty_like(seg).scatter_(0, order, seg);
  const int64_t G = seg[B - 1].item<int64_t>() + 1;
  auto cnt = torch::bincount(inv, {}, G).to(torch::kDouble);
  auto mean = torch::bincount(inv, r, G) / cnt;
  auto centred = r - mean.index_select(0, inv);
  auto sq = torch::bincount(inv, centred * centred, G);
  auto std = (sq / (cnt - 1).clamp_min(1)).sqrt();
  auto single = cnt == 1;
  mean = torch::where(single, torch::zeros_like(mean), mean);
  std = torch::where(single, torch::ones_like(std), std);
  auto adv = r - mean.index_select(0, inv);
  if (opts.norm_by_std) adv = adv / (std.index_select(0, inv) + opts.epsilon);
  return adv.to(reward.scalar_type());
}

std::vector<double> GroupAdvantagesLoop(const std::vector<double>& reward, const std::vector<int64_t>& group_key,
                                        const GroupAdvantageOptions& opts) {
  UPT_CHECK(reward.size() == group_key.size(), "GroupAdvantagesLoop: sizes differ");
  std::map<int64_t, std::vector<double>> groups;
  for (size_t i = 0; i < reward.size(); ++i) groups[group_key[i]].push_back(reward[i]);
  std::map<int64_t, std::pair<double, double>> stats;  // mean, std
  for (const auto& [k, rs] : groups) {
    if (rs.size() == 1) {
      stats[k] = {0.0, 1.0};
      continue;
    }
    double mean = 0;
    for (double x : rs) mean += x;
    mean /= rs.size();
    double ss = 0;
    for (double x : rs) ss += (x - mean) * (x - mean);
    stats[k] = {mean, std::sqrt(ss / (rs.size() - 1))};
  }
  std::vector<double> out(reward.size());
  for (size_t i = 0; i < reward.size(); ++i) {
    auto [mean, sd] = stats[group_key[i]];
    out[i] = reward[i] - mean;
    if (opts.norm_by_std) out[i] /= (sd + opts.epsilon);
  }
  return out;
}

at::Tensor GroupKeys(const at::Tensor& group_id, const at::Tensor& is_demo, bool split) {
  auto g = group_id.to(torch::kLong);
  if (!split) return g;
  return g * 2 + is_demo.to(torch::kLong);
}

}  // namespace upt::train
