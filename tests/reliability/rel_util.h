// Shared helpers of the reliability suite: run `upt` through the shell with
// stdout and stderr kept apart, run it in the background and kill it, and the
// small fixtures (a toy model, a tiny training config) the cases use.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "core/fs.h"

namespace upt::reliability {

struct Result {
  int code = -1;    // exit code; -1 when killed by a signal
  std::string out;  // stdout (empty when redirected by the command)
  std::string err;  // stderr
};

inline std::string Bin() {
  const char* b = std::getenv("UPT_BIN");
  return b ? b : "upt";
}
inline std::string Src(const std::string& rel) { return std::string(std::getenv("UPT_SOURCE_DIR")) + "/" + rel; }

// Runs `upt <args>` with /bin/sh; `args` may hold redirections of stdout ("> /dev/full").
inline Result Upt(const std::string& args, const std::string& scratch) {
  Result r;
  const std::string err_path = scratch + "/.stderr";
  std::string cmd = "OPENBLAS_NUM_THREADS=1 " + Bin() + " " + args + " 2>" + err_path;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (FileExists(err_path)) r.err = ReadFile(err_path);
  std::remove(err_path.c_str());
  return r;
}

// Starts `upt <args>` (stdout and stderr to `log`) and returns its pid.
inline pid_t Spawn(const std::string& args, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("OPENBLAS_NUM_THREADS", "1", 1);
    std::string cmd = "exec " + Bin() + " " + args + " >" + log + " 2>&1";
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Waits for `pid`; returns its exit code, or -1 when it died from a signal.
inline int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// SIGKILLs `pid` after `ms` milliseconds (if it still runs); true if it was killed.
inline bool KillAfter(pid_t pid, int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  ::kill(pid, SIGKILL);
  return Wait(pid) == -1;
}

inline bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

inline long CountLines(const std::string& path) {
  if (!FileExists(path)) return 0;
  long n = 0;
  for (char c : ReadFile(path)) n += c == '\n';
  return n;
}

// Files under `dir` whose name contains ".tmp" (temporaries of atomic writes).
inline int TempFilesUnder(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    n += e.path().filename().string().find(".tmp") != std::string::npos;
  return n;
}

// A per-process scratch folder that outlives single tests (removed at exit).
inline const std::string& SharedRoot() {
  static struct Root {
    std::string path = std::filesystem::temp_directory_path().string() + "/upt_reliability_" + std::to_string(::getpid());
    Root() { std::filesystem::create_directories(path); }
    ~Root() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  } root;
  return root.path;
}

// A toy-config model (upt model init), made once per test binary.
inline std::string ToyModel(const std::string& /*scratch*/) {
  static std::string dir;
  if (dir.empty()) {
    dir = SharedRoot() + "/toy_model";
    std::string log = SharedRoot() + "/model_init.log";
    std::string cmd = Bin() + " model init --config toy --out " + dir + " --seed 1 >" + log + " 2>&1";
    if (std::system(cmd.c_str()) != 0) dir.clear();
  }
  return dir;
}

// A tiny training run config over the toy world (3 steps of 2 prompts x 2 rollouts).
inline std::string TinyTrainYaml(const std::string& model, int steps, int save_freq, const std::string& extra = "") {
  return "algorithm:\n  preset: grpo\nmodel:\n  path: " + model +
         "\n  prompt_template: toy\ndata:\n  train_files: toy:train\n  train_batch_size: 2\n"
         "  max_response_length: 24\nrollout:\n  n: 2\n  max_new_tokens: 8\nactor:\n  ppo_mini_batch_size: 2\n"
         "  loss_agg_max_len: 24\n  optim:\n    lr: 1.0e-3\ntrainer:\n  total_training_steps: " +
         std::to_string(steps) + "\n  save_freq: " + std::to_string(save_freq) +
         "\n  test_freq: 0\n  val_before_train: false\n  seed: 0\n  threads: 1\n  keep_checkpoints: 0\n" + extra;
}

}  // namespace upt::reliability
