#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace upt {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<bool> g_quiet{false};
std::mutex g_mu;
}  // namespace

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }
void SetQuiet(bool quiet) {
  g_quiet = quiet;
  if (quiet && GetLogLevel() < LogLevel::kWarn) SetLogLevel(LogLevel::kWarn);
}
bool IsQuiet() { return g_quiet; }

void LogMessage(LogLevel level, const std::string& msg) {
  if (static_cast<int>(level) < g_level.load()) return;
  static const char* names[] = {"debug", "info", "warning", "error"};
  std::lock_guard<std::mutex> lock(g_mu);
  std::fprintf(stderr, "upt: %s: %s\n", names[static_cast<int>(level)], msg.c_str());
}

}  // namespace upt
