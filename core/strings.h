// Small string utilities shared by every module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace upt {

std::string_view Trim(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string ToLower(std::string_view s);

// Levenshtein distance (bytes); used to suggest the closest valid name.
size_t EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `name`, or "" when none is reasonably close.
std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);
// "unknown X 'name'; valid: a, b, c (did you mean 'b'?)"
std::string UnknownNameMessage(std::string_view kind, std::string_view name,
                               const std::vector<std::string>& valid);

// UTF-8 validity; on failure *bad_offset is the byte offset of the first bad sequence.
bool IsValidUtf8(std::string_view s, size_t* bad_offset = nullptr);

// Parses a whole string as a number; false on any trailing garbage.
bool ParseInt64(std::string_view s, long long* out);
bool ParseDouble(std::string_view s, double* out);

// Human-readable sizes and durations for logs.
std::string HumanBytes(double bytes);
std::string HumanSeconds(double seconds);

}  // namespace upt
