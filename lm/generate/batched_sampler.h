// Sampling for a batch of rows as tensor ops on the logits' device: the same
// distribution and the same inverse-CDF draw as SampleFromLogits (sampler.h),
// so a row's token for a given uniform is the CPU sampler's up to float rounding
// of exp (boundaries within ~1e-7 of the uniform). Candidate order: token id
// (no top-p), or most likely first with ties by id (top-p, as sampler.cpp).
// Top-k takes the k-th value with topk; top-p first tries the 64 most likely
// tokens per row (torch::topk, a partial selection) and sorts only the rows
// whose nucleus needs more; min-p filters relative to the best token.
// Torch-free header.
#pragma once

#include <cstdint>
#include <vector>

#include "lm/generate/sampler.h"

namespace at {
class Tensor;
}

namespace upt::lm {

struct SampledBatch {
  std::vector<int32_t> tokens;             // -1 where every id is banned
  std::vector<float> logprobs;             // raw log-softmax at temperature 1
  std::vector<float> sampling_logprobs;    // under the sampling distribution (0 for greedy)
};

// logits [B, V] float32; `uniforms` one per row in [0, 1); `banned` [V] bool on
// the logits' device (undefined = none).
SampledBatch SampleBatch(const at::Tensor& logits, const SamplingParams& p, const std::vector<double>& uniforms,
                         const at::Tensor& banned);

// The same draws with SampleFromLogits row by row, for CPU logits [B, V] (any
// float dtype; rows may alias, e.g. an expanded [1, V]): faster than the tensor
// ops on the CPU (benchmarks/results/lm.md). A row with a NaN or +inf logit gets
// token -1, as SampleBatch.
SampledBatch SampleRowsOnCpu(const at::Tensor& logits, const SamplingParams& p, const std::vector<double>& uniforms,
                             const std::vector<int32_t>& banned);

}  // namespace upt::lm
