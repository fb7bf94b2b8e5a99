#include "lm/generate/static_generator.h"

#include <algorithm>
#include <map>

#include <torch/torch.h>

#include "core/error.h"
#include "core/rng.h"
#include "lm/model/checkpoint.h"
#include "lm/model/qwen2.h"
#include "lm/generate/stop_set.h"

namespace upt::lm {
namespace {

struct RowState {
  size_t request = 0;  // index into the batch
  RngStream rng;
  int max_new = 0;
  bool done = false;
};

// Longest stop string in bytes; each token decodes to >= 1 byte, so the last
// (longest + 8) tokens always cover a stop string that just completed.
size_t StopWindow(const std::vector<std::string>& stops) {
  size_t m = 0;
  for (const auto& s : stops) m = std::max(m, s.size());
  return m + 8;
}

// When a sample ends: its token is a stop id, or its text ends in a stop string.
struct StopRule {
  const std::vector<int32_t>& ids;
  const std::vector<std::string>& strings;
  size_t window = 0;  // 0 = no stop strings
  const Tokenizer* tokenizer = nullptr;
};

// One row per request with its random stream and token cap (never past the
// model's position range); *max_new = the largest cap.
std::vector<RowState> InitRows(const GenerationRequest* reqs, size_t n, const SamplingParams& params, uint64_t seed,
                               int max_positions, int* max_new) {
  std::vector<RowState> rows;
  *max_new = 0;
  for (size_t r = 0; r < n; ++r) {
    const int cap = reqs[r].max_new_tokens >= 0 ? std::min(reqs[r].max_new_tokens, params.max_new_tokens)
                                                 : params.max_new_tokens;
    RowState s{r, RngStream(seed, {reqs[r].stream_id, reqs[r].sample_index}), cap, false};
    const int room = max_positions - static_cast<int>(reqs[r].prompt.size());
    s.max_new = std::max(0, std::min(s.max_new, room));
    *max_new = std::max(*max_new, s.max_new);
    rows.push_back(std::move(s));
  }
  return rows;
}

// Prefills the distinct prompts once (left-padded to a common length L) into a
// cache with room for `max_new` more tokens, then expands cache rows and
// last-position logits to one row per request: returns [n, V].
torch::Tensor PrefillPrompts(Qwen2ForCausalLMImpl& model, const GenerationRequest* reqs, size_t n, int max_new,
                             KvCache* cache) {
  std::map<std::vector<int32_t>, int64_t> prompt_index;
  std::vector<const std::vector<int32_t>*> prompts;
  std::vector<int64_t> row_prompt(n);
  for (size_t r = 0; r < n; ++r) {
    UPT_CHECK(!reqs[r].prompt.empty(), "empty prompt");
    auto [it, fresh] = prompt_index.emplace(reqs[r].prompt, static_cast<int64_t>(prompts.size()));
    if (fresh) prompts.push_back(&it->first);
    row_prompt[r] = it->second;
  }
  int64_t L = 0;
  for (auto* p : prompts) L = std::max<int64_t>(L, static_cast<int64_t>(p->size()));
  const int64_t P = static_cast<int64_t>(prompts.size());
  auto tokens = torch::zeros({P, L}, torch::kInt64);
  auto mask = torch::zeros({P, L}, torch::kInt64);
  for (int64_t i = 0; i < P; ++i) {
    const auto& p = *prompts[i];
    const int64_t off = L - static_cast<int64_t>(p.size());
    for (size_t t = 0; t < p.size(); ++t) {
      tokens[i][off + static_cast<int64_t>(t)] = static_cast<int64_t>(p[t]);
      mask[i][off + static_cast<int64_t>(t)] = 1;
    }
  }
  *cache = model.NewCache(P, L + max_new);
  auto logits = model.ForwardCached(tokens, cache, mask, /*last_only=*/true).select(1, 0);  // [P, V]
  auto rows = torch::tensor(row_prompt, torch::kInt64);
  cache->SelectRows(rows);
  return logits.index_select(0, rows.to(model.device()));
}

// Samples one token for each live row from `logits` [live, V] on the CPU, marks
// rows that stop or reach their cap, and returns the next input token per live row.
std::vector<int64_t> SampleStep(const torch::Tensor& logits, const std::vector<size_t>& live,
                                const SamplingParams& params, const std::vector<int32_t>& banned,
                                const StopRule& stop, std::vector<RowState>* rows, GenerationResult* out,
                                const std::function<void(int64_t)>& on_tokens) {
  auto cpu = logits.to(torch::kCPU, torch::kFloat32).contiguous();
  const int64_t V = cpu.size(1);
  const float* data = cpu.data_ptr<float>();
  std::vector<int64_t> next(live.size(), 0);
  int64_t emitted = 0;
  for (size_t i = 0; i < live.size(); ++i) {
    RowState& s = (*rows)[live[i]];
    const double u = s.rng.Uniform();
    if (s.done) continue;
    GenerationResult& g = out[s.request];
    SampledToken tok = SampleFromLogits(data + static_cast<int64_t>(i) * V, V, params, u, banned);
    UPT_CHECK(tok.token >= 0, "every token id is banned");
    g.tokens.push_back(tok.token);
    g.logprobs.push_back(tok.logprob);
    g.sampling_logprobs.push_back(tok.sampling_logprob);
    next[i] = tok.token;
    ++emitted;
    if (std::find(stop.ids.begin(), stop.ids.end(), tok.token) != stop.ids.end() ||
        (stop.window > 0 && EndsInStopString(*stop.tokenizer, g.tokens, stop.strings))) {
      s.done = true;
      g.finish_reason = "stop";
    }
    if (!s.done && static_cast<int>(g.tokens.size()) >= s.max_new) {
      s.done = true;
      g.finish_reason = "length";
    }
  }
  if (on_tokens) on_tokens(emitted);
  return next;
}

// Drops finished rows from the cache once a quarter of them are done; false
// when no row is alive.
bool DropFinishedRows(const std::vector<RowState>& rows, std::vector<size_t>* live, std::vector<int64_t>* next,
                      KvCache* cache) {
  size_t alive = 0;
  for (size_t i : *live) alive += rows[i].done ? 0 : 1;
  if (alive == 0) return false;
  if (alive * 4 > live->size() * 3) return true;
  std::vector<int64_t> keep, next2;
  std::vector<size_t> live2;
  for (size_t i = 0; i < live->size(); ++i)
    if (!rows[(*live)[i]].done) {
      keep.push_back(static_cast<int64_t>(i));
      live2.push_back((*live)[i]);
      next2.push_back((*next)[i]);
    }
  cache->SelectRows(torch::tensor(keep, torch::kInt64));
  *live = std::move(live2);
  *next = std::move(next2);
  return true;
}

}  // namespace

StaticGenerator::StaticGenerator(std::shared_ptr<Qwen2ForCausalLMImpl> model, const Tokenizer* tokenizer,
                     std::vector<int32_t> stop_ids, std::vector<int32_t> banned)
    : model_(std::move(model)), tokenizer_(tokenizer), stop_ids_(std::move(stop_ids)) {
  for (int32_t b : banned)
    if (std::find(stop_ids_.begin(), stop_ids_.end(), b) == stop_ids_.end()) banned_.push_back(b);
}

std::vector<GenerationResult> StaticGenerator::Generate(const std::vector<GenerationRequest>& requests,
                                                  const SamplingParams& params, uint64_t seed, int batch_size,
                                                  const std::function<void(int64_t)>& on_tokens) {
  UPT_CHECK(batch_size > 0, "batch_size must be positive");
  std::vector<GenerationResult> out(requests.size());
  for (size_t i = 0; i < requests.size(); i += static_cast<size_t>(batch_size)) {
    size_t n = std::min(requests.size() - i, static_cast<size_t>(batch_size));
    GenerateBatch(requests.data() + i, n, params, seed, out.data() + i, on_tokens);
  }
  return out;
}

void StaticGenerator::GenerateBatch(const GenerationRequest* reqs, size_t n, const SamplingParams& params, uint64_t seed,
                                    GenerationResult* out, const std::function<void(int64_t)>& on_tokens) {
  torch::NoGradGuard no_grad;
  std::vector<int32_t> stops = stop_ids_;
  for (int s : params.stop_token_ids) stops.push_back(s);
  StopRule stop{stops, params.stop, params.stop.empty() ? 0 : StopWindow(params.stop), tokenizer_};
  UPT_CHECK(stop.window == 0 || tokenizer_ != nullptr, "stop strings need a tokenizer");
  int max_new = 0;
  std::vector<RowState> rows = InitRows(reqs, n, params, seed, model_->config().max_position_embeddings, &max_new);
  KvCache cache;
  auto logits = PrefillPrompts(*model_, reqs, n, std::max(max_new, 1), &cache);  // [n, V]
  std::vector<size_t> live(n);  // cache row -> RowState index
  for (size_t r = 0; r < n; ++r) {
    live[r] = r;
    out[r] = GenerationResult{};
    if (rows[r].max_new == 0) {
      rows[r].done = true;
      out[r].finish_reason = "length";
    }
  }
  for (int step = 0; step < max_new; ++step) {
    std::vector<int64_t> next = SampleStep(logits, live, params, banned_, stop, &rows, out, on_tokens);
    if (!DropFinishedRows(rows, &live, &next, &cache)) break;
    auto step_tokens = torch::tensor(next, torch::kInt64).view({static_cast<int64_t>(next.size()), 1});
    logits = model_->ForwardCached(step_tokens, &cache).select(1, 0);
  }
  // Texts: without the stop token, cut at the first stop string.
  for (size_t r = 0; r < n; ++r) {
    GenerationResult& g = out[r];
    std::vector<int32_t> body = g.tokens;
    if (!body.empty() && std::find(stops.begin(), stops.end(), body.back()) != stops.end()) body.pop_back();
    g.text = tokenizer_ ? SampleText(*tokenizer_, body, params.stop) : std::string();
  }
}

}  // namespace upt::lm
