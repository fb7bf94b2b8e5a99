// Training prompts with gold answers and teacher demonstrations.
//
// File format (JSONL, one question per line):
//   {"id": "q17", "problem": "...", "answer": "42", "target": "... \\boxed{42}"}
// `target` (the demonstration τ*) may also be verl's list of chat messages
// [{"role": "assistant", "content": "..."}]; the last message's content is used.
// `target` is optional for pure RL presets (grpo), required by any preset that
// trains on demonstrations (checked by the trainer).
// A `.parquet` file (or one with the PAR1 magic) is read in verl's layout
// (datasets::ParseParquet), as `upt data import --format verl` converts it.
// The spec "toy:train" names the embedded toy world's training set.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace upt::train {

struct TrainExample {
  std::string id;
  std::string problem;
  std::string answer;
  std::string target;  // demonstration; "" when absent
};

// Loads a training file (see above); throws upt::Error with file:line and field.
std::vector<TrainExample> LoadTrainFile(const std::string& path);

// Resolves a data spec: "toy:..." through the registered toy provider, else a file.
std::vector<TrainExample> LoadTrainData(const std::string& spec, long long seed);

// The toy world registers its training set here (train/toy does it), keeping
// this library free of the toy generator. `seed` is trainer.seed.
using ToyTrainProvider = std::function<std::vector<TrainExample>(const std::string& name, long long seed)>;
void SetToyTrainProvider(ToyTrainProvider provider);
bool HasToyTrainProvider();

// Deterministic epoch order: a permutation of [0, size) from (seed, epoch)
// (identity when shuffle is false). Used for the data cursor, so resuming at
// (epoch, offset) replays exactly the same prompts.
std::vector<int> EpochOrder(int size, long long seed, int epoch, bool shuffle);

// The prompt indices of one step: `batch` consecutive positions of the
// (epoch, offset) cursor, wrapping into the next epoch (drop-last is not
// used: a step always has `batch` prompts). Advances the cursor.
struct DataCursor {
  int epoch = 0;
  int offset = 0;  // position within the epoch's order
};
std::vector<int> NextBatch(int size, int batch, long long seed, bool shuffle, DataCursor* cursor);

}  // namespace upt::train
