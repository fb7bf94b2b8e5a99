#include "eval/grade.h"

#include <memory>

#include <tbb/concurrent_unordered_map.h>
#include <tbb/parallel_for.h>

#include "core/error.h"

namespace upt::eval {
namespace {

// Prepared golds by problem address, built on first use and reused for every
// sample of the problem (parse, normalise and key the gold once). An entry is
// used only while the problem's answer is the one it was prepared from.
class GoldCache {
 public:
  explicit GoldCache(const verifiers::VerifyOptions& opts) : opts_(opts) {}

  // The cached gold (no copy: entries are never erased), or *scratch.
  const verifiers::PreparedGold& Get(const datasets::Problem& p, verifiers::PreparedGold* scratch) {
    auto it = map_.find(&p);
    if (it != map_.end() && it->second.raw() == p.answer) return it->second;
    *scratch = verifiers::PrepareGold(p.answer, opts_);
    if (it == map_.end()) map_.emplace(&p, *scratch);
    return *scratch;
  }

 private:
  verifiers::VerifyOptions opts_;
  tbb::concurrent_unordered_map<const datasets::Problem*, verifiers::PreparedGold> map_;
};

}  // namespace

Grader MakeVerifierGrader(datasets::Kind kind, const verifiers::GradeOptions& opts) {
  if (kind == datasets::Kind::kMultipleChoice) {
    return [opts](const datasets::Problem& p, std::string_view completion) {
      return verifiers::GradeChoice(p.answer, completion, p.choices, opts);
    };
  }
  auto cache = std::make_shared<GoldCache>(opts.verify);
  return [opts, cache](const datasets::Problem& p, std::string_view completion) {
    verifiers::PreparedGold scratch;
    return verifiers::Grade(cache->Get(p, &scratch), completion, opts);
  };
}

AvgAtN GradeAvgAtN(const datasets::Benchmark& bench, const std::vector<std::string>& completions, int n,
                   const Grader& grader, const BootstrapOptions& opts) {
  if (n < 1 || completions.size() != bench.problems.size() * static_cast<size_t>(n))
    throw Error("expected " + std::to_string(n) + " completions per problem", "eval::GradeAvgAtN");
  std::vector<char> ok(completions.size(), 0);
  tbb::parallel_for(size_t{0}, completions.size(), [&](size_t i) {
    ok[i] = grader(bench.problems[i / static_cast<size_t>(n)], completions[i]).correct ? 1 : 0;
  });
  AvgAtN r;
  r.n = n;
  r.problems = static_cast<int>(bench.problems.size());
  r.samples = static_cast<long long>(completions.size());
  std::vector<double> per_problem(bench.problems.size(), 0.0);
  for (size_t p = 0; p < per_problem.size(); ++p) {
    long long c = 0;
    for (int j = 0; j < n; ++j) c += ok[p * static_cast<size_t>(n) + static_cast<size_t>(j)];
    r.correct += c;
    per_problem[p] = static_cast<double>(c) / n;
  }
  if (!per_problem.empty()) r.pass_at_1 = BootstrapMeanCI(per_problem, opts);
  return r;
}

}  // namespace upt::eval
