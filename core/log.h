// Leveled logging to stderr. Quiet mode keeps warnings and errors only.
#pragma once

#include <string>

#include <fmt/format.h>

namespace upt {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Quiet also hides progress bars.
void SetQuiet(bool quiet);
bool IsQuiet();

void LogMessage(LogLevel level, const std::string& msg);

template <class... Args>
void LogInfo(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kInfo) LogMessage(LogLevel::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void LogWarn(fmt::format_string<Args...> f, Args&&... args) {
  LogMessage(LogLevel::kWarn, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void LogDebug(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kDebug) LogMessage(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace upt
