// Runs the `upt` binary (path from env UPT_BIN) and captures exit code and output.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace upt::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr, interleaved
};

inline std::string UptBin() {
  const char* bin = std::getenv("UPT_BIN");
  return bin ? bin : "upt";
}

// Runs a shell command line; the caller shell-quotes it.
inline RunResult RunShell(const std::string& command) {
  RunResult r;
  std::string cmd = command + " 2>&1";
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Runs `upt <args>` through the shell; args must be shell-quoted by the caller.
inline RunResult RunUpt(const std::string& args) { return RunShell(UptBin() + " " + args); }

}  // namespace upt::testing
