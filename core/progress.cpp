#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

#include "core/log.h"
#include "core/strings.h"

namespace upt {

Progress::Progress(std::string label, long long total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total),
      enabled_(!IsQuiet() && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Add(long long n) {
  done_ += n;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  last_draw_ = now;
  Draw(false);
}

void Progress::SetPostfix(std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  postfix_ = std::move(text);
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  finished_ = true;
  if (enabled_) {
    Draw(true);
    std::fputc('\n', stderr);
  }
}

void Progress::Draw(bool final) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  long long done = done_.load();
  double rate = secs > 0 ? done / secs : 0;
  char buf[512];
  if (total_ > 0) {
    int width = 30;
    double frac = std::min(1.0, double(done) / double(total_));
    std::string bar(int(frac * width), '#');
    bar.resize(width, ' ');
    double eta = rate > 0 ? (total_ - done) / rate : 0;
    std::snprintf(buf, sizeof buf, "\r%s: %3d%% |%s| %lld/%lld [%s<%s, %.1f %s/s] %s", label_.c_str(),
                  int(frac * 100), bar.c_str(), done, total_, HumanSeconds(secs).c_str(),
                  HumanSeconds(eta).c_str(), rate, unit_.c_str(), postfix_.c_str());
  } else {
    std::snprintf(buf, sizeof buf, "\r%s: %lld %s [%s, %.1f %s/s] %s", label_.c_str(), done, unit_.c_str(),
                  HumanSeconds(secs).c_str(), rate, unit_.c_str(), postfix_.c_str());
  }
  (void)final;
  std::fputs(buf, stderr);
  std::fflush(stderr);
}

}  // namespace upt
