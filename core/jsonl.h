// Streaming line and JSON Lines readers with line numbers, bounded memory.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "core/json.h"

namespace upt {

// Reads a file line by line ('\n', with a trailing '\r' removed). Lines may be
// arbitrarily long. Not thread-safe.
class LineReader {
 public:
  explicit LineReader(std::string path);  // throws upt::Error if unreadable
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Next line into *line; false at end of file. line_number() is then its 1-based number.
  bool Next(std::string* line);
  long line_number() const { return line_no_; }
  const std::string& path() const { return path_; }
  // Bytes consumed so far (for progress bars).
  long long bytes_read() const { return bytes_; }

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  char* buf_ = nullptr;  // getline buffer, reused across lines
  size_t cap_ = 0;
  long line_no_ = 0;
  long long bytes_ = 0;
};

// One parsed JSONL record, or the reason it could not be parsed.
struct JsonlRecord {
  long line = 0;        // 1-based line number
  Json value;           // valid when error.empty()
  std::string error;    // "invalid JSON: ...", "invalid UTF-8 at byte N", ...
};

// Reads JSON Lines; blank lines are skipped (and not reported). Each line must be
// valid UTF-8 and valid JSON; otherwise the record carries `error` and the caller
// decides (error out with file:line, or count a skip).
class JsonlReader {
 public:
  explicit JsonlReader(std::string path) : lines_(std::move(path)) {}
  bool Next(JsonlRecord* rec);
  const std::string& path() const { return lines_.path(); }
  long long bytes_read() const { return lines_.bytes_read(); }
  JsonSource Source(long line) const { return {lines_.path(), line}; }

 private:
  LineReader lines_;
  std::string buf_;
};

}  // namespace upt
