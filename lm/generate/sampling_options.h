// The sampling option group as commands and configs reuse it. Its keys, help
// and the sampler's defaults are declared once, in upt::SamplingParams
// (core/sampling.h; lm::SamplingParams); everything else binds views of it
// (core/options.h): a benchmark's settings (datasets::EvalDefaults), and
//   upt generate      SamplingOverrides over the benchmark's settings
//                     (--temperature ... --stop-token-ids; unset = the benchmark's)
//   train config      rollout.{temperature,top_p,top_k,max_new_tokens,stop}: a
//                     SamplingParams; rollout.val_{temperature,top_p,max_new_tokens}:
//                     SamplingOverrides over the rollout's (train/loop/config/config.h)
//   upt reproduce     a preset's complete SamplingParams (pipeline/presets.h)
// Torch-free, header-only.
#pragma once

#include <string>
#include <vector>

#include "core/options.h"
#include "lm/generate/sampler.h"

namespace upt::lm {

// Sampling keys given (a flag passed, a YAML key present); the rest unset.
using SamplingOverrides = Overrides<SamplingParams>;

// Every sampling key in `upt generate`'s flag order.
inline std::vector<std::string> GenerateSamplingKeys() {
  return {"temperature", "top_p", "top_k", "min_p", "max_new_tokens", "stop", "stop_token_ids"};
}

}  // namespace upt::lm
