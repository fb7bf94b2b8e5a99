// A toy-shaped model with seeded random weights, in eval mode, for the generation tests.
#pragma once

#include <cstdint>

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

}  // namespace upt::lm::testing
