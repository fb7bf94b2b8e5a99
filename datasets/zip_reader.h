// Reads one entry of an in-memory zip archive (libzip), decrypting it with a
// password when given. The plain bytes live only in the returned string: nothing
// is written to disk (GPQA's authors ask that its questions never appear in
// plain text online).
#pragma once

#include <string>
#include <string_view>

namespace upt::datasets {

// Throws upt::Error naming `what` when the archive, the entry or the password is bad.
std::string ReadZipEntry(std::string_view zip_bytes, const std::string& entry, const std::string& password,
                         const std::string& what);

}  // namespace upt::datasets
