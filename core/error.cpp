#include "core/error.h"

namespace upt {
namespace {
std::string Compose(const std::string& what, const std::string& where, const std::string& hint) {
  std::string s;
  if (!where.empty()) s += where + ": ";
  s += what;
  if (!hint.empty()) s += "\n  hint: " + hint;
  return s;
}
}  // namespace

Error::Error(std::string what, std::string where, std::string hint)
    : std::runtime_error(Compose(what, where, hint)),
      what_(std::move(what)),
      where_(std::move(where)),
      hint_(std::move(hint)) {}

std::string Where(const std::string& file, long line, const std::string& field) {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  if (!field.empty()) s += ": field '" + field + "'";
  return s;
}

void CheckFailed(const char* cond, const char* file, int line, const std::string& msg) {
  throw Error("internal check failed: " + std::string(cond) + " (" + msg + ")",
              Where(file, line), "this is a bug in upt; please report it with the command line");
}

}  // namespace upt
