#include "train/toy/toy_base.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <mutex>

#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/rng.h"
#include "lm/model/checkpoint.h"
#include "lm/model/token_logprobs.h"
#include "lm/tokenizer/tokenizer.h"
#include "train/loop/trainer.h"

namespace upt::train::toy {

std::vector<TrainExample> ToyTrainExamples(const datasets::toy::ToyWorldOptions& world) {
  std::vector<TrainExample> out;
  for (auto& ex : datasets::toy::MakeToyTrainSet(world))
    out.push_back({ex.problem.id, ex.problem.problem, ex.problem.answer, ex.demonstration});
  return out;
}

namespace {

double CosineLr(const ToyPretrainOptions& o, int step) {
  if (step < o.warmup_steps) return o.lr * (step + 1) / o.warmup_steps;
  const double t = static_cast<double>(step - o.warmup_steps) / std::max(1, o.steps - o.warmup_steps);
  return o.lr * (o.min_lr_ratio + (1 - o.min_lr_ratio) * 0.5 * (1 + std::cos(M_PI * t)));
}

// tokens [B, T] and attention [B, T] for sequences <bos> text <eos>, right-padded.
std::pair<at::Tensor, at::Tensor> Batch(const std::vector<std::vector<int32_t>>& seqs, const std::vector<int>& idx,
                                        int pad) {
  size_t T = 0;
  for (int i : idx) T = std::max(T, seqs[i].size());
  auto tokens = torch::full({static_cast<int64_t>(idx.size()), static_cast<int64_t>(T)}, pad, torch::kInt64);
  auto att = torch::zeros_like(tokens);
  auto tk = tokens.accessor<int64_t, 2>();
  auto at = att.accessor<int64_t, 2>();
  for (size_t b = 0; b < idx.size(); ++b)
    for (size_t j = 0; j < seqs[idx[b]].size(); ++j) {
      tk[b][j] = seqs[idx[b]][j];
      at[b][j] = 1;
    }
  return {tokens, att};
}

}  // namespace

ToyPretrainResult PretrainToyBase(const ToyPretrainOptions& o) {
  if (o.threads > 0) torch::set_num_threads(o.threads);
  const std::string tok_json = ToyTokenizerJson();
  lm::Tokenizer tok = lm::Tokenizer::FromJsonText(tok_json, "toy tokenizer");
  const int pad = tok.TokenToId("<pad>"), bos = tok.TokenToId("<bos>"), eos = tok.TokenToId("<eos>");
  lm::io::Qwen2Config cfg = ToyModelConfig(o.model);
  lm::Qwen2ForCausalLM model(cfg);
  lm::InitQwen2Weights(model, static_cast<uint64_t>(o.seed));
  torch::optim::AdamW opt(model->parameters(),
                          torch::optim::AdamWOptions(o.lr).betas(std::make_tuple(0.9, 0.95)).weight_decay(o.weight_decay));
  // Corpus: <bos> problem ' ' demonstration <eos>, cut to the context.
  std::vector<std::vector<int32_t>> seqs;
  for (const auto& line : datasets::toy::MakeToyPretrainCorpus(o.world)) {
    std::vector<int32_t> s{bos};
    auto ids = tok.Encode(line.text, false);
    s.insert(s.end(), ids.begin(), ids.end());
    s.push_back(eos);
    if (static_cast<int>(s.size()) > o.model.context) s.resize(o.model.context);
    seqs.push_back(std::move(s));
  }
  UPT_CHECK(!seqs.empty(), "empty toy corpus");
  ToyPretrainResult res;
  for (const auto& p : model->parameters()) res.parameters += p.numel();
  LogInfo("toy pre-training: {} parameters, {} corpus lines, {} steps x {} sequences", res.parameters, seqs.size(),
          o.steps, o.batch_size);
  MakeDirs(o.out_dir);
  AppendWriter log(o.out_dir + "/pretrain_log.jsonl");
  const auto t0 = std::chrono::steady_clock::now();
  double loss_acc = 0, tokens = 0;
  int loss_n = 0;
  for (int step = 0; step < o.steps; ++step) {
    RngStream rng(static_cast<uint64_t>(o.seed), {StreamId("toy/pretrain"), static_cast<uint64_t>(step)});
    std::vector<int> idx(o.batch_size);
    for (auto& i : idx) i = static_cast<int>(rng.Below(seqs.size()));
    auto [tokens_t, att] = Batch(seqs, idx, pad);
    const double lr = CosineLr(o, step);
    for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
    lm::TokenStats st = lm::TokenLogProbs(model, tokens_t, att);
    at::Tensor n_targets = att.narrow(1, 1, att.size(1) - 1).sum().to(torch::kFloat32);
    at::Tensor loss = -st.logprobs.sum() / n_targets;
    opt.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    opt.step();
    loss_acc += loss.item<double>();
    ++loss_n;
    tokens += att.sum().item<double>();
    if ((step + 1) % o.log_every == 0 || step + 1 == o.steps) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      res.final_loss = loss_acc / loss_n;
      OrderedJson j;
      j["step"] = step + 1;
      j["loss"] = res.final_loss;
      j["lr"] = lr;
      j["seconds"] = secs;
      j["tokens_per_s"] = tokens / secs;
      log.WriteLine(DumpLine(j));
      log.Flush();
      LogInfo("pretrain step {}/{} loss {:.4f} lr {:.2e} {:.0f} tok/s", step + 1, o.steps, res.final_loss, lr,
              tokens / secs);
      loss_acc = 0;
      loss_n = 0;
    }
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.tokens_per_s = tokens / res.seconds;
  lm::SaveQwen2(model, o.out_dir, tok_json);
  return res;
}

}  // namespace upt::train::toy

namespace upt::train {

void RegisterToyTrainData() {
  static std::once_flag once;
  std::call_once(once, [] {
    SetToyTrainProvider([](const std::string& name, long long) {
      if (name != "train")
        throw Error("unknown toy data set 'toy:" + name + "'", "data.train_files", "use toy:train");
      return toy::ToyTrainExamples(datasets::toy::ToyWorldOptions{});
    });
  });
}

}  // namespace upt::train
