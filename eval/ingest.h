// Matching raw samples to a benchmark's problems and accounting for every
// sample that could not be used (nothing is dropped silently).
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/json.h"
#include "datasets/problem.h"
#include "eval/samples.h"

namespace upt::eval {

// Issue kinds, as written in results.json "ingestion.issues".
inline constexpr const char* kMalformed = "malformed";            // unreadable record / missing field
inline constexpr const char* kUnknownId = "unknown_id";           // id not in the benchmark
inline constexpr const char* kUnmatchedPrompt = "unmatched_prompt";  // prompt contains no problem text
inline constexpr const char* kDuplicate = "duplicate";            // (problem, sample_index) seen before; first kept
inline constexpr const char* kEmptyText = "empty_text";           // scored (as incorrect), but reported
inline constexpr const char* kMissingProblem = "missing_problem"; // problem with no samples at all

// Counts per kind plus the first few places ("file:line" or a problem id).
class IssueLog {
 public:
  static constexpr size_t kKeepFirst = 5;
  void Add(const std::string& kind, const std::string& where, const std::string& detail = {});
  long long Count(const std::string& kind) const;
  long long Total() const;
  bool empty() const { return issues_.empty(); }
  // {"kind": {"count": N, "first": ["file:line: detail", ...]}, ...}, kinds sorted.
  OrderedJson ToJson() const;
  // One line per kind for logs / errors.
  std::string Summary() const;

 private:
  struct Entry {
    long long count = 0;
    std::vector<std::string> first;
  };
  std::map<std::string, Entry> issues_;
};

// How a sample was matched.
enum class MatchKind { kNone, kId, kAltId, kPrompt };

// Maps ids and prompts to problem indices. Prompt matching: the exact problem
// text, else the longest (trimmed) problem text contained in the prompt.
// Not thread-safe (caches prompt lookups).
class ProblemMatcher {
 public:
  explicit ProblemMatcher(const datasets::Benchmark& bench);
  // Problem index or -1; *how says which rule matched. Updates alt-index use.
  long Match(const RawSample& s, MatchKind* how);
  long ById(const std::string& id) const;

 private:
  long ByPrompt(const std::string& prompt);
  const datasets::Benchmark& bench_;
  std::unordered_map<std::string, long> by_id_, by_text_, prompt_cache_;
  std::vector<std::string> trimmed_;
};

}  // namespace upt::eval
