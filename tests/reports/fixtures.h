// Synthetic run directories for the reports tests: score directories in the
// layout `upt score` writes (problems.csv + results.json), trainer logs
// (metrics.jsonl) and rollout logs (rollout_accuracy.jsonl). No training needed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/json.h"
#include "core/rng.h"
#include "eval/passk.h"

namespace upt::testing {

inline void WriteScoreDir(const std::string& dir, const std::string& bench, const std::vector<eval::Counts>& counts) {
  MakeDirs(dir);
  std::string csv = "id,n,c,pass@1,truncated,mean_length\n";
  for (const auto& c : counts)
    csv += c.id + "," + std::to_string(c.n) + "," + std::to_string(c.c) + "," +
           std::to_string(static_cast<double>(c.c) / c.n) + ",0,100\n";
  WriteFileAtomic(dir + "/problems.csv", csv);
  Json r = {{"schema", "upt.score.results/1"},
            {"benchmark", {{"name", bench}, {"problems", counts.size()}}},
            {"metrics", {{"pass_at_1", {{"value", 0.5}, {"ci_low", 0.4}, {"ci_high", 0.6}}}}},
            {"provenance",
             {{"upt_version", "0.1.0"},
              {"git_revision", "abc1234"},
              {"dataset", bench},
              {"dataset_sha256", "0123456789abcdef0123456789abcdef"},
              {"verifier_policy", "default"},
              {"sample_files",
               Json::array({{{"path", "samples.jsonl"},
                             {"meta",
                              {{"settings",
                                {{"model", "toy-1m"},
                                 {"seed", 7},
                                 {"sampling", {{"temperature", 0.6}, {"top_p", 0.95}, {"max_new_tokens", 512}}}}}}}}})}}}};
  WriteFileAtomic(dir + "/results.json", DumpPretty(r));
}

// `problems` problems with n samples each; problem p has c = round(n * acc_p),
// acc_p spread in [0, skill].
inline std::vector<eval::Counts> SyntheticCounts(int problems, long long n, double skill, uint64_t seed) {
  std::vector<eval::Counts> out;
  RngStream rng(seed, {1});
  for (int p = 0; p < problems; ++p) {
    double acc = skill * rng.Uniform();
    long long c = 0;
    for (long long s = 0; s < n; ++s) c += rng.Uniform() < acc ? 1 : 0;
    out.push_back({"q" + std::to_string(p), n, c});
  }
  return out;
}

// metrics.jsonl with `steps` lines of verl-style keys.
inline void WriteMetricsJsonl(const std::string& path, int steps, double offset) {
  std::string text;
  for (int s = 0; s <= steps; ++s) {
    Json j = {{"step", s},
              {"critic/score/mean", offset + 0.4 * s / steps},
              {"actor/entropy", 0.8 - 0.3 * s / steps + offset},
              {"response_length/mean", 600 + 10 * s},
              {"hpt/offline_data_ratio", 1.0 / (1 + s * (1 + offset))}};
    if (s % 5 == 0) {
      j["val-core/aime24/acc/mean@8"] = 0.1 + offset + 0.01 * s;
      j["val-core/math500/acc/mean@8"] = 0.5 + offset + 0.005 * s;
    }
    text += j.dump() + "\n";
  }
  WriteFileAtomic(path, text);
}

// rollout_accuracy.jsonl: question q is first solved in epoch q % (epochs + 1)
// (never when that equals `epochs`), then its accuracy grows.
inline void WriteRollouts(const std::string& path, int questions, int epochs, long long n, int shift) {
  std::string text;
  int step = 0;
  for (int e = 0; e < epochs; ++e) {
    for (int q = 0; q < questions; ++q) {
      int first = (q + shift) % (epochs + 1);
      long long c = (first < epochs && e >= first) ? std::min<long long>(n, 1 + (e - first)) : 0;
      Json j = {{"step", step++}, {"epoch", e}, {"id", "q" + std::to_string(q)}, {"c", c}, {"n", n}};
      text += j.dump() + "\n";
    }
  }
  WriteFileAtomic(path, text);
}

// A run folder: RUN/scores/<bench>/..., RUN/metrics.jsonl, RUN/rollout_accuracy.jsonl.
inline void WriteRun(const std::string& dir, const std::string& label, double skill, uint64_t seed, bool logs) {
  MakeDirs(dir);
  WriteFileAtomic(dir + "/run.json", Json({{"label", label}}).dump());
  WriteScoreDir(dir + "/scores/aime24", "aime24", SyntheticCounts(12, 16, skill, seed));
  WriteScoreDir(dir + "/scores/math500", "math500", SyntheticCounts(20, 4, skill + 0.2, seed + 1));
  WriteScoreDir(dir + "/scores/gpqa_diamond", "gpqa_diamond", SyntheticCounts(15, 1, skill + 0.1, seed + 2));
  if (logs) {
    WriteMetricsJsonl(dir + "/metrics.jsonl", 20, skill / 10);
    WriteRollouts(dir + "/rollout_accuracy.jsonl", 12, 6, 8, static_cast<int>(seed % 3));
  }
}

}  // namespace upt::testing
