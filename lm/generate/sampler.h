// Pure token sampler over one logits row: temperature, top-k, top-p (nucleus), min-p,
// inverse-CDF on a caller-supplied uniform, so the draw is reproducible from a
// counter-based stream (upt::RngStream) whatever the batch size or thread count.
// Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace upt::lm {

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
    v("min_p", min_p, "drop tokens less likely than min_p times the most likely; 0 = off");
    v("max_new_tokens", max_new_tokens, "maximum generated tokens per sample");
    v("stop_token_ids", stop_token_ids, "extra token ids that end a sample");
    v("stop", stop, "stop strings (cut from the text)");
  }
};

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
