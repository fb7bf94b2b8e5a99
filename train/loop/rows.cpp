#include "train/loop/rows.h"

#include <torch/torch.h>

#include "lm/model/token_logprobs.h"

namespace upt::train {

RowTensors BuildRowTensors(const std::vector<StepRow>& rows, const std::vector<int>& index, int32_t pad_id) {
  std::vector<int> idx = index;
  if (idx.empty())
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) idx.push_back(i);
  RowTensors t;
  for (int i : idx) {
    t.prompt_width = std::max<int64_t>(t.prompt_width, rows[i].prompt.size());
    t.response_width = std::max<int64_t>(t.response_width, rows[i].response.size());
  }
  const int64_t B = idx.size(), P = t.prompt_width, R = t.response_width;
  t.tokens = torch::full({B, P + R}, static_cast<int64_t>(std::max(pad_id, 0)), torch::kInt64);
  t.attention = torch::zeros({B, P + R}, torch::kInt64);
  t.response_mask = torch::zeros({B, R}, torch::kFloat32);
  auto tok = t.tokens.accessor<int64_t, 2>();
  auto att = t.attention.accessor<int64_t, 2>();
  auto rm = t.response_mask.accessor<float, 2>();
  for (int64_t b = 0; b < B; ++b) {
    const StepRow& r = rows[idx[b]];
    const int64_t off = P - static_cast<int64_t>(r.prompt.size());
    for (size_t j = 0; j < r.prompt.size(); ++j) {
      tok[b][off + j] = r.prompt[j];
      att[b][off + j] = 1;
    }
    for (size_t j = 0; j < r.response.size(); ++j) {
      tok[b][P + j] = r.response[j];
      att[b][P + j] = 1;
      rm[b][j] = 1.f;
    }
  }
  return t;
}

ResponseStats ResponseLogProbs(lm::Qwen2ForCausalLM& model, const RowTensors& t, double temperature,
                               bool with_entropy) {
  const auto device = model->device();
  lm::TokenStats s = lm::TokenLogProbs(model, t.tokens.to(device), t.attention.to(device),
                                       temperature > 0 ? temperature : 1.0, with_entropy);
  // Position p of the [B, T-1] output predicts token p+1: the response starts at P.
  ResponseStats out;
  out.logp = s.logprobs.narrow(1, t.prompt_width - 1, t.response_width);
  if (with_entropy) out.entropy = s.entropy.narrow(1, t.prompt_width - 1, t.response_width);
  return out;
}

}  // namespace upt::train
