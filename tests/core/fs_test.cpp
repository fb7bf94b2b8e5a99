#include "core/fs.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "test_util.h"

namespace upt {

TEST(AtomicWriterTest, CommitReplacesContentAndLeavesNoTempFile) {
  testing::TempDir dir;
  std::string p = dir.file("out.txt");
  WriteFileAtomic(p, "old");
  {
    AtomicWriter w(p);
    w.WriteLine("new");
    EXPECT_EQ(ReadFile(p), "old");  // untouched until commit
    w.Commit();
  }
  EXPECT_EQ(ReadFile(p), "new\n");
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1);
}

TEST(AtomicWriterTest, DestroyWithoutCommitKeepsOldContent) {
  testing::TempDir dir;
  std::string p = dir.file("out.txt");
  WriteFileAtomic(p, "old");
  {
    AtomicWriter w(p);
    w.Write("partial");
  }
  EXPECT_EQ(ReadFile(p), "old");
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1);
}

TEST(AppendWriterTest, CutsTrailingPartialLineOnReopen) {
  testing::TempDir dir;
  std::string p = dir.file("s.jsonl");
  WriteFileAtomic(p, "{\"a\":1}\n{\"a\":2}\n{\"a\":");
  {
    AppendWriter w(p);
    w.WriteLine("{\"a\":3}");
    w.Flush();
  }
  EXPECT_EQ(ReadFile(p), "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
}

TEST(ReadFileTest, MissingFileErrorNamesThePath) {
  try {
    ReadFile("/nonexistent/upt/file.txt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/upt/file.txt"), std::string::npos);
  }
}

}  // namespace upt
