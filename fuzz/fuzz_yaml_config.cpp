// libFuzzer entry: a YAML training config through YamlToJson and the options
// reader (LoadConfigFile's path: alias expansion, nesting, key lookup, value
// types). A bad config must be an upt::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/options.h"
#include "train/loop/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    std::vector<std::pair<std::string, int>> lines;
    upt::Json j = upt::train::YamlToJson(text, "fuzz.yaml", &lines);
    upt::train::TrainConfig cfg;
    upt::OptionsFromJson(cfg, j, "fuzz.yaml");
  } catch (const upt::Error&) {
  }
  return 0;
}
