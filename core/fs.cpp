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

std::FILE* OpenForReading(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw Error("is a directory, not a file", path, "give the path of a file inside it");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error("cannot open file for reading: " + ErrnoText(), path, "check the path");
  return f;
}

std::string ReadFile(const std::string& path, unsigned long long max_bytes) {
  std::FILE* f = OpenForReading(path);
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    out.append(buf, n);
    if (max_bytes > 0 && out.size() > max_bytes) {
      std::fclose(f);
      throw Error("file is larger than the limit of " + std::to_string(max_bytes) + " bytes", path,
                  "this input is not expected to be this large; check that it is the right file");
    }
  }
  bool err = std::ferror(f);
  int e = errno;
  std::fclose(f);
  if (err) throw Error(std::string("read error: ") + std::strerror(e), path);
  return out;
}

unsigned long long CutTornTail(const std::string& path) {
  if (!FileExists(path)) return 0;
  std::FILE* r = OpenForReading(path);
  if (std::fseek(r, 0, SEEK_END) != 0) {
    std::fclose(r);
    throw Error("cannot seek: " + ErrnoText(), path);
  }
  const long size = std::ftell(r);
  long keep = size;
  char buf[4096];
  while (keep > 0) {  // scan backwards block by block for the last '\n'
    long start = keep > static_cast<long>(sizeof buf) ? keep - static_cast<long>(sizeof buf) : 0;
    std::fseek(r, start, SEEK_SET);
    size_t n = std::fread(buf, 1, static_cast<size_t>(keep - start), r);
    if (n != static_cast<size_t>(keep - start)) {
      std::fclose(r);
      throw Error("read error while checking the last line", path);
    }
    long i = static_cast<long>(n);
    while (i > 0 && buf[i - 1] != '\n') --i;
    if (i > 0) {
      keep = start + i;
      break;
    }
    keep = start;
  }
  std::fclose(r);
  if (keep != size) {
    std::error_code ec;
    std::filesystem::resize_file(path, static_cast<std::uintmax_t>(keep), ec);
    if (ec) throw Error("cannot truncate partial line: " + ec.message(), path);
  }
  return static_cast<unsigned long long>(keep);
}

void WriteStdout(std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::ferror(stdout))
    throw Error("cannot write to standard output: " + ErrnoText(), "stdout",
                "check free disk space where the output is redirected, or the reading end of the pipe");
}

void FlushStdout() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    throw Error("cannot write to standard output: " + ErrnoText(), "stdout",
                "check free disk space where the output is redirected, or the reading end of the pipe");
}

void CloseStdout() {
  FlushStdout();
  if (std::fclose(stdout) != 0)
    throw Error("cannot close standard output: " + ErrnoText(), "stdout", "the output may be incomplete");
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string CanonicalPath(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  if (ec) p = std::filesystem::absolute(path).lexically_normal();
  std::string s = p.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
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
  try {
    SyncAndClose(f, tmp_);
  } catch (const Error&) {
    std::remove(tmp_.c_str());  // no temp file left behind by a failed write
    throw;
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::string e = ErrnoText();
    std::remove(tmp_.c_str());
    throw Error("cannot rename temporary file into place: " + e, path_);
  }
}

AppendWriter::AppendWriter(const std::string& path) : path_(path) {
  auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) MakeDirs(parent.string());
  CutTornTail(path_);  // a trailing partial line left by a killed writer
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
