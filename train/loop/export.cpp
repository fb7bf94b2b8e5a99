#include "train/loop/export.h"

#include <filesystem>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "lm/model/checkpoint.h"
#include "train/loop/config/config.h"

namespace upt::train {
namespace {

namespace fs = std::filesystem;

Json ReadJsonOrNull(const std::string& path) {
  if (!FileExists(path)) return Json();
  Json j = Json::parse(ReadFile(path), nullptr, false);
  return j.is_discarded() ? Json() : j;
}

const char* TorchDtypeName(const std::string& st) {
  if (st == "BF16") return "bfloat16";
  if (st == "F16") return "float16";
  return "float32";
}

}  // namespace

std::string DtypeOfBaseModel(const std::string& base_dir) {
  const Json cfg = ReadJsonOrNull(base_dir + "/config.json");
  const std::string t = cfg.is_object() && cfg.contains("torch_dtype") && cfg["torch_dtype"].is_string()
                            ? cfg["torch_dtype"].get<std::string>() : "";
  if (t == "bfloat16") return "BF16";
  if (t == "float16") return "F16";
  return "F32";
}

HfExportOptions ExportOptions(const TrainConfig& cfg) {
  HfExportOptions eo;
  eo.dtype = cfg.trainer.export_dtype;
  eo.max_shard_bytes = static_cast<uint64_t>(cfg.trainer.export_max_shard_gb * 1e9);
  return eo;
}

void ExportHfModel(lm::Qwen2ForCausalLM& model, const std::string& base_dir, const std::string& dir,
                   const HfExportOptions& opts) {
  const std::string tmp = dir + ".tmp";
  fs::remove_all(tmp);
  MakeDirs(tmp);
  lm::SaveOptions so;
  so.dtype = opts.dtype == "base" ? DtypeOfBaseModel(base_dir) : opts.dtype;
  so.max_shard_bytes = opts.max_shard_bytes;
  const std::string tokenizer = FileExists(base_dir + "/tokenizer.json") ? ReadFile(base_dir + "/tokenizer.json") : "";
  lm::SaveQwen2(model, tmp, tokenizer, so);
  // config.json: the base model's keys, with the values upt wrote on top and the exported dtype.
  Json base = ReadJsonOrNull(base_dir + "/config.json");
  if (base.is_object()) {
    const Json written = ReadJsonOrNull(tmp + "/config.json");
    for (auto it = written.begin(); it != written.end(); ++it)
      if (!base.contains(it.key())) base[it.key()] = *it;
    base["torch_dtype"] = TorchDtypeName(so.dtype);
    WriteFileAtomic(tmp + "/config.json", DumpPretty(base));
  }
  for (const char* f : {"generation_config.json", "tokenizer_config.json", "special_tokens_map.json",
                        "added_tokens.json", "vocab.json", "merges.txt", "tokenizer.model"}) {
    const std::string src = base_dir + "/" + f;
    if (FileExists(src)) WriteFileAtomic(tmp + "/" + f, ReadFile(src));
  }
  fs::remove_all(dir);
  fs::rename(tmp, dir);
}

}  // namespace upt::train
