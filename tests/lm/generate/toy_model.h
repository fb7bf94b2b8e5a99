// A toy-shaped model with seeded random weights, in eval mode, for the generation tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.h"
#include "lm/generate/generator.h"
#include "lm/model/checkpoint.h"
#include "lm/model/qwen2.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm::testing {

inline Qwen2ForCausalLM SeededToyModel(uint64_t seed = 1) {
  Qwen2ForCausalLM m(ToyConfig());
  InitQwen2Weights(m, seed);
  m->eval();
  return m;
}

// `prompts` problems with `samples` samples each; problem p's prompt is BOS and
// 1 + first_len + p * len_step tokens in [3, 43), its stream "problem-p".
inline std::vector<GenerationRequest> SyntheticRequests(int prompts, int samples, int first_len, int len_step) {
  std::vector<GenerationRequest> reqs;
  for (int p = 0; p < prompts; ++p)
    for (int s = 0; s < samples; ++s) {
      GenerationRequest r;
      r.prompt = {1};
      for (int t = 0; t <= first_len + p * len_step; ++t) r.prompt.push_back(3 + (7 * p + 5 * t) % 40);
      r.stream_id = StreamId("problem-" + std::to_string(p));
      r.sample_index = static_cast<uint64_t>(s);
      reqs.push_back(r);
    }
  return reqs;
}

}  // namespace upt::lm::testing
