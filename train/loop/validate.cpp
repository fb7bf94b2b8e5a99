#include "train/loop/validate.h"

#include <algorithm>

#include "core/rng.h"
#include "datasets/registry.h"
#include "verifiers/verify.h"

namespace upt::train {

std::vector<datasets::Benchmark> LoadValidationSets(const TrainConfig& cfg) {
  std::vector<datasets::Benchmark> sets;
  for (const auto& spec : cfg.data.val_files) {
    datasets::Benchmark b = datasets::LoadBenchmarkOrFile(spec);
    if (cfg.data.val_limit > 0 && static_cast<int>(b.problems.size()) > cfg.data.val_limit)
      b.problems.resize(cfg.data.val_limit);
    sets.push_back(std::move(b));
  }
  return sets;
}

std::vector<ValidationResult> Validate(lm::Generator& gen, const PromptFormat& fmt,
                                       const std::vector<datasets::Benchmark>& sets, const TrainConfig& cfg) {
  lm::SamplingParams sp;
  sp.temperature = cfg.rollout.val_temperature;
  sp.top_p = cfg.rollout.val_top_p;
  sp.top_k = cfg.rollout.top_k;
  sp.max_new_tokens = cfg.rollout.val_max_new_tokens > 0 ? cfg.rollout.val_max_new_tokens : cfg.rollout.max_new_tokens;
  sp.stop = cfg.rollout.stop;
  const int n = cfg.rollout.val_n;
  std::vector<ValidationResult> out;
  for (const auto& b : sets) {
    std::vector<lm::GenerationRequest> reqs;
    for (const auto& p : b.problems) {
      auto prompt = fmt.Prompt(p.problem);
      for (int j = 0; j < n; ++j) reqs.push_back({prompt, StreamId(b.name + "/" + p.id), static_cast<uint64_t>(j)});
    }
    auto results = gen.Generate(reqs, sp, static_cast<uint64_t>(cfg.trainer.seed) ^ StreamId("train/validation"),
                                 static_cast<int>(std::clamp<size_t>(reqs.size(), 1, cfg.rollout.max_num_seqs)));
    verifiers::GradeOptions g;
    long correct = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& p = b.problems[i / n];
      bool ok = b.kind == datasets::Kind::kMultipleChoice
                    ? verifiers::GradeChoice(p.answer, results[i].text, p.choices, g).correct
                    : verifiers::Grade(p.answer, results[i].text, g).correct;
      correct += ok ? 1 : 0;
    }
    ValidationResult r;
    r.benchmark = b.name;
    r.n = n;
    r.problems = static_cast<int>(b.problems.size());
    r.avg_at_n = results.empty() ? 0.0 : static_cast<double>(correct) / results.size();
    out.push_back(r);
  }
  return out;
}

}  // namespace upt::train
