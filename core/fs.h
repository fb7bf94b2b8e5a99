// File I/O: whole-file reads and atomic writes (temp file + fsync + rename), so a
// killed process never leaves a half-written output behind.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace upt {

// Reads a whole file; throws upt::Error naming the path when it cannot (a
// directory is named as such). `max_bytes` bounds the size read (0 = no bound).
std::string ReadFile(const std::string& path, unsigned long long max_bytes = 0);
// fopen(path, "rb") for input files; throws upt::Error naming the path, with
// "is a directory" for folders. The caller closes the FILE.
std::FILE* OpenForReading(const std::string& path);
bool FileExists(const std::string& path);
// Absolute, normalised path ("./m", "m/", "/abs/m" name the same folder the same
// way; symlinks resolved where they exist), for comparing user-given paths.
std::string CanonicalPath(const std::string& path);
// Creates a directory and its parents; throws on failure.
void MakeDirs(const std::string& path);

// Cuts a torn tail: everything after the last '\n' (a line a killed writer did
// not finish, even if it happens to parse). Returns the size kept. A missing
// file is left missing (returns 0). Readers that resume from a JSONL output
// call this first, so "complete" is decided once, before anything is counted.
unsigned long long CutTornTail(const std::string& path);

// Checked standard output: writes all of `data` or throws upt::Error (a full
// disk, a closed pipe). CloseStdout flushes and closes stdout and throws on
// failure; cli/main.cpp calls it after every command.
void WriteStdout(std::string_view data);
// Flushes stdout now (a streaming reply); throws upt::Error like WriteStdout.
void FlushStdout();
void CloseStdout();

// Writes `data` to `path` atomically: the old content (if any) stays until the
// new one is complete and flushed.
void WriteFileAtomic(const std::string& path, std::string_view data);

// Streaming atomic writer: write, then Commit(). Destroyed without Commit(),
// the temporary file is removed and `path` is untouched.
class AtomicWriter {
 public:
  explicit AtomicWriter(std::string path);
  ~AtomicWriter();
  AtomicWriter(const AtomicWriter&) = delete;
  AtomicWriter& operator=(const AtomicWriter&) = delete;

  void Write(std::string_view data);
  void WriteLine(std::string_view line) { Write(line); Write("\n"); }
  void Commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
};

// Appending writer for resumable JSONL outputs: each line is written whole and
// flushed with Flush(); on open, a trailing partial line (from a kill) is cut.
class AppendWriter {
 public:
  explicit AppendWriter(const std::string& path);
  ~AppendWriter();
  AppendWriter(const AppendWriter&) = delete;
  AppendWriter& operator=(const AppendWriter&) = delete;

  void WriteLine(std::string_view line);
  void Flush();  // fflush + fsync

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
};

}  // namespace upt
