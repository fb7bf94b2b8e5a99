// Prefill and decode throughput of lm/model's Qwen2 on CPU.
//   BM_Prefill/<model>/<batch>/<prompt>          tokens/s of one batched prefill
//   BM_DecodeCached/<model>/<batch>/<new>        tokens/s of greedy decoding with the KV cache
//   BM_DecodeRecompute/<model>/<batch>/<new>     the same tokens by full recomputation per step
//   BM_Generate/toy                              the Generator (sampling, 16 prompts x 8 samples, 48 tokens)
//   BM_SampleRow/<top_p on>                      one sampler call over a 151936-token vocabulary
// models: 0 = toy (d96, 2 layers, 4 heads, 2 KV, SwiGLU 256, vocab 48), 1 = bench-100m.
// Run with OPENBLAS_NUM_THREADS=1; --threads via UPT_BENCH_THREADS (default 1).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>

#include "core/rng.h"
#include "lm/generate/generator.h"
#include "lm/model/checkpoint.h"
#include "lm/model/model_tools.h"
#include "train/toy/model/toy_model.h"
#include "lm/model/qwen2.h"

namespace upt::lm {
namespace {

Qwen2ForCausalLM& Model(int which) {
  static Qwen2ForCausalLM models[2] = {nullptr, nullptr};
  if (!models[which]) {
    const char* t = std::getenv("UPT_BENCH_THREADS");
    torch::set_num_threads(t ? std::atoi(t) : 1);
    auto cfg = which == 0 ? train::toy::ToyModelConfig() : ConfigPresetOrFile("bench-100m");
    cfg.max_position_embeddings = 1024;
    models[which] = Qwen2ForCausalLM(cfg);
    InitQwen2Weights(models[which], 1);
    models[which]->eval();
  }
  return models[which];
}

torch::Tensor Prompts(int64_t batch, int64_t len, int64_t vocab) {
  return torch::randint(3, vocab, {batch, len}, torch::TensorOptions().dtype(torch::kInt64));
}

void BM_Prefill(benchmark::State& st) {
  auto& m = Model(static_cast<int>(st.range(0)));
  const int64_t B = st.range(1), T = st.range(2);
  torch::NoGradGuard ng;
  auto tokens = Prompts(B, T, m->config().vocab_size);
  for (auto _ : st) {
    KvCache cache = m->NewCache(B, T);
    benchmark::DoNotOptimize(m->ForwardCached(tokens, &cache, {}, /*last_only=*/true));
  }
  st.counters["tok/s"] = benchmark::Counter(static_cast<double>(B * T), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_DecodeCached(benchmark::State& st) {
  auto& m = Model(static_cast<int>(st.range(0)));
  const int64_t B = st.range(1), N = st.range(2), P = 16;
  torch::NoGradGuard ng;
  auto prompt = Prompts(B, P, m->config().vocab_size);
  for (auto _ : st) {
    KvCache cache = m->NewCache(B, P + N);
    auto logits = m->ForwardCached(prompt, &cache, {}, true).select(1, 0);
    for (int64_t t = 0; t < N; ++t) logits = m->ForwardCached(logits.argmax(-1).view({B, 1}), &cache).select(1, 0);
    benchmark::DoNotOptimize(logits);
  }
  st.counters["new_tok/s"] = benchmark::Counter(static_cast<double>(B * N), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_DecodeRecompute(benchmark::State& st) {
  auto& m = Model(static_cast<int>(st.range(0)));
  const int64_t B = st.range(1), N = st.range(2), P = 16;
  torch::NoGradGuard ng;
  auto prompt = Prompts(B, P, m->config().vocab_size);
  for (auto _ : st) {
    auto seq = prompt;
    for (int64_t t = 0; t < N; ++t) {
      auto h = m->Hidden(seq);
      auto next = m->Logits(h.select(1, seq.size(1) - 1)).argmax(-1).view({B, 1});
      seq = torch::cat({seq, next}, 1);
    }
    benchmark::DoNotOptimize(seq);
  }
  st.counters["new_tok/s"] = benchmark::Counter(static_cast<double>(B * N), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_GenerateToy(benchmark::State& st) {
  auto& m = Model(0);
  Generator gen(m.ptr(), nullptr, {}, {0, 1});
  SamplingParams p;
  p.max_new_tokens = 48;
  std::vector<GenerationRequest> reqs;
  for (int q = 0; q < 16; ++q)
    for (int s = 0; s < 8; ++s) {
      GenerationRequest r;
      r.prompt = {1, 20, 5 + q, 12, 30, 7, 16, 9, 22, 40, 41, 11, 13, 14, 17, 3 + q};
      r.stream_id = static_cast<uint64_t>(q);
      r.sample_index = static_cast<uint64_t>(s);
      reqs.push_back(r);
    }
  int64_t tokens = 0;
  for (auto _ : st) {
    auto out = gen.Generate(reqs, p, 0, 128);
    for (const auto& g : out) tokens += static_cast<int64_t>(g.tokens.size());
  }
  st.counters["new_tok/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}

// One SampleFromLogits call over a Qwen2.5-sized vocabulary (151936), T 0.6.
// Arg: 0 = top-p off, 1 = top-p 0.95 on N(0, 2^2) logits (a wide nucleus of thousands of
// tokens: the slow path), 2 = top-p 0.95 on Zipf-like logits -1.5 log(rank) + N(0, 0.5^2)
// (a peaked, LM-like distribution: the 64-token fast path).
void BM_SampleRow(benchmark::State& st) {
  const int64_t V = 151936;
  std::vector<float> logits(V);
  RngStream rng(1, {});
  for (int64_t i = 0; i < V; ++i)
    logits[i] = static_cast<float>(st.range(0) == 2 ? -1.5 * std::log(1.0 + static_cast<double>((i * 7919) % V)) +
                                                          0.5 * rng.Normal()
                                                    : 2.0 * rng.Normal());
  SamplingParams p;
  p.temperature = 0.6;
  p.top_p = st.range(0) ? 0.95 : 1.0;
  for (auto _ : st) benchmark::DoNotOptimize(SampleFromLogits(logits.data(), V, p, rng.Uniform(), {151643}));
}

BENCHMARK(BM_SampleRow)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Prefill)->Args({0, 16, 32})->Args({1, 1, 128})->Args({1, 4, 128})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeCached)->Args({0, 128, 48})->Args({0, 8, 256})->Args({1, 8, 64})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeRecompute)->Args({0, 8, 256})->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_GenerateToy)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace upt::lm

BENCHMARK_MAIN();
