// A tqdm-style progress bar on stderr: drawn only when stderr is a TTY and not
// quiet; thread-safe Add(); redraws at most 10 times a second.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

namespace upt {

class Progress {
 public:
  // total = 0 means unknown (shows count and rate only). `unit` names the items.
  Progress(std::string label, long long total, std::string unit = "it");
  ~Progress();  // finishes the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Add(long long n = 1);
  // Extra text shown after the rate (e.g. "tok/s 1234").
  void SetPostfix(std::string text);
  void Finish();
  bool enabled() const { return enabled_; }

 private:
  void Draw(bool final);
  std::string label_, unit_, postfix_;
  long long total_;
  std::atomic<long long> done_{0};
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mu_;
};

}  // namespace upt
