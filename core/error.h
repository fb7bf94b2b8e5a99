// Error type for boundaries (load, config, I/O) and the invariant check macro.
// Contract: a wrong answer is a value, never an Error; Errors carry what failed,
// where (file:line, field) and a hint on how to fix it.
#pragma once

#include <stdexcept>
#include <string>

namespace upt {

class Error : public std::runtime_error {
 public:
  // what: what failed; where: "file:line" / "field" / "" ; hint: how to fix it.
  Error(std::string what, std::string where = {}, std::string hint = {});

  const std::string& message() const { return what_; }
  const std::string& where() const { return where_; }
  const std::string& hint() const { return hint_; }

 private:
  std::string what_, where_, hint_;
};

// "file:line" for messages.
std::string Where(const std::string& file, long line, const std::string& field = {});

[[noreturn]] void CheckFailed(const char* cond, const char* file, int line, const std::string& msg);

}  // namespace upt

// Invariant check: throws upt::Error naming the source location. For programming
// errors only; user-facing validation throws upt::Error with a hint directly.
#define UPT_CHECK(cond, msg)                                              \
  do {                                                                    \
    if (!(cond)) ::upt::CheckFailed(#cond, __FILE__, __LINE__, (msg));    \
  } while (0)
