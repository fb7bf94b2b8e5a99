// libFuzzer entry: a sample file through upt score's ingestion (format
// detection, then every reader: upt, per_problem, vllm, openai_batch, verl,
// lm_eval, jsonl, csv). Bad lines are records with errors or upt::Errors.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "eval/samples.h"
#include "fuzz/fuzz_file_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = upt::fuzz::InputFile(data, size, ".jsonl");
  try {
    (void)upt::eval::ReadAllSamples(path, "auto");
  } catch (const upt::Error&) {
  }
  for (const char* format : {"upt", "per_problem", "vllm", "openai_batch", "verl", "lm_eval", "csv"}) {
    try {
      (void)upt::eval::ReadAllSamples(path, format);
    } catch (const upt::Error&) {
    }
  }
  return 0;
}
