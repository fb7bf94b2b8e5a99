// The BPE model of a byte-level tokenizer.json: vocab, merges by rank, and a
// per-piece cache. Works on token ids: a piece's bytes start as the ids of
// their byte-level stand-ins, then the lowest-rank adjacent pair is merged
// (leftmost first among equal ranks) until no pair has a merge — the same
// order as Hugging Face tokenizers and transformers.js.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/json.h"

namespace upt::lm {

class BpeModel {
 public:
  // Parses tokenizer.json's "model" object; throws upt::Error naming
  // `file: field 'model.x'` on unsupported options or malformed content.
  void Load(const Json& model, const std::string& file);

  // Appends the ids of one pre-token (raw bytes, before byte-level mapping).
  // Thread-safe; results for pieces of 2..kCacheMaxBytes-1 bytes are cached in
  // a per-thread cache (no locks), which a thread resets when it switches to
  // another loaded model.
  void EncodePiece(std::string_view bytes, std::vector<int32_t>* out) const;
  // Uncached merge loop (exposed for tests and benchmarks).
  void MergePiece(std::string_view bytes, std::vector<int32_t>* out) const;

  int32_t Find(std::string_view token) const;  // -1 when absent
  int32_t Find(const std::string& token) const;
  const std::vector<std::string>& id_to_token() const { return id_to_token_; }
  size_t merge_count() const { return merges_.size(); }

  BpeModel();
  BpeModel(const BpeModel& o);
  BpeModel& operator=(const BpeModel&) = delete;

  static constexpr size_t kCacheMaxBytes = 256;

 private:
  struct Merge {
    int32_t rank;
    int32_t id;
  };
  static uint64_t Key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  const Merge* FindMerge(int32_t a, int32_t b) const {
    auto it = merges_.find(Key(a, b));
    return it == merges_.end() ? nullptr : &it->second;
  }
  void MergeShort(std::vector<int32_t>* syms) const;
  void MergeLong(std::vector<int32_t>* syms) const;

  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> id_to_token_;
  std::unordered_map<uint64_t, Merge> merges_;
  int32_t byte_id_[256];
  int32_t unk_id_ = -1;
  bool ignore_merges_ = false;

  uint64_t instance_id_ = 0;  // unique per Load(); keys the per-thread cache
  static constexpr size_t kCacheMaxEntries = 1 << 16;
};

}  // namespace upt::lm
