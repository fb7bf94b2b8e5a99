// libFuzzer entry: a counts CSV (`upt passk --counts`) through ReadCountsCsv:
// quoting, multi-line records, bounds on n, duplicate ids. Accepted rows must
// satisfy 0 <= c <= n <= the limit.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "core/limits.h"
#include "eval/counts.h"
#include "fuzz/fuzz_file_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = upt::fuzz::InputFile(data, size, ".csv");
  try {
    for (const auto& k : upt::eval::ReadCountsCsv(path))
      if (k.c < 0 || k.c > k.n || k.n > upt::LimitValue(upt::kMaxSamplesPerProblem)) __builtin_trap();
  } catch (const upt::Error&) {
  }
  return 0;
}
