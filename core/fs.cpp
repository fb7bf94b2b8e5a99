#include "core/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/error.h"

namespace upt {
namespace {
std::string ErrnoText() { return std::strerror(errno); }

std::string TempNameFor(const std::string& path) {
  static thread_local std::mt19937_64 gen{std::random_device{}()};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(gen() % 1000000);
}

void SyncAndClose(std::FILE* f, const std::string& tmp) {
  if (std::fflush(f) != 0 || ::fsync(::fileno(f)) != 0) {
    std::string e = ErrnoText();
    std::fclose(f);
    throw Error("cannot flush file: " + e, tmp, "check free disk space");
  }
  if (std::fclose(f) != 0) throw Error("cannot close file: " + ErrnoText(), tmp);
}
}  // namespace

std::string ReadFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error("cannot open file for reading: " + ErrnoText(), path, "check the path");
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  bool err = std::ferror(f);
  std::fclose(f);
  if (err) throw Error("read error", path);
  return out;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void MakeDirs(const std::string& path) {
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw Error("cannot create directory: " + ec.message(), path);
}

void WriteFileAtomic(const std::string& path, std::string_view data) {
  AtomicWriter w(path);
  w.Write(data);
  w.Commit();
}

AtomicWriter::AtomicWriter(std::string path) : path_(std::move(path)), tmp_(TempNameFor(path_)) {
  auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) MakeDirs(parent.string());
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (!f_) throw Error("cannot create file: " + ErrnoText(), tmp_, "check that the folder is writable");
}

AtomicWriter::~AtomicWriter() {
  if (f_) {
    std::fclose(f_);
    std::remove(tmp_.c_str());
  }
}

void AtomicWriter::Write(std::string_view data) {
  UPT_CHECK(f_ != nullptr, "write after commit");
  if (std::fwrite(data.data(), 1, data.size(), f_) != data.size())
    throw Error("write failed: " + ErrnoText(), tmp_, "check free disk space");
}

void AtomicWriter::Commit() {
  UPT_CHECK(f_ != nullptr, "double commit");
  std::FILE* f = f_;
  f_ = nullptr;
  SyncAndClose(f, tmp_);
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::string e = ErrnoText();
    std::remove(tmp_.c_str());
    throw Error("cannot rename temporary file into place: " + e, path_);
  }
}

AppendWriter::AppendWriter(const std::string& path) : path_(path) {
  auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) MakeDirs(parent.string());
  // Cut a trailing partial line left by a killed writer.
  if (FileExists(path_)) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path_, ec);
    if (!ec && size > 0) {
      std::FILE* r = std::fopen(path_.c_str(), "rb");
      if (!r) throw Error("cannot open file: " + ErrnoText(), path_);
      long keep = static_cast<long>(size);
      while (keep > 0) {
        std::fseek(r, keep - 1, SEEK_SET);
        if (std::fgetc(r) == '\n') break;
        --keep;
      }
      std::fclose(r);
      if (static_cast<std::uintmax_t>(keep) != size) std::filesystem::resize_file(path_, keep, ec);
      if (ec) throw Error("cannot truncate partial line: " + ec.message(), path_);
    }
  }
  f_ = std::fopen(path_.c_str(), "ab");
  if (!f_) throw Error("cannot open file for appending: " + ErrnoText(), path_);
}

AppendWriter::~AppendWriter() {
  if (f_) std::fclose(f_);
}

void AppendWriter::WriteLine(std::string_view line) {
  if (std::fwrite(line.data(), 1, line.size(), f_) != line.size() || std::fputc('\n', f_) == EOF)
    throw Error("write failed: " + ErrnoText(), path_, "check free disk space");
}

void AppendWriter::Flush() {
  if (std::fflush(f_) != 0 || ::fsync(::fileno(f_)) != 0)
    throw Error("cannot flush file: " + ErrnoText(), path_);
}

}  // namespace upt
