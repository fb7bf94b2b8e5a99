// Exclusive output locks: one writer per output folder (or output file).
//
// OutputLock takes an advisory, non-blocking flock(2) on `<dir>/.upt.lock`
// (for a folder) or `<file>.lock` (for a single output file). The lock file
// holds the holder's pid and command line; a second writer fails at once with
// an upt::Error naming them. The kernel drops the lock when the holder exits or
// is killed (kill -9 included), so a stale lock file never blocks a rerun; the
// file is removed on a clean release. flock locks are per open file: two
// OutputLocks on one path in the same process also conflict.
//
// Scope: advisory between upt processes on one machine (and NFS clients with
// flock emulated through fcntl). It does not stop other programs writing there.
#pragma once

#include <string>

namespace upt {

class OutputLock {
 public:
  // Locks the output folder `dir` (created when missing).
  static OutputLock ForDir(const std::string& dir);
  // Locks a single output file through "<file>.lock" beside it.
  static OutputLock ForFile(const std::string& file);

  OutputLock() = default;
  ~OutputLock();
  OutputLock(OutputLock&& o) noexcept;
  OutputLock& operator=(OutputLock&& o) noexcept;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  const std::string& path() const { return path_; }
  bool held() const { return fd_ >= 0; }
  void Release();

 private:
  explicit OutputLock(const std::string& lock_path, const std::string& what);
  std::string path_;
  int fd_ = -1;
};

// This process's command line ("upt score --out x ..."), from /proc/self/cmdline.
std::string SelfCommandLine();

}  // namespace upt
