#include "eval/grade.h"

#include <memory>

#include <tbb/concurrent_unordered_map.h>

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

}  // namespace upt::eval
