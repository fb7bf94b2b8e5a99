#include "eval/ingest.h"


#include "core/strings.h"

namespace upt::eval {

void IssueLog::Add(const std::string& kind, const std::string& where, const std::string& detail) {
  auto& e = issues_[kind];
  ++e.count;
  if (e.first.size() < kKeepFirst) e.first.push_back(detail.empty() ? where : where + ": " + detail);
}

long long IssueLog::Count(const std::string& kind) const {
  auto it = issues_.find(kind);
  return it == issues_.end() ? 0 : it->second.count;
}

long long IssueLog::Total() const {
  long long t = 0;
  for (const auto& [k, e] : issues_) t += e.count;
  return t;
}

OrderedJson IssueLog::ToJson() const {
  OrderedJson j = OrderedJson::object();
  for (const auto& [k, e] : issues_) j[k] = OrderedJson{{"count", e.count}, {"first", e.first}};
  return j;
}

std::string IssueLog::Summary() const {
  std::string out;
  for (const auto& [k, e] : issues_) {
    out += k + ": " + std::to_string(e.count) + " (first: " + Join(e.first, "; ") + ")\n";
  }
  return out;
}

ProblemMatcher::ProblemMatcher(const datasets::Benchmark& bench) : bench_(bench) {
  trimmed_.reserve(bench.problems.size());
  for (size_t i = 0; i < bench.problems.size(); ++i) {
    by_id_.emplace(bench.problems[i].id, static_cast<long>(i));
    trimmed_.emplace_back(Trim(bench.problems[i].problem));
    by_text_.emplace(trimmed_.back(), static_cast<long>(i));
  }
}

long ProblemMatcher::ById(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? -1 : it->second;
}

long ProblemMatcher::ByPrompt(const std::string& prompt) {
  auto cached = prompt_cache_.find(prompt);
  if (cached != prompt_cache_.end()) return cached->second;
  std::string key(Trim(prompt));
  long best = -1;
  auto exact = by_text_.find(key);
  if (exact != by_text_.end()) {
    best = exact->second;
  } else {
    size_t best_len = 0;
    for (size_t i = 0; i < trimmed_.size(); ++i) {
      const auto& t = trimmed_[i];
      if (t.empty() || t.size() <= best_len || t.size() > key.size()) continue;
      if (key.find(t) != std::string::npos) {
        best = static_cast<long>(i);
        best_len = t.size();
      }
    }
  }
  prompt_cache_.emplace(prompt, best);
  return best;
}

long ProblemMatcher::Match(const RawSample& s, MatchKind* how) {
  *how = MatchKind::kNone;
  if (!s.id.empty()) {
    long i = ById(s.id);
    if (i >= 0) {
      *how = MatchKind::kId;
      return i;
    }
  }
  if (!s.alt_id.empty()) {
    long i = ById(s.alt_id);
    if (i >= 0) {
      *how = MatchKind::kAltId;
      return i;
    }
  }
  if (!s.prompt.empty()) {
    long i = ByPrompt(s.prompt);
    if (i >= 0) {
      *how = MatchKind::kPrompt;
      return i;
    }
  }
  return -1;
}

}  // namespace upt::eval
