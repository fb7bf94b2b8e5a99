// How often the reward policies `upt` and `hpt_code` disagree, on
//   - MATH-500 reference solutions against their own gold (and, for false
//     accepts, against the next problem's gold);
//   - the toy world: teacher demonstrations of every toy benchmark problem,
//     the pre-training corpus lines (noisy teacher: some final values wrong),
//     and the same demonstrations with the \boxed{} removed.
// Prints one table row per set: pairs, accepted by each, disagreements.
//   bench_reward_agreement            (no arguments; ~1 s)
#include <cstdio>
#include <string>
#include <vector>

#include "datasets/registry.h"
#include "datasets/toy/toy_world.h"
#include "verifiers/reward.h"
#include "verifiers/verify.h"

namespace uv = upt::verifiers;
namespace toy = upt::datasets::toy;

namespace {

struct Pair {
  std::string gold, completion;
};

void Row(const char* name, const std::vector<Pair>& pairs) {
  const uv::GradeOptions upt = uv::RewardGradeOptions(uv::RewardPolicy::kUpt);
  const uv::GradeOptions hpt = uv::RewardGradeOptions(uv::RewardPolicy::kHptCode);
  long a = 0, b = 0, only_upt = 0, only_hpt = 0;
  for (const auto& p : pairs) {
    bool u = uv::Grade(p.gold, p.completion, upt).correct;
    bool h = uv::Grade(p.gold, p.completion, hpt).correct;
    a += u;
    b += h;
    only_upt += u && !h;
    only_hpt += h && !u;
  }
  std::printf("| %s | %zu | %ld | %ld | %ld | %ld | %.2f%% |\n", name, pairs.size(), a, b, only_upt, only_hpt,
              pairs.empty() ? 0.0 : 100.0 * static_cast<double>(only_upt + only_hpt) / pairs.size());
}

// The demonstration with its box opened: "... 3+4=7 \boxed{7}" -> "... 3+4=7 7".
std::string Unboxed(std::string s) {
  size_t at = s.rfind("\\boxed{");
  if (at == std::string::npos) return s;
  size_t end = s.find('}', at);
  return s.substr(0, at) + s.substr(at + 7, end - at - 7) + (end == std::string::npos ? "" : s.substr(end + 1));
}

}  // namespace

int main() {
  std::printf("| set | pairs | upt accepts | hpt_code accepts | only upt | only hpt_code | disagree |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  upt::datasets::Benchmark math = upt::datasets::LoadBenchmark("math500");
  std::vector<Pair> own, other;
  for (size_t i = 0; i < math.problems.size(); ++i) {
    const auto& p = math.problems[i];
    std::string sol = p.meta.value("solution", std::string());
    if (sol.empty()) continue;
    own.push_back({p.answer, sol});
    const auto& q = math.problems[(i + 1) % math.problems.size()];
    if (q.answer != p.answer) other.push_back({q.answer, sol});
  }
  Row("MATH-500 reference solutions, own gold", own);
  Row("MATH-500 reference solutions, next problem's gold", other);
  std::vector<Pair> demos, unboxed;
  for (const auto& spec : toy::ToyBenchmarkSpecs()) {
    upt::datasets::Benchmark b = toy::MakeToyBenchmark(spec.name);
    for (const auto& p : b.problems) {
      if (!p.choices.empty()) continue;  // multiple choice is graded by GradeChoice under both
      toy::ToySolution s = toy::TeacherSolution(p);
      if (!s.ok) continue;
      demos.push_back({p.answer, s.demonstration});
      unboxed.push_back({p.answer, Unboxed(s.demonstration)});
    }
  }
  Row("toy world: teacher demonstrations (all toy benchmarks)", demos);
  Row("toy world: the same demonstrations without \\boxed{}", unboxed);
  std::vector<Pair> corpus;
  for (const auto& line : toy::MakeToyPretrainCorpus()) {
    size_t sp = line.text.find(' ');
    while (sp != std::string::npos && toy::ToyAnswer(line.text.substr(0, sp)).empty())
      sp = line.text.find(' ', sp + 1);
    if (sp == std::string::npos) continue;
    std::string problem = line.text.substr(0, sp);
    corpus.push_back({toy::ToyAnswer(problem), line.text.substr(sp + 1)});
    if (corpus.size() >= 20000) break;
  }
  Row("toy world: pre-training corpus lines (noisy teacher)", corpus);
  return 0;
}
