// The report's own files. `upt report` records every table and figure file it
// writes in OUT/.upt-report-manifest (one relative path a line); re-run into
// the same folder, it deletes the files the previous manifest lists that this
// run no longer produces. Files it never wrote (no manifest entry) are kept.
#pragma once

#include <string>
#include <vector>

namespace upt::reports {

inline constexpr const char* kManifestName = ".upt-report-manifest";

// Relative paths listed in OUT's manifest (empty when there is none).
std::vector<std::string> ReadManifest(const std::string& out);

// Deletes OUT/<p> for every p of the old manifest not in `written` (relative
// paths; entries that escape OUT are ignored), then writes `written` as the new
// manifest. Returns the removed paths, sorted.
std::vector<std::string> ReplaceManifest(const std::string& out, std::vector<std::string> written);

}  // namespace upt::reports
