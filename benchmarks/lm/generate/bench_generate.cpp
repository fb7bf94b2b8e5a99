// Generation throughput and memory: the paged, continuously batched engine
// (lm/generate/generator.h) vs the static-batching generator it replaced
// (static_generator.h), on a length distribution shaped like math reasoning
// traces: lognormal with median cap/8 and 10% of samples at the cap.
//
//   bench_generate <engine|static|nosharing|lengths> [cap=512] [problems=12] [n=8] [batch=32] [threads=1] [init=0.15] [kv budget tokens=0]
//
// Model "bench-33m": d 512, 6 layers, 8 heads, 2 KV heads (head 64), SwiGLU 1408,
// vocab 32000, tied embeddings (33.4M parameters), random init N(0, init) (0.15:
// broad next-token distributions, ~thousands of tokens in a 0.95 nucleus; 0.3:
// peaked, closer to a trained LM; sampling cost depends on it). Each sample's
// length is drawn up front and enforced with a per-request cap (no stop ids), so
// every mode generates exactly the same token counts. Prints one JSON line:
// tokens, wall and CPU seconds, tokens/s, peak KV bytes (engine: peak live
// blocks; static: its rows x (prompt + max new) allocation), peak RSS.
// Recorded settings (benchmarks/results/lm.md): the small setting
// `<mode> 256 16 8 64 1 0.15` (128 samples, 64 in flight: static runs 2 batches;
// `upt generate`'s default was 64 in flight, now 128)
// and eval-scale `<mode> 256 64 8 <64|128|160> 1 0.15` (512 samples: static runs
// 8 batches of 64; the engine also at the in-flight counts whose KV peak stays
// below static's 64 x 288-token allocation).
#include <sys/resource.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/rng.h"
#include "lm/generate/batched_sampler.h"
#include "lm/generate/generator.h"
#include "lm/generate/static_generator.h"
#include "lm/model/checkpoint.h"
#include "lm/model/model_tools.h"
#include "train/toy/model/toy_model.h"

namespace upt::lm {
namespace {

io::Qwen2Config BenchConfig(int cap, double init_range) {
  io::Qwen2Config c = train::toy::ToyModelConfig();
  c.vocab_size = 32000;
  c.hidden_size = 512;
  c.intermediate_size = 1408;
  c.num_hidden_layers = 6;
  c.num_attention_heads = 8;
  c.num_key_value_heads = 2;
  c.max_position_embeddings = cap + 256;
  c.tie_word_embeddings = true;
  c.initializer_range = init_range;  // larger = more peaked next-token distributions
  return c;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace
}  // namespace upt::lm

int main(int argc, char** argv) {
  using namespace upt;
  using namespace upt::lm;
  const std::string mode = argc > 1 ? argv[1] : "engine";
  const int cap = argc > 2 ? std::atoi(argv[2]) : 512;
  const int problems = argc > 3 ? std::atoi(argv[3]) : 12;
  const int n = argc > 4 ? std::atoi(argv[4]) : 8;
  const int batch = argc > 5 ? std::atoi(argv[5]) : 32;
  const int threads = argc > 6 ? std::atoi(argv[6]) : 1;
  const double init_range = argc > 7 ? std::atof(argv[7]) : 0.15;
  const long long budget = argc > 8 ? std::atoll(argv[8]) : 0;  // engine KV budget in tokens (0 = default)
  torch::set_num_threads(threads);
  Qwen2ForCausalLM model(BenchConfig(cap, init_range));
  InitQwen2Weights(model, 1);
  model->eval();
  // Lengths: lognormal(median cap/8, sigma so that P(L >= cap) = 0.1), clamped to [1, cap].
  const double sigma = std::log(8.0) / 1.2815515655446004;
  std::vector<GenerationRequest> reqs;
  RngStream rng(7, {StreamId("bench/lengths")});
  const int prompt_len = 32;
  for (int p = 0; p < problems; ++p) {
    std::vector<int32_t> prompt;
    for (int t = 0; t < prompt_len; ++t) prompt.push_back(3 + static_cast<int32_t>(rng.NextU64() % 31000));
    for (int s = 0; s < n; ++s) {
      GenerationRequest r;
      r.prompt = prompt;
      r.stream_id = StreamId("problem-" + std::to_string(p));
      r.sample_index = static_cast<uint64_t>(s);
      const double len = std::exp(std::log(cap / 8.0) + sigma * rng.Normal());
      r.max_new_tokens = static_cast<int>(std::max(1.0, std::min<double>(cap, std::round(len))));
      reqs.push_back(r);
    }
  }
  if (mode == "lengths") {  // the per-sample lengths, for py_generate_loop.py
    for (const auto& r : reqs) std::printf("%d\n", r.max_new_tokens);
    return 0;
  }
  SamplingParams sp;
  sp.temperature = 1.0;
  sp.top_p = 0.95;
  sp.max_new_tokens = cap;
  if (mode == "sampler") {  // one step's sampling for `batch` rows: batched tensor ops vs the CPU loop
    torch::NoGradGuard ng;
    auto logits = model->forward(torch::randint(3, 31000, {batch, 8}, torch::kInt64)).select(1, 7).contiguous();
    std::vector<double> u(static_cast<size_t>(batch), 0.5);
    auto banned = torch::zeros({logits.size(1)}, torch::kBool);
    double c = CpuSeconds();
    for (int i = 0; i < 20; ++i) SampleBatch(logits, sp, u, banned);
    const double batched = (CpuSeconds() - c) / 20;
    c = CpuSeconds();
    for (int i = 0; i < 20; ++i)
      for (int r = 0; r < batch; ++r) SampleFromLogits(logits[r].data_ptr<float>(), logits.size(1), sp, 0.5, {});
    std::printf("{\"sampler_batched_ms\":%.2f,\"sampler_cpu_loop_ms\":%.2f}\n", 1e3 * batched,
                1e3 * (CpuSeconds() - c) / 20);
    return 0;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = CpuSeconds();
  std::vector<GenerationResult> out;
  double kv_peak_bytes = 0;
  long long preemptions = 0, decode_steps = 0, prefill_tokens = 0;
  const auto& cfg = model->config();
  const double bytes_per_token = 2.0 * cfg.num_hidden_layers * cfg.num_key_value_heads * cfg.HeadDim() * 4;
  if (mode == "static") {
    StaticGenerator g(model.ptr(), nullptr, {}, {0, 1});
    out = g.Generate(reqs, sp, 3, batch);
    // Its cache: the distinct prompts' rows expanded to `batch` rows of prompt + max new.
    kv_peak_bytes = static_cast<double>(batch) * (prompt_len + cap) * bytes_per_token;
  } else {
    EngineOptions eo;
    eo.share_prefix = mode != "nosharing";
    eo.token_budget = budget;
    Generator g(model.ptr(), nullptr, {}, {0, 1}, eo);
    out = g.Generate(reqs, sp, 3, batch);
    kv_peak_bytes = static_cast<double>(g.last_stats().peak_kv_blocks) * g.last_stats().kv_bytes_per_block;
    preemptions = g.last_stats().preemptions;
    decode_steps = g.last_stats().decode_steps;
    prefill_tokens = g.last_stats().prefill_tokens;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - c0;
  long tokens = 0, at_cap = 0;
  for (const auto& g : out) {
    tokens += static_cast<long>(g.tokens.size());
    at_cap += static_cast<int>(g.tokens.size()) == cap;
  }
  std::printf(
      "{\"mode\":\"%s\",\"init\":%.2f,\"cap\":%d,\"samples\":%zu,\"batch\":%d,\"threads\":%d,\"tokens\":%ld,\"at_cap\":%ld,"
      "\"wall_s\":%.2f,\"cpu_s\":%.2f,\"tok_per_s\":%.1f,\"tok_per_cpu_s\":%.1f,\"kv_peak_mb\":%.1f,"
      "\"peak_rss_mb\":%.1f,\"preemptions\":%lld,\"decode_steps\":%lld,\"prefill_tokens\":%lld}\n",
      mode.c_str(), init_range, cap, out.size(), batch, threads, tokens, at_cap, wall, cpu, tokens / wall, tokens / cpu,
      kv_peak_bytes / 1e6, PeakRssKb() / 1024.0, preemptions, decode_steps, prefill_tokens);
  return 0;
}
