#include "train/loop/checkpoint.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/fs.h"
#include "core/strings.h"
#include "lm/model/checkpoint.h"

namespace upt::train {
namespace fs = std::filesystem;

OrderedJson TrainerStateToJson(const TrainerState& s) {
  OrderedJson j;
  j["step"] = s.step;
  j["epoch"] = s.cursor.epoch;
  j["epoch_offset"] = s.cursor.offset;
  j["seed"] = s.seed;
  j["rng"] = "counter-based: RngStream(seed, {stream, step}); no other state";
  j["last_metrics"] = s.last_metrics;
  j["config"] = s.config;
  return j;
}

TrainerState TrainerStateFromJson(const Json& j, const std::string& where) {
  JsonSource src{where, 0};
  TrainerState s;
  s.step = static_cast<int>(RequireInt(j, "step", src));
  s.cursor.epoch = static_cast<int>(RequireInt(j, "epoch", src));
  s.cursor.offset = static_cast<int>(RequireInt(j, "epoch_offset", src));
  s.seed = RequireInt(j, "seed", src);
  if (j.contains("config")) s.config = j["config"];
  if (j.contains("last_metrics")) s.last_metrics = j["last_metrics"];
  return s;
}

namespace {

int CheckpointStep(const std::string& name) {
  long long step = -1;
  if (!StartsWith(name, "checkpoint-") || !ParseInt64(name.substr(11), &step)) return -1;
  return static_cast<int>(step);
}

void PruneCheckpoints(const std::string& out_dir, const std::string& keep_name, int keep) {
  std::vector<std::pair<int, fs::path>> found;
  for (const auto& e : fs::directory_iterator(out_dir)) {
    std::string name = e.path().filename().string();
    if (EndsWith(name, ".tmp") && StartsWith(name, "checkpoint-")) {
      fs::remove_all(e.path());  // a save that was interrupted
      continue;
    }
    int step = CheckpointStep(name);
    if (step >= 0 && e.is_directory()) found.push_back({step, e.path()});
  }
  if (keep <= 0) return;
  std::sort(found.begin(), found.end());
  int excess = static_cast<int>(found.size()) - keep;
  for (int i = 0; i < excess; ++i)
    if (found[i].second.filename() != keep_name) fs::remove_all(found[i].second);
}

}  // namespace

namespace {

[[noreturn]] void ThrowDiverged(const std::string& what, int step, const std::string& out_dir) {
  std::string last = LatestCheckpoint(out_dir);
  throw Error("training diverged: " + what + " at step " + std::to_string(step) + "; stopped without saving it",
              out_dir,
              "lower actor.optim.lr (or raise warmup / grad clipping) and restart; " +
                  (last.empty() ? std::string("no earlier checkpoint exists")
                                : "the last good checkpoint is " + last + " (--resume continues from it)"));
}

// Throws when a weight is NaN or infinite: such a model must not become `latest`.
void RequireFiniteWeights(lm::Qwen2ForCausalLM& model, int step, const std::string& out_dir) {
  torch::NoGradGuard no_grad;
  for (const auto& p : model->named_parameters())
    if (!torch::isfinite(p.value()).all().item<bool>())
      ThrowDiverged("weight '" + p.key() + "' holds NaN or infinite values", step, out_dir);
}

}  // namespace

std::string SaveCheckpoint(const std::string& out_dir, const TrainerState& state, lm::Qwen2ForCausalLM& model,
                           const std::string& tokenizer_json, torch::optim::Optimizer& optimizer, int keep) {
  RequireFiniteWeights(model, state.step, out_dir);
  const std::string name = "checkpoint-" + std::to_string(state.step);
  const std::string final_dir = out_dir + "/" + name;
  const std::string tmp = final_dir + ".tmp";
  try {
    fs::remove_all(tmp);
    MakeDirs(tmp);
    lm::SaveQwen2(model, tmp, tokenizer_json, lm::SaveOptions{"F32", 0});
    torch::save(optimizer, tmp + "/optimizer.pt");  // throws c10::Error on ENOSPC
    WriteFileAtomic(tmp + "/trainer_state.json", DumpPretty(TrainerStateToJson(state)));
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove_all(tmp, ec);  // the partial save; `latest` still names the previous checkpoint
    std::string last = LatestCheckpoint(out_dir);
    std::string msg = e.what();
    if (msg.size() > 300) msg = msg.substr(0, 300) + "...";
    throw Error("cannot write checkpoint " + name + ": " + msg, tmp,
                "check free disk space; " + (last.empty() ? std::string("no earlier checkpoint exists")
                                                           : "the previous checkpoint " + last + " is intact"));
  }
  fs::remove_all(final_dir);
  fs::rename(tmp, final_dir);
  WriteFileAtomic(out_dir + "/latest", name + "\n");
  PruneCheckpoints(out_dir, name, keep);
  return final_dir;
}

void RequireFiniteLosses(const std::map<std::string, double>& losses, int step, const std::string& out_dir) {
  for (const auto& [name, v] : losses)
    if (!std::isfinite(v)) ThrowDiverged("'" + name + "' is " + std::to_string(v), step, out_dir);
}

std::string LatestCheckpoint(const std::string& out_dir) {
  const std::string pointer = out_dir + "/latest";
  if (!FileExists(pointer)) return {};
  std::string name(Trim(ReadFile(pointer)));
  std::string dir = out_dir + "/" + name;
  if (CheckpointStep(name) < 0 || !FileExists(dir + "/trainer_state.json"))
    throw Error("'latest' names a missing or incomplete checkpoint: " + name, pointer,
                "delete the file to start over, or point it at a complete checkpoint-N directory");
  return dir;
}

TrainerState LoadTrainerState(const std::string& checkpoint_dir) {
  std::string path = checkpoint_dir + "/trainer_state.json";
  Json j;
  try {
    j = Json::parse(ReadFile(path));
  } catch (const Json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what(), path);
  }
  return TrainerStateFromJson(j, path);
}

void LoadOptimizerState(const std::string& checkpoint_dir, torch::optim::Optimizer& optimizer) {
  std::string path = checkpoint_dir + "/optimizer.pt";
  if (!FileExists(path)) throw Error("missing optimizer state", path);
  torch::load(optimizer, path);
}

}  // namespace upt::train
