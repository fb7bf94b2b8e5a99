// Version, git revision and the provenance block attached to every output.
#pragma once

#include <string>

#include "core/json.h"

namespace upt {

const char* VersionString();  // e.g. "0.1.0"
const char* GitRevision();    // short hash, "-dirty" suffix, or "unknown"

// Current UTC time as ISO-8601 ("2026-11-22T04:39:21Z").
std::string UtcNowIso();

// {"upt_version", "git_revision", "date"}: the base every results file extends
// with its own fields (dataset hash, verifier policy, sampling, seeds).
OrderedJson BaseProvenance();

}  // namespace upt
