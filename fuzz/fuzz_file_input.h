// The fuzz input as a file (the readers under test take paths): written once
// per input into a per-process temporary file.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace upt::fuzz {

inline std::string InputFile(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string base = "/tmp/upt_fuzz_" + std::to_string(::getpid());
  std::string path = base + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (size && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);
  return path;
}

}  // namespace upt::fuzz
