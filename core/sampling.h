// The sampling option group: every sampling parameter's key, help and the
// sampler's default, declared once. The sampler reads it (lm::SamplingParams,
// lm/generate/sampler.h); the other users bind views of it (core/options.h):
// a benchmark's settings (datasets::EvalDefaults), `upt generate`'s flags and
// the trainer's rollout.* / rollout.val_* keys (lm/generate/sampling_options.h),
// a reproduce preset's sampling (pipeline/presets.h). Provenance records it
// with OptionsToJson.
#pragma once

#include <string>
#include <vector>

namespace upt {

struct SamplingParams {
  double temperature = 1.0;  // 0 = greedy (argmax, lowest id on ties)
  double top_p = 1.0;        // nucleus mass in (0, 1]; 1 = off
  int top_k = -1;            // keep the k largest logits (ties at the k-th kept); <= 0 = off
  double min_p = 0.0;        // after top-k/top-p, drop tokens with q < min_p * max q; 0 = off
  int max_new_tokens = 256;
  std::vector<int> stop_token_ids;  // besides the model's eos ids
  std::vector<std::string> stop;    // stop strings (excluded from the returned text)

  template <class V>
  void ForEach(V&& v) {
    v("temperature", temperature, "softmax temperature; 0 = greedy");
    v("top_p", top_p, "nucleus sampling mass; 1 = off");
    v("top_k", top_k, "keep the k most likely tokens; -1 = off");
    v("min_p", min_p, "drop tokens less likely than min_p times the most likely, in [0, 1); 0 = off");
    v("max_new_tokens", max_new_tokens, "maximum generated tokens per sample");
    v("stop_token_ids", stop_token_ids, "extra token ids that end a sample");
    v("stop", stop, "stop strings, matched on text with special tokens (cut from the text)");
  }
};

}  // namespace upt
