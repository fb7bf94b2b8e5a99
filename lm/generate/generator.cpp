#include "lm/generate/generator.h"

#include <algorithm>
#include <deque>
#include <map>

#include <torch/torch.h>

#include "core/error.h"
#include "core/rng.h"
#include "lm/generate/batched_sampler.h"
#include "lm/generate/paged_forward.h"
#include "lm/generate/paged_kv.h"
#include "lm/generate/stop_set.h"
#include "lm/model/checkpoint.h"
#include "lm/model/qwen2.h"

namespace upt::lm {
namespace {

struct Seq {
  size_t request = 0;
  RngStream rng{0};
  int max_new = 0;
  std::vector<int32_t> tokens;  // prompt, then generated; the last one not yet in the cache
  size_t prompt_len = 0;
  std::vector<int64_t> blocks;
  int64_t cached = 0;  // positions held in the KV cache
};

// Requests with the same prompt; the group holds the prompt's blocks and its
// last-position logits until every member has been admitted.
struct Group {
  std::vector<size_t> members;
  size_t next = 0;
  std::vector<int64_t> blocks;
  torch::Tensor logits;  // [1, V]
};

class Engine {
 public:
  Engine(Qwen2ForCausalLMImpl& model, const Tokenizer* tok, const std::vector<int32_t>& stops,
         const std::vector<int32_t>& banned, const EngineOptions& eo, const std::vector<GenerationRequest>& reqs,
         const SamplingParams& sp, uint64_t seed, int max_seqs, const std::function<void(int64_t)>& on_tokens,
         std::vector<GenerationResult>* out, EngineStats* stats)
      : model_(model), tok_(tok), stops_(stops), banned_ids_(banned), eo_(eo), reqs_(reqs), sp_(sp), max_seqs_(max_seqs),
        on_tokens_(on_tokens), out_(*out), stats_(*stats), fwd_(model) {
    UPT_CHECK(sp.stop.empty() || tok != nullptr, "stop strings need a tokenizer");
    for (int s : sp.stop_token_ids) stops_.push_back(s);
    const int64_t V = model.config().vocab_size;
    banned_ = torch::zeros({V}, torch::kBool);
    for (int32_t b : banned)
      if (b >= 0 && b < V) banned_[b] = true;
    banned_ = banned_.to(model.device());
    int64_t longest = 0;
    std::map<std::vector<int32_t>, size_t> by_prompt;
    for (size_t r = 0; r < reqs.size(); ++r) {
      UPT_CHECK(!reqs[r].prompt.empty(), "empty prompt");
      longest = std::max<int64_t>(longest, static_cast<int64_t>(reqs[r].prompt.size()));
      auto it = eo.share_prefix ? by_prompt.find(reqs[r].prompt) : by_prompt.end();
      if (it == by_prompt.end()) {
        groups_.emplace_back();
        if (eo.share_prefix) by_prompt.emplace(reqs[r].prompt, groups_.size() - 1);
        groups_.back().members.push_back(r);
      } else {
        groups_[it->second].members.push_back(r);
      }
      Seq s;
      s.request = r;
      s.rng = RngStream(seed, {reqs[r].stream_id, reqs[r].sample_index});
      const int room = model.config().max_position_embeddings - static_cast<int>(reqs[r].prompt.size());
      const int cap = reqs[r].max_new_tokens >= 0 ? std::min(reqs[r].max_new_tokens, sp.max_new_tokens)
                                                   : sp.max_new_tokens;
      s.max_new = std::max(0, std::min(cap, room));
      s.tokens = reqs[r].prompt;
      s.prompt_len = reqs[r].prompt.size();
      seqs_.push_back(std::move(s));
    }
    const int bs = eo.block_size;
    int64_t budget = eo.token_budget > 0 ? eo.token_budget
                                         : static_cast<int64_t>(max_seqs) * (longest + sp.max_new_tokens + bs);
    cache_ = std::make_unique<PagedKvCache>(model, bs, (budget + bs - 1) / bs + (longest + bs - 1) / bs);
    stats_ = EngineStats{};
    stats_.kv_bytes_per_block = cache_->bytes_per_block();
  }

  void Run() {
    while (true) {
      Admit();
      if (running_.empty()) {
        if (preempted_.empty() && next_group_ == groups_.size()) break;
        throw Error("the KV token budget cannot hold one sequence", "--kv-budget-tokens",
                    "raise it above the longest prompt + max new tokens");
      }
      DecodeStep();
    }
    stats_.peak_kv_blocks = cache_->peak_used_blocks();
    UPT_CHECK(cache_->used_blocks() == 0, "KV blocks leaked by the scheduler");
  }

 private:
  int64_t BlocksFor(int64_t tokens) const { return (tokens + eo_.block_size - 1) / eo_.block_size; }
  bool Fits(int64_t blocks) const {
    return cache_->free_blocks() >= blocks + static_cast<int64_t>(running_.size());
  }

  // Prefills tokens [0, n) of `s` (blocks allocated by the caller); returns [1, V] logits.
  torch::Tensor Prefill(Seq& s, int64_t n) {
    PagedSeq p{s.tokens.data(), n, 0, &s.blocks};
    stats_.prefill_tokens += n;
    auto logits = fwd_.Step({p}, cache_.get());
    s.cached = n;
    return logits;
  }

  std::vector<int64_t> AllocateBlocks(int64_t n) {
    std::vector<int64_t> b;
    for (int64_t i = 0; i < n; ++i) b.push_back(cache_->Allocate());
    return b;
  }

  void Admit() {
    while (static_cast<int>(running_.size()) < max_seqs_) {
      if (!preempted_.empty()) {  // recompute a preempted sequence up to its pending token
        Seq& s = seqs_[preempted_.front()];
        const int64_t n = static_cast<int64_t>(s.tokens.size()) - 1;
        if (!Fits(BlocksFor(n))) return;
        preempted_.pop_front();
        s.blocks = AllocateBlocks(BlocksFor(n));
        Prefill(s, n);
        Start(s);
        continue;
      }
      if (next_group_ == groups_.size()) return;
      Group& g = groups_[next_group_];
      Seq& first = seqs_[g.members[0]];
      if (g.next == 0) {  // prefill the prompt once for the whole group
        const int64_t n = static_cast<int64_t>(first.prompt_len);
        if (!Fits(BlocksFor(n) + 1)) return;
        g.blocks = AllocateBlocks(BlocksFor(n));
        first.blocks = g.blocks;
        g.logits = Prefill(first, n);
        first.blocks.clear();
      } else if (!Fits(1)) {
        return;
      }
      // Members admitted together sample their first tokens from the shared logits.
      std::vector<size_t> batch;
      while (g.next < g.members.size() && static_cast<int>(running_.size() + batch.size()) < max_seqs_ &&
             cache_->free_blocks() >= static_cast<int64_t>(running_.size() + batch.size()) + 1)
        batch.push_back(g.members[g.next++]);
      if (batch.empty()) return;
      std::vector<size_t> sampling;
      for (size_t id : batch) {
        Seq& s = seqs_[id];
        s.blocks = g.blocks;
        for (int64_t b : s.blocks) cache_->Retain(b);
        s.cached = static_cast<int64_t>(s.prompt_len);
        if (s.max_new == 0) Finish(s, "length");
        else sampling.push_back(id);
      }
      if (!sampling.empty())
        SampleInto(g.logits.expand({static_cast<int64_t>(sampling.size()), g.logits.size(1)}), sampling, true);
      if (g.next == g.members.size()) {
        for (int64_t b : g.blocks) cache_->Release(b);
        g.blocks.clear();
        g.logits = torch::Tensor();
        ++next_group_;
      }
    }
  }

  void Start(Seq& s) { running_.push_back(s.request); }

  // Samples one token for each of `ids` from `logits` rows; finished sequences
  // release their blocks, the others join the running list (as new admissions
  // when `admit`). running_ stays in admission order: its last entry is the youngest.
  void SampleInto(const torch::Tensor& logits, const std::vector<size_t>& ids, bool admit) {
    std::vector<double> u;
    for (size_t id : ids) u.push_back(seqs_[id].rng.Uniform());
    SampledBatch b = logits.device().is_cpu() ? SampleRowsOnCpu(logits, sp_, u, banned_ids_)
                                              : SampleBatch(logits, sp_, u, banned_);
    for (size_t i = 0; i < ids.size(); ++i) {
      Seq& s = seqs_[ids[i]];
      GenerationResult& g = out_[s.request];
      if (b.tokens[i] < 0)  // all logits NaN/-inf: diverged or corrupt weights (or every id banned)
        throw Error("no token can be sampled: the model's logits are NaN or infinite, or every token id is banned",
                    "generation", "check the model's weights; a training run diverged if its learning rate is too high");
      g.tokens.push_back(b.tokens[i]);
      g.logprobs.push_back(b.logprobs[i]);
      g.sampling_logprobs.push_back(b.sampling_logprobs[i]);
      s.tokens.push_back(b.tokens[i]);
      if (std::find(stops_.begin(), stops_.end(), b.tokens[i]) != stops_.end()) Finish(s, "stop");
      else if (!sp_.stop.empty() && EndsInStopString(*tok_, g.tokens, sp_.stop)) Finish(s, "stop");
      else if (static_cast<int>(g.tokens.size()) >= s.max_new) Finish(s, "length");
      else if (admit) Start(s);
      else running_.push_back(s.request);
    }
    if (on_tokens_) on_tokens_(static_cast<int64_t>(ids.size()));
  }

  void Finish(Seq& s, const char* reason) {
    GenerationResult& g = out_[s.request];
    g.finish_reason = reason;
    for (int64_t b : s.blocks) cache_->Release(b);
    s.blocks.clear();
    s.blocks.shrink_to_fit();
    if (tok_) {
      std::vector<int32_t> body = g.tokens;
      if (!body.empty() && std::find(stops_.begin(), stops_.end(), body.back()) != stops_.end()) body.pop_back();
      g.text = SampleText(*tok_, body, sp_.stop);
    }
    s.tokens.clear();
    s.tokens.shrink_to_fit();
  }

  // Makes position `s.cached` writable: a fresh block at a block boundary, or a
  // private copy of a shared partial block. Preempts the youngest running
  // sequence while the pool is empty; false when `s` itself was preempted.
  bool EnsureSlot(Seq& s) {
    const int bs = eo_.block_size;
    const size_t idx = static_cast<size_t>(s.cached / bs);
    const bool fresh = idx == s.blocks.size();
    if (!fresh && cache_->refs(s.blocks[idx]) == 1) return true;
    int64_t b;
    while ((b = cache_->Allocate()) < 0) {
      Seq& v = seqs_[running_.back()];  // the youngest
      for (int64_t blk : v.blocks) cache_->Release(blk);
      v.blocks.clear();
      v.cached = 0;
      preempted_.push_front(v.request);
      running_.pop_back();
      ++stats_.preemptions;
      if (&v == &s) return false;
    }
    if (fresh) {
      s.blocks.push_back(b);
    } else {
      cache_->CopyBlock(s.blocks[idx], b, static_cast<int>(s.cached % bs));
      cache_->Release(s.blocks[idx]);
      s.blocks[idx] = b;
    }
    return true;
  }

  void DecodeStep() {
    // EnsureSlot only preempts from the back (the youngest), at or after i.
    for (size_t i = 0; i < running_.size();)
      if (EnsureSlot(seqs_[running_[i]])) ++i;
    const std::vector<size_t> step = running_;
    if (step.empty()) return;
    std::vector<PagedSeq> batch;
    for (size_t id : step) {
      Seq& s = seqs_[id];
      batch.push_back(PagedSeq{s.tokens.data() + s.cached, 1, s.cached, &s.blocks});
    }
    auto logits = fwd_.Step(batch, cache_.get());
    ++stats_.decode_steps;
    for (size_t id : step) ++seqs_[id].cached;
    running_.clear();
    SampleInto(logits, step, false);
  }

  Qwen2ForCausalLMImpl& model_;
  const Tokenizer* tok_;
  std::vector<int32_t> stops_;
  std::vector<int32_t> banned_ids_;
  EngineOptions eo_;
  const std::vector<GenerationRequest>& reqs_;
  SamplingParams sp_;
  int max_seqs_;
  const std::function<void(int64_t)>& on_tokens_;
  std::vector<GenerationResult>& out_;
  EngineStats& stats_;
  PagedForward fwd_;
  std::unique_ptr<PagedKvCache> cache_;
  torch::Tensor banned_;
  std::vector<Seq> seqs_;
  std::vector<Group> groups_;
  size_t next_group_ = 0;
  std::vector<size_t> running_;
  std::deque<size_t> preempted_;
};

}  // namespace

Generator::Generator(std::shared_ptr<Qwen2ForCausalLMImpl> model, const Tokenizer* tokenizer,
                     std::vector<int32_t> stop_ids, std::vector<int32_t> banned, EngineOptions options)
    : model_(std::move(model)), tokenizer_(tokenizer), stop_ids_(std::move(stop_ids)), options_(options) {
  UPT_CHECK(options_.block_size > 0, "block size must be positive");
  for (int32_t b : banned)
    if (std::find(stop_ids_.begin(), stop_ids_.end(), b) == stop_ids_.end()) banned_.push_back(b);
}

std::vector<GenerationResult> Generator::Generate(const std::vector<GenerationRequest>& requests,
                                                  const SamplingParams& params, uint64_t seed, int batch_size,
                                                  const std::function<void(int64_t)>& on_tokens) {
  UPT_CHECK(batch_size > 0, "batch_size must be positive");
  torch::NoGradGuard no_grad;
  std::vector<GenerationResult> out(requests.size());
  if (requests.empty()) return out;
  Engine e(*model_, tokenizer_, stop_ids_, banned_, options_, requests, params, seed, batch_size, on_tokens, &out,
           &stats_);
  e.Run();
  return out;
}

std::vector<int32_t> BannedSpecialIds(const std::string& model_dir, const std::vector<int32_t>& stop_ids) {
  auto cfg = io::LoadQwen2Config(model_dir + "/config.json");
  std::vector<int32_t> banned;
  for (int id : {cfg.pad_token_id, cfg.bos_token_id})
    if (id >= 0 && std::find(stop_ids.begin(), stop_ids.end(), id) == stop_ids.end()) banned.push_back(id);
  return banned;
}

}  // namespace upt::lm
