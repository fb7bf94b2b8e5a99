#include "core/jsonl.h"

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/fs.h"
#include "core/limits.h"
#include "core/strings.h"

namespace upt {

LineReader::LineReader(std::string path) : path_(std::move(path)) {
  f_ = OpenForReading(path_);
  static constexpr size_t kBuf = 1 << 20;
  std::setvbuf(f_, nullptr, _IOFBF, kBuf);
}

LineReader::~LineReader() {
  if (f_) std::fclose(f_);
  std::free(buf_);
}

bool LineReader::Next(std::string* line) {
  line->clear();
  ssize_t n = ::getline(&buf_, &cap_, f_);
  if (n < 0) {
    if (std::ferror(f_)) throw Error(std::string("read error: ") + std::strerror(errno), Where(path_, line_no_ + 1));
    return false;
  }
  bytes_ += n;
  ++line_no_;
  size_t len = static_cast<size_t>(n);
  if (len && buf_[len - 1] == '\n') --len;
  if (len && buf_[len - 1] == '\r') --len;
  line->assign(buf_, len);
  return true;
}

bool JsonlReader::Next(JsonlRecord* rec) {
  while (lines_.Next(&buf_)) {
    if (Trim(buf_).empty()) continue;
    rec->line = lines_.line_number();
    rec->error.clear();
    size_t bad = 0;
    if (!IsValidUtf8(buf_, &bad)) {
      rec->value = nullptr;
      rec->error = "invalid UTF-8 at byte " + std::to_string(bad) + " of the line";
      return true;
    }
    if (int depth = JsonNestingDepth(buf_); depth > LimitValue(kMaxJsonDepth)) {
      rec->value = nullptr;
      rec->error = "JSON nesting depth " + std::to_string(depth) + " exceeds the limit of " +
                   std::to_string(LimitValue(kMaxJsonDepth)) + " (raise it with " + kMaxJsonDepth.env + "=N)";
      return true;
    }
    rec->value = Json::parse(buf_, nullptr, /*allow_exceptions=*/false);
    if (rec->value.is_discarded()) {
      rec->value = nullptr;
      rec->error = "invalid JSON";
      try {
        Json ignored = Json::parse(buf_);
        (void)ignored;
      } catch (const Json::parse_error& e) {
        rec->error = std::string("invalid JSON: ") + e.what();
      }
    }
    return true;
  }
  return false;
}

}  // namespace upt
