#include "lm/io/provenance.h"

#include <filesystem>

#include "core/fs.h"
#include "core/hash.h"
#include "lm/io/safetensors.h"

namespace upt::lm::io {

OrderedJson ModelProvenance(const std::string& dir) {
  OrderedJson j = OrderedJson::object();
  j["path"] = std::filesystem::absolute(dir).lexically_normal().string();
  j["config_sha256"] = Sha256File(dir + "/config.json");
  auto w = CheckpointWeights::Open(dir);
  auto files = w.Files();
  Sha256 h;
  std::string single;
  OrderedJson names = OrderedJson::array();
  for (const auto& f : files) {
    single = Sha256File(f);
    h.Update(single);
    names.push_back(std::filesystem::path(f).filename().string());
  }
  j["weights_sha256"] = files.size() == 1 ? single : h.HexDigest();
  j["weight_files"] = names;
  for (const char* f : {"tokenizer.json", "generation_config.json"}) {
    std::string p = dir + "/" + f;
    if (FileExists(p)) j[std::string(std::filesystem::path(f).stem().string()) + "_sha256"] = Sha256File(p);
  }
  return j;
}

}  // namespace upt::lm::io
