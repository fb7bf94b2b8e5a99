#include "train/loop/validate.h"

#include <algorithm>

#include "core/rng.h"
#include "datasets/registry.h"
#include "eval/grade.h"
#include "verifiers/reward.h"

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

verifiers::GradeOptions RewardGrading(const RewardOptions& reward, bool validation) {
  const std::string& name = validation && !reward.validation_policy.empty() ? reward.validation_policy : reward.policy;
  return verifiers::RewardGradeOptions(verifiers::ParseRewardPolicy(name), reward.grading);
}

std::vector<ValidationResult> Validate(lm::Generator& gen, const PromptFormat& fmt,
                                       const std::vector<datasets::Benchmark>& sets, const TrainConfig& cfg) {
  const lm::SamplingParams sp = ValidationSampling(cfg.rollout);
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
    const verifiers::GradeOptions g = RewardGrading(cfg.reward, /*validation=*/true);
    std::vector<std::string> texts;
    texts.reserve(results.size());
    for (auto& res : results) texts.push_back(std::move(res.text));
    const eval::AvgAtN a = eval::GradeAvgAtN(b, texts, n, eval::MakeVerifierGrader(b.kind, g), eval::BootstrapOptions{});
    ValidationResult r;
    r.benchmark = b.name;
    r.n = n;
    r.problems = a.problems;
    // = a.pass_at_1.mean (every problem has n samples), computed as before so
    // logged values stay bit-identical: correct / samples.
    r.avg_at_n = a.samples == 0 ? 0.0 : static_cast<double>(a.correct) / static_cast<double>(a.samples);
    r.ci_low = a.pass_at_1.low;
    r.ci_high = a.pass_at_1.high;
    r.verifier = verifiers::PolicyName(g);
    out.push_back(r);
  }
  return out;
}

}  // namespace upt::train
