#include "lm/tokenizer/bpe.h"

#include <atomic>
#include <functional>
#include <queue>

#include "core/error.h"
#include "lm/tokenizer/normalize.h"

namespace upt::lm {
namespace {

constexpr int32_t kNoRank = INT32_MAX;

void RequireEmptyOrNull(const Json& model, const char* key, const std::string& file) {
  auto it = model.find(key);
  if (it == model.end() || it->is_null()) return;
  if (it->is_string() && it->get<std::string>().empty()) return;
  if (it->is_boolean() && !it->get<bool>()) return;
  if (it->is_number() && it->get<double>() == 0.0) return;
  throw Error("unsupported BPE option (only byte-level BPE without it is implemented)",
              Where(file, 0, std::string("model.") + key), "remove the option or use another tokenizer");
}

std::pair<std::string, std::string> ParseMergeEntry(const Json& m, size_t i, const std::string& file) {
  if (m.is_string()) {
    const std::string& s = m.get_ref<const std::string&>();
    size_t sp = s.find(' ');
    if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
      throw Error("merge must be two tokens separated by one space: '" + s + "'",
                  Where(file, 0, "model.merges[" + std::to_string(i) + "]"));
    return {s.substr(0, sp), s.substr(sp + 1)};
  }
  if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string())
    return {m[0].get<std::string>(), m[1].get<std::string>()};
  throw Error("merge must be \"a b\" or [\"a\", \"b\"]",
              Where(file, 0, "model.merges[" + std::to_string(i) + "]"));
}

}  // namespace

BpeModel::BpeModel() {
  for (int32_t& id : byte_id_) id = -1;
}

BpeModel::BpeModel(const BpeModel& o)
    : vocab_(o.vocab_),
      id_to_token_(o.id_to_token_),
      merges_(o.merges_),
      unk_id_(o.unk_id_),
      ignore_merges_(o.ignore_merges_),
      instance_id_(o.instance_id_) {
  for (int b = 0; b < 256; ++b) byte_id_[b] = o.byte_id_[b];
}

void BpeModel::Load(const Json& model, const std::string& file) {
  static std::atomic<uint64_t> next_instance{1};
  instance_id_ = next_instance++;
  if (!model.is_object()) throw Error("'model' must be an object", Where(file, 0, "model"));
  auto type = model.find("type");
  if (type != model.end() && !(type->is_string() && type->get<std::string>() == "BPE"))
    throw Error("unsupported model type " + type->dump() + " (only BPE is implemented)",
                Where(file, 0, "model.type"), "use a byte-level BPE tokenizer (GPT-2/Qwen/Llama-3 style)");
  for (const char* k : {"dropout", "byte_fallback", "continuing_subword_prefix", "end_of_word_suffix"})
    RequireEmptyOrNull(model, k, file);
  auto ig = model.find("ignore_merges");
  ignore_merges_ = ig != model.end() && ig->is_boolean() && ig->get<bool>();

  auto vocab = model.find("vocab");
  if (vocab == model.end() || !vocab->is_object())
    throw Error("missing or non-object vocab", Where(file, 0, "model.vocab"));
  vocab_.reserve(vocab->size() * 2);
  for (auto it = vocab->begin(); it != vocab->end(); ++it) {
    if (!it.value().is_number_integer() || it.value().get<long long>() < 0 ||
        it.value().get<long long>() > INT32_MAX / 2)
      throw Error("token id must be a non-negative integer", Where(file, 0, "model.vocab." + it.key()));
    int32_t id = it.value().get<int32_t>();
    vocab_[it.key()] = id;
    if (static_cast<size_t>(id) >= id_to_token_.size()) id_to_token_.resize(id + 1);
    id_to_token_[id] = it.key();
  }
  for (int b = 0; b < 256; ++b) byte_id_[b] = Find(ByteToUnicode(static_cast<unsigned char>(b)));

  auto unk = model.find("unk_token");
  if (unk != model.end() && unk->is_string()) unk_id_ = Find(unk->get<std::string>());

  auto merges = model.find("merges");
  if (merges == model.end() || !merges->is_array())
    throw Error("missing or non-array merges", Where(file, 0, "model.merges"));
  merges_.reserve(merges->size() * 2);
  for (size_t i = 0; i < merges->size(); ++i) {
    auto [a, b] = ParseMergeEntry((*merges)[i], i, file);
    int32_t ia = Find(a), ib = Find(b), im = Find(a + b);
    if (ia < 0 || ib < 0 || im < 0)
      throw Error("merge uses a token that is not in the vocab ('" + a + "' + '" + b + "')",
                  Where(file, 0, "model.merges[" + std::to_string(i) + "]"),
                  "every merge's parts and result must be vocab entries");
    merges_.emplace(Key(ia, ib), Merge{static_cast<int32_t>(i), im});  // first (lowest) rank wins
  }
}

int32_t BpeModel::Find(std::string_view token) const { return Find(std::string(token)); }

int32_t BpeModel::Find(const std::string& token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

// O(n^2) in the piece length with a rank per adjacent pair; fastest for the
// short pieces that dominate real text.
void BpeModel::MergeShort(std::vector<int32_t>* syms) const {
  std::vector<int32_t>& s = *syms;
  if (s.size() < 2) return;
  std::vector<int32_t> rank(s.size() - 1), into(s.size() - 1);
  auto fill = [&](size_t i) {
    const Merge* m = FindMerge(s[i], s[i + 1]);
    rank[i] = m ? m->rank : kNoRank;
    into[i] = m ? m->id : -1;
  };
  for (size_t i = 0; i + 1 < s.size(); ++i) fill(i);
  while (s.size() > 1) {
    size_t best = 0;
    for (size_t i = 1; i < rank.size(); ++i)
      if (rank[i] < rank[best]) best = i;
    if (rank[best] == kNoRank) break;
    s[best] = into[best];
    s.erase(s.begin() + best + 1);
    rank.erase(rank.begin() + best);
    into.erase(into.begin() + best);
    if (best < rank.size()) fill(best);
    if (best > 0) fill(best - 1);
  }
}

// Linked list + min-heap keyed by (rank, original position of the left
// symbol); stale heap entries are skipped. O(n log n).
void BpeModel::MergeLong(std::vector<int32_t>* syms) const {
  std::vector<int32_t>& s = *syms;
  const int n = static_cast<int>(s.size());
  std::vector<int> prev(n), next(n);
  std::vector<char> alive(n, 1);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Cand {
    int32_t rank;
    int pos;
    int32_t left, right;
    bool operator>(const Cand& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Cand, std::vector<Cand>, std::greater<Cand>> heap;
  auto push = [&](int i) {
    int j = next[i];
    if (j < 0) return;
    if (const Merge* m = FindMerge(s[i], s[j])) heap.push({m->rank, i, s[i], s[j]});
  };
  for (int i = 0; i + 1 < n; ++i) push(i);
  while (!heap.empty()) {
    Cand c = heap.top();
    heap.pop();
    int i = c.pos, j = next[i];
    if (!alive[i] || j < 0 || s[i] != c.left || s[j] != c.right) continue;
    s[i] = FindMerge(c.left, c.right)->id;
    alive[j] = 0;
    next[i] = next[j];
    if (next[j] >= 0) prev[next[j]] = i;
    if (prev[i] >= 0) push(prev[i]);
    push(i);
  }
  std::vector<int32_t> out;
  for (int i = 0; i >= 0 && i < n; i = next[i]) out.push_back(s[i]);
  s.swap(out);
}

void BpeModel::MergePiece(std::string_view bytes, std::vector<int32_t>* out) const {
  if (bytes.empty()) return;
  if (ignore_merges_) {
    int32_t whole = Find(ByteLevelEncode(bytes));
    if (whole >= 0) {
      out->push_back(whole);
      return;
    }
  }
  std::vector<int32_t> syms;
  syms.reserve(bytes.size());
  for (char c : bytes) {
    int32_t id = byte_id_[static_cast<unsigned char>(c)];
    syms.push_back(id >= 0 ? id : unk_id_);
  }
  if (syms.size() <= 64) MergeShort(&syms);
  else MergeLong(&syms);
  for (int32_t id : syms)
    if (id >= 0) out->push_back(id);  // a byte absent from vocab without unk_token is dropped
}

void BpeModel::EncodePiece(std::string_view bytes, std::vector<int32_t>* out) const {
  if (bytes.size() == 1) {
    int32_t id = byte_id_[static_cast<unsigned char>(bytes[0])];
    if (id < 0) id = unk_id_;
    if (id >= 0) out->push_back(id);
    return;
  }
  if (bytes.size() >= kCacheMaxBytes) {
    MergePiece(bytes, out);
    return;
  }
  struct ThreadCache {
    uint64_t owner = 0;
    std::string key;
    std::unordered_map<std::string, std::vector<int32_t>> map;
  };
  thread_local ThreadCache cache;
  if (cache.owner != instance_id_) {
    cache.map.clear();
    cache.owner = instance_id_;
  }
  cache.key.assign(bytes.data(), bytes.size());
  auto it = cache.map.find(cache.key);
  if (it != cache.map.end()) {
    out->insert(out->end(), it->second.begin(), it->second.end());
    return;
  }
  size_t start = out->size();
  MergePiece(bytes, out);
  if (cache.map.size() >= kCacheMaxEntries) cache.map.clear();
  cache.map.emplace(cache.key, std::vector<int32_t>(out->begin() + start, out->end()));
}

}  // namespace upt::lm
