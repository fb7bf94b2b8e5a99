#include "core/version.h"

#include <ctime>

namespace upt {

std::string UtcNowIso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

OrderedJson BaseProvenance() {
  OrderedJson j;
  j["upt_version"] = VersionString();
  j["git_revision"] = GitRevision();
  j["date"] = UtcNowIso();
  return j;
}

}  // namespace upt
