// Pure token sampler over one logits row: temperature, top-k, top-p (nucleus), min-p,
// inverse-CDF on a caller-supplied uniform, so the draw is reproducible from a
// counter-based stream (upt::RngStream) whatever the batch size or thread count.
// Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/sampling.h"

namespace upt::lm {

// The sampling option group, declared once in core/sampling.h.
using SamplingParams = upt::SamplingParams;

struct SampledToken {
  int32_t token = -1;
  // log p(token) under the raw model distribution, softmax(logits) at temperature 1
  // over the whole vocabulary: what a trainer's recomputed log-probs compare against.
  float logprob = 0;
  // log q(token) under the distribution actually sampled from (temperature, top-k,
  // top-p, banned ids); 0 for greedy.
  float sampling_logprob = 0;
};

// Draws a token from logits[0, vocab) with the uniform `u` in [0, 1). `banned`
// ids (e.g. pad, bos) are never returned; if every id is banned the result is -1.
SampledToken SampleFromLogits(const float* logits, int64_t vocab, const SamplingParams& p, double u,
                              const std::vector<int32_t>& banned = {});

// The sampling distribution q over [0, vocab) (sums to 1; one-hot for greedy).
std::vector<double> SamplingDistribution(const float* logits, int64_t vocab, const SamplingParams& p,
                                         const std::vector<int32_t>& banned = {});

}  // namespace upt::lm
