#include "train/loop/config/train_data.h"

#include <numeric>

#include "core/error.h"
#include "core/jsonl.h"
#include "core/rng.h"
#include "core/strings.h"
#include "datasets/load.h"

namespace upt::train {
namespace {

ToyTrainProvider& Provider() {
  static ToyTrainProvider provider;
  return provider;
}

std::string TargetText(const Json& row, const JsonSource& src) {
  if (!row.contains("target") || row["target"].is_null()) return {};
  const Json& t = row["target"];
  if (t.is_string()) return t.get<std::string>();
  if (t.is_array() && !t.empty() && t.back().is_object() && t.back().contains("content") &&
      t.back()["content"].is_string())
    return t.back()["content"].get<std::string>();
  throw Error("field 'target' must be a string or a list of {role, content} messages",
              Where(src.file, src.line, "target"));
}

}  // namespace

// A Parquet training set (verl's layout, e.g. Elliott/Openr1-Math-46k-8192) through
// the datasets loader: problem = prompt's user turn, answer = reward_model.ground_truth,
// target = target[0].content (docs/datasets.md).
std::vector<TrainExample> LoadTrainParquet(const std::string& path) {
  datasets::LoadOptions opts;
  opts.kind = "math";
  std::vector<TrainExample> out;
  datasets::ParseParquet(path, opts, nullptr, [&](datasets::Problem&& p) {
    out.push_back({std::move(p.id), std::move(p.problem), std::move(p.answer), std::move(p.target)});
  });
  return out;
}

std::vector<TrainExample> LoadTrainFile(const std::string& path) {
  if (datasets::IsParquetPath(path)) return LoadTrainParquet(path);
  JsonlReader reader(path);
  JsonlRecord rec;
  std::vector<TrainExample> out;
  while (reader.Next(&rec)) {
    JsonSource src = reader.Source(rec.line);
    if (!rec.error.empty()) throw Error(rec.error, Where(path, rec.line), "each line must be one JSON object");
    if (!rec.value.is_object()) throw Error("expected a JSON object", Where(path, rec.line));
    TrainExample ex;
    ex.id = rec.value.contains("id") && rec.value["id"].is_number_integer()
                ? std::to_string(rec.value["id"].get<long long>())
                : RequireString(rec.value, "id", src);
    ex.problem = RequireString(rec.value, "problem", src);
    ex.answer = RequireString(rec.value, "answer", src);
    ex.target = TargetText(rec.value, src);
    out.push_back(std::move(ex));
  }
  if (out.empty()) throw Error("no training examples", path, "the file is empty");
  return out;
}

std::vector<TrainExample> LoadTrainData(const std::string& spec, long long seed) {
  if (StartsWith(spec, "toy:")) {
    if (!Provider()) throw Error("the toy world is not linked into this program", spec);
    return Provider()(spec.substr(4), seed);
  }
  return LoadTrainFile(spec);
}

void SetToyTrainProvider(ToyTrainProvider provider) { Provider() = std::move(provider); }
bool HasToyTrainProvider() { return static_cast<bool>(Provider()); }

std::vector<int> EpochOrder(int size, long long seed, int epoch, bool shuffle) {
  std::vector<int> order(size);
  std::iota(order.begin(), order.end(), 0);
  if (!shuffle) return order;
  RngStream rng(static_cast<uint64_t>(seed), {StreamId("train/epoch_order"), static_cast<uint64_t>(epoch)});
  for (int i = size - 1; i > 0; --i) std::swap(order[i], order[rng.Below(static_cast<uint64_t>(i) + 1)]);
  return order;
}

std::vector<int> NextBatch(int size, int batch, long long seed, bool shuffle, DataCursor* cursor) {
  UPT_CHECK(size > 0 && batch > 0, "empty data or batch");
  std::vector<int> out;
  out.reserve(batch);
  std::vector<int> order = EpochOrder(size, seed, cursor->epoch, shuffle);
  while (static_cast<int>(out.size()) < batch) {
    if (cursor->offset >= size) {
      cursor->epoch += 1;
      cursor->offset = 0;
      order = EpochOrder(size, seed, cursor->epoch, shuffle);
    }
    out.push_back(order[cursor->offset++]);
  }
  return out;
}

}  // namespace upt::train
