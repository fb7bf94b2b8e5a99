#include "core/lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "core/error.h"
#include "core/fs.h"
#include "test_util.h"

namespace upt {
namespace {

TEST(OutputLockTest, SecondLockOnAFolderFailsNamingTheHolderPidAndCommand) {
  testing::TempDir tmp;
  OutputLock first = OutputLock::ForDir(tmp.file("out"));
  ASSERT_TRUE(first.held());
  std::string holder = ReadFile(tmp.file("out/.upt.lock"));
  EXPECT_EQ(holder.substr(0, holder.find('\n')), std::to_string(::getpid()));
  try {
    OutputLock second = OutputLock::ForDir(tmp.file("out"));
    FAIL() << "second lock was granted";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("in use by pid " + std::to_string(::getpid())), std::string::npos) << msg;
    EXPECT_NE(msg.find("core_tests"), std::string::npos) << msg;  // the holder's command line
    EXPECT_EQ(e.where(), tmp.file("out"));
  }
}

TEST(OutputLockTest, ReleaseRemovesTheLockFileAndFreesTheFolder) {
  testing::TempDir tmp;
  {
    OutputLock a = OutputLock::ForFile(tmp.file("samples.jsonl"));
    EXPECT_TRUE(FileExists(tmp.file("samples.jsonl.lock")));
  }
  EXPECT_FALSE(FileExists(tmp.file("samples.jsonl.lock")));
  OutputLock b = OutputLock::ForFile(tmp.file("samples.jsonl"));
  EXPECT_TRUE(b.held());
}

TEST(OutputLockTest, AKilledHolderLeavesAStaleFileThatDoesNotBlock) {
  testing::TempDir tmp;
  pid_t child = ::fork();
  if (child == 0) {
    OutputLock held = OutputLock::ForDir(tmp.file("run"));
    ::_exit(0);  // no destructor: like kill -9, the lock file stays behind
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(FileExists(tmp.file("run/.upt.lock")));
  OutputLock again = OutputLock::ForDir(tmp.file("run"));
  EXPECT_TRUE(again.held());
  std::string holder = ReadFile(tmp.file("run/.upt.lock"));
  EXPECT_EQ(holder.substr(0, holder.find('\n')), std::to_string(::getpid()));
}

TEST(OutputLockTest, ALockHeldByAnotherProcessIsRefused) {
  testing::TempDir tmp;
  int ready[2], done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  pid_t child = ::fork();
  if (child == 0) {
    OutputLock held = OutputLock::ForDir(tmp.file("out"));
    char c = 1;
    (void)!::write(ready[1], &c, 1);
    (void)!::read(done[0], &c, 1);  // hold until the parent has tried
    ::_exit(0);
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  EXPECT_THROW(
      {
        try {
          OutputLock::ForDir(tmp.file("out"));
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(child)), std::string::npos) << e.what();
          throw;
        }
      },
      Error);
  (void)!::write(done[1], &c, 1);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_NO_THROW(OutputLock::ForDir(tmp.file("out")));
}

}  // namespace
}  // namespace upt
