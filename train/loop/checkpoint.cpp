#include "train/loop/checkpoint.h"

#include <torch/torch.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
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

// torch::save(optimizer, path) aborts the process on a full disk: libtorch's
// zip writer throws from its destructor (std::terminate). So libtorch writes
// through this function, which never reports a short write to it; the first
// write error is kept and turned into an upt::Error once libtorch is done.
void SaveOptimizerState(torch::optim::Optimizer& optimizer, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw Error(std::string("cannot create file: ") + std::strerror(errno), path, "check that the folder is writable");
  int err = 0;
  std::function<size_t(const void*, size_t)> write = [&](const void* data, size_t n) -> size_t {
    if (err == 0 && n > 0 && std::fwrite(data, 1, n, f) != n) err = errno ? errno : EIO;
    return n;
  };
  try {
    torch::save(optimizer, write);
  } catch (...) {
    std::fclose(f);
    std::remove(path.c_str());
    throw;
  }
  if (err == 0 && (std::fflush(f) != 0 || ::fsync(::fileno(f)) != 0)) err = errno;
  if (std::fclose(f) != 0 && err == 0) err = errno;
  if (err != 0) {
    std::remove(path.c_str());
    throw Error(std::string("write failed: ") + std::strerror(err), path, "check free disk space");
  }
}

[[noreturn]] void ThrowDiverged(const std::string& what, int step, const std::string& out_dir) {
  std::string last = LatestCheckpoint(out_dir);
  throw Error("training diverged: " + what + " at step " + std::to_string(step) + "; stopped without saving it",
              out_dir,
              "lower actor.optim.lr (or raise warmup / grad clipping) and restart; " +
                  (last.empty() ? std::string("no earlier checkpoint exists")
                                : "the last good checkpoint is " + last + " (--resume continues from it)"));
}

// Throws when a weight is NaN or infinite, or when the model's logits on a
// short probe sequence are (finite but overflowing weights, e.g. after lr 1e30):
// such a model must not become `latest`.
void RequireFiniteWeights(lm::Qwen2ForCausalLM& model, int step, const std::string& out_dir) {
  torch::NoGradGuard no_grad;
  for (const auto& p : model->named_parameters())
    if (!torch::isfinite(p.value()).all().item<bool>())
      ThrowDiverged("weight '" + p.key() + "' holds NaN or infinite values", step, out_dir);
  const auto device = model->parameters().front().device();
  at::Tensor probe = torch::arange(0, 4, torch::TensorOptions().dtype(torch::kLong).device(device)).view({1, 4});
  probe = probe.remainder(model->config().vocab_size);
  if (!torch::isfinite(model->forward(probe)).all().item<bool>())
    ThrowDiverged("the model's logits are NaN or infinite (weights overflow)", step, out_dir);
}

}  // namespace

std::string SaveCheckpoint(const std::string& out_dir, const TrainerState& state, lm::Qwen2ForCausalLM& model,
                           const std::string& base_dir, const HfExportOptions& export_opts,
                           torch::optim::Optimizer& optimizer, int keep) {
  RequireFiniteWeights(model, state.step, out_dir);
  const std::string name = "checkpoint-" + std::to_string(state.step);
  const std::string final_dir = out_dir + "/" + name;
  const std::string tmp = final_dir + ".tmp";
  try {
    fs::remove_all(tmp);
    ExportHfModel(model, base_dir, tmp, export_opts);
    const std::string dtype = export_opts.dtype == "base" ? DtypeOfBaseModel(base_dir) : export_opts.dtype;
    if (dtype != "F32" && model->parameters().front().scalar_type() == torch::kFloat32)
      lm::SaveQwen2(model, tmp + "/fp32", "", lm::SaveOptions{"F32", 0});
    SaveOptimizerState(optimizer, tmp + "/optimizer.pt");
    WriteFileAtomic(tmp + "/trainer_state.json", DumpPretty(TrainerStateToJson(state)));
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove_all(tmp, ec);  // the partial save; `latest` still names the previous checkpoint
    std::string last = LatestCheckpoint(out_dir);
    const auto* ue = dynamic_cast<const Error*>(&e);
    std::string msg = ue ? ue->where() + ": " + ue->message() : std::string(e.what());
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

std::string CheckpointWeightsDir(const std::string& checkpoint_dir) {
  return FileExists(checkpoint_dir + "/fp32/config.json") ? checkpoint_dir + "/fp32" : checkpoint_dir;
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
