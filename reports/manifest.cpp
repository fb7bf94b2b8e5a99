#include "reports/manifest.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "core/fs.h"
#include "core/log.h"
#include "core/strings.h"

namespace upt::reports {
namespace fs = std::filesystem;

std::vector<std::string> ReadManifest(const std::string& out) {
  std::string path = out + "/" + kManifestName;
  if (!FileExists(path)) return {};
  std::vector<std::string> paths;
  for (auto line : Split(ReadFile(path), '\n')) {
    std::string p(Trim(line));
    if (!p.empty()) paths.push_back(p);
  }
  return paths;
}

namespace {

// A manifest entry may only name a file below OUT: relative, no "..".
bool InsideOut(const std::string& rel) {
  fs::path p(rel);
  if (p.is_absolute() || rel.empty()) return false;
  for (const auto& part : p)
    if (part == "..") return false;
  return true;
}

}  // namespace

std::vector<std::string> ReplaceManifest(const std::string& out, std::vector<std::string> written) {
  std::sort(written.begin(), written.end());
  written.erase(std::unique(written.begin(), written.end()), written.end());
  std::set<std::string> keep(written.begin(), written.end());
  std::vector<std::string> removed;
  for (const auto& rel : ReadManifest(out)) {
    if (keep.count(rel) || !InsideOut(rel)) continue;
    std::error_code ec;
    fs::path p = fs::path(out) / rel;
    if (!fs::is_regular_file(p, ec)) continue;
    if (fs::remove(p, ec)) removed.push_back(rel);
    else LogWarn("could not remove stale report file {}: {}", p.string(), ec.message());
  }
  std::sort(removed.begin(), removed.end());
  WriteFileAtomic(out + "/" + kManifestName, written.empty() ? std::string() : Join(written, "\n") + "\n");
  return removed;
}

}  // namespace upt::reports
