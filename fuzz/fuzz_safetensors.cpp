// libFuzzer entry: a safetensors file prefix (8-byte length + JSON header +
// data) through ParseSafetensorsHeader. A bad file must be an upt::Error; any
// crash, sanitizer report, leak or slow unit fails.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "lm/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto h = upt::lm::io::ParseSafetensorsHeader(in, size, "fuzz.safetensors");
    for (const auto& t : h.tensors)
      if (t.end < t.begin || t.end > size - h.data_start) __builtin_trap();  // accepted spans lie inside the file
  } catch (const upt::Error&) {
  }
  return 0;
}
