#include "core/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/fs.h"
#include "core/strings.h"

namespace upt {
namespace {

std::string HolderText(int fd) {
  char buf[4096];
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "another upt process (it has not written its pid yet)";
  std::string s(buf, static_cast<size_t>(n));
  auto lines = Split(std::string(Trim(s)), '\n');
  std::string pid = lines.empty() ? "?" : std::string(Trim(lines[0]));
  std::string cmd = lines.size() > 1 ? std::string(Trim(lines[1])) : "?";
  return "pid " + pid + " (" + cmd + ")";
}

bool SameFile(int fd, const std::string& path) {
  struct stat a, b;
  if (::fstat(fd, &a) != 0 || ::stat(path.c_str(), &b) != 0) return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

std::string SelfCommandLine() {
  std::string raw;
  try {
    raw = ReadFile("/proc/self/cmdline");
  } catch (const Error&) {
    return "?";
  }
  for (auto& c : raw)
    if (c == '\0') c = ' ';
  return std::string(Trim(raw));
}

OutputLock OutputLock::ForDir(const std::string& dir) {
  MakeDirs(dir);
  return OutputLock(dir + "/.upt.lock", dir);
}

OutputLock OutputLock::ForFile(const std::string& file) {
  auto parent = std::filesystem::path(file).parent_path();
  if (!parent.empty()) MakeDirs(parent.string());
  return OutputLock(file + ".lock", file);
}

OutputLock::OutputLock(const std::string& lock_path, const std::string& what) : path_(lock_path) {
  // A holder may unlink the file between our open and flock: then we hold a
  // lock on a dead inode; detect it and retry on the new file.
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw Error(std::string("cannot create lock file: ") + std::strerror(errno), path_,
                  "check that the output folder is writable");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      std::string holder = err == EWOULDBLOCK ? HolderText(fd) : "";
      ::close(fd);
      if (err != EWOULDBLOCK)
        throw Error(std::string("cannot lock: ") + std::strerror(err), path_, "the file system may not support flock");
      throw Error("output is in use by " + holder, what,
                  "wait for that process to finish or stop it, or choose another output; two writers would "
                  "lose each other's results");
    }
    if (!SameFile(fd, path_)) {
      ::close(fd);
      continue;
    }
    std::string text = std::to_string(::getpid()) + "\n" + SelfCommandLine() + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      std::string e = std::strerror(errno);
      ::unlink(path_.c_str());
      ::close(fd);
      throw Error("cannot write lock file: " + e, path_, "check free disk space");
    }
    fd_ = fd;
    return;
  }
  throw Error("cannot take the lock: the lock file keeps changing", path_, "another process is racing for it");
}

OutputLock::~OutputLock() { Release(); }

OutputLock::OutputLock(OutputLock&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_) { o.fd_ = -1; }

OutputLock& OutputLock::operator=(OutputLock&& o) noexcept {
  if (this != &o) {
    Release();
    path_ = std::move(o.path_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void OutputLock::Release() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still held, so nobody locks a file we then remove
  ::close(fd_);
  fd_ = -1;
}

}  // namespace upt
