// Full disks (issue 14, item 3): every writer, to stdout (/dev/full) and to files
// (a small tmpfs), fails with exit 2 and a message naming the output; no
// temporary file stays behind, and a rerun with space gives the complete output.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/fs.h"
#include "rel_util.h"
#include "tests/core/test_util.h"

namespace upt::reliability {
namespace {

void ExpectStdoutFailure(const Result& r, const std::string& what) {
  EXPECT_EQ(r.code, 2) << what << "\n" << r.err;
  EXPECT_TRUE(Contains(r.err, "stdout: cannot write to standard output: No space left on device")) << what << "\n"
                                                                                                  << r.err;
}

std::string ManyCases(const std::string& dir, int n) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "{\"gold\": \"" + std::to_string(i) + "\", \"pred\": \"The answer is \\\\boxed{" + std::to_string(i) +
            "}\"}\n";
  WriteFileAtomic(dir + "/cases.jsonl", text);
  return dir + "/cases.jsonl";
}

TEST(FullDiskTest, EveryCommandWritingToStdoutFailsOnDevFull) {
  testing::TempDir tmp;
  const std::string cases = ManyCases(tmp.path(), 20000);
  ExpectStdoutFailure(Upt("verify --cases " + cases + " --threads 1 > /dev/full", tmp.path()), "verify --cases");
  ExpectStdoutFailure(Upt("verify --gold 1 --pred 1 > /dev/full", tmp.path()), "verify --gold");
  WriteFileAtomic(tmp.file("counts.csv"), "id,n,c\np1,4,2\np2,4,1\n");
  ExpectStdoutFailure(Upt("passk --counts " + tmp.file("counts.csv") + " > /dev/full", tmp.path()), "passk");
  ExpectStdoutFailure(Upt("data list > /dev/full", tmp.path()), "data list");
  ExpectStdoutFailure(Upt("score --dataset aime24 --samples " + Src("examples/aime24_samples.jsonl") + " --out " +
                              tmp.file("s") + " > /dev/full",
                          tmp.path()),
                      "score summary");
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  WriteFileAtomic(tmp.file("texts.jsonl"), "{\"text\": \"1+2=3\"}\n{\"text\": \"4*5=20\"}\n");
  ExpectStdoutFailure(Upt("tokenize --tokenizer " + model + " --in " + tmp.file("texts.jsonl") + " > /dev/full",
                          tmp.path()),
                      "tokenize");
  ExpectStdoutFailure(Upt("model logprobs --model " + model + " --in " + tmp.file("texts.jsonl") + " > /dev/full",
                          tmp.path()),
                      "model logprobs");
  ExpectStdoutFailure(Upt("model info " + model + " > /dev/full", tmp.path()), "model info");
}

TEST(FullDiskTest, StdoutToAWritableFileStillExitsZero) {
  testing::TempDir tmp;
  const std::string cases = ManyCases(tmp.path(), 2000);
  Result r = Upt("verify --cases " + cases + " --threads 1 > " + tmp.file("v.jsonl"), tmp.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(CountLines(tmp.file("v.jsonl")), 2000);
}

// A tmpfs of `kb` KiB mounted on a fresh folder (root only; skipped otherwise).
class SmallDisk {
 public:
  SmallDisk(const std::string& dir, int kb) : dir_(dir) {
    MakeDirs(dir_);
    std::string opts = "size=" + std::to_string(kb) + "k";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, opts.c_str()) != 0) reason_ = std::strerror(errno);
    else mounted_ = true;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& reason() const { return reason_; }
  // Writes a filler file until the disk is full.
  void Fill() {
    std::FILE* f = std::fopen((dir_ + "/filler").c_str(), "wb");
    std::string block(4096, 'f');
    while (f && std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
    }
    if (f) std::fclose(f);
  }
  void Free() { std::remove((dir_ + "/filler").c_str()); }

 private:
  std::string dir_, reason_;
  bool mounted_ = false;
};

#define REQUIRE_MOUNT(disk)                                                                                        \
  if (!(disk).mounted())                                                                                           \
  GTEST_SKIP() << "SKIPPED (not a pass): cannot mount a tmpfs here (" << (disk).reason()                           \
               << "); the /dev/full tests still cover stdout"

TEST(FullDiskTest, FileWritersFailCleanlyOnAFullDiskAndSucceedOnceThereIsSpace) {
  testing::TempDir tmp;
  SmallDisk disk(tmp.file("disk"), 4096);
  REQUIRE_MOUNT(disk);
  const std::string d = tmp.file("disk");
  const std::string cases = ManyCases(tmp.path(), 500);
  const std::string model = ToyModel(tmp.path());
  ASSERT_FALSE(model.empty());
  WriteFileAtomic(tmp.file("texts.jsonl"), "{\"text\": \"1+2=3\"}\n");
  WriteFileAtomic(tmp.file("counts.csv"), "id,n,c\np1,4,2\n");
  const std::string gen = "generate --model " + model + " --dataset toy_t1 --n 2 --limit 4 --max-new-tokens 8 "
                          "--template toy --out ";
  const std::vector<std::pair<std::string, std::string>> writers = {
      {"verify --out", "verify --cases " + cases + " --threads 1 --out " + d + "/v.jsonl"},
      {"tokenize --out", "tokenize --tokenizer " + model + " --in " + tmp.file("texts.jsonl") + " --out " + d +
                             "/ids.jsonl"},
      {"passk --out", "passk --counts " + tmp.file("counts.csv") + " --out " + d + "/passk.md > /dev/null"},
      {"generate", gen + d + "/samples.jsonl"},
      {"score", "score --dataset aime24 --samples " + Src("examples/aime24_samples.jsonl") + " --out " + d +
                    "/scores > /dev/null"},
      {"model init", "model init --config toy --out " + d + "/m --seed 1"},
  };
  disk.Fill();
  for (const auto& [name, args] : writers) {
    Result r = Upt(args, tmp.path());
    EXPECT_EQ(r.code, 2) << name << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, "No space left on device")) << name << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, d)) << name << ": the message names the output\n" << r.err;
    EXPECT_EQ(TempFilesUnder(d), 0) << name;
  }
  disk.Free();
  for (const auto& [name, args] : writers) {
    Result r = Upt(args, tmp.path());
    EXPECT_EQ(r.code, 0) << name << "\n" << r.err;
  }
  EXPECT_EQ(CountLines(d + "/v.jsonl"), 500);
  EXPECT_EQ(CountLines(d + "/samples.jsonl"), 8);
  EXPECT_EQ(CountLines(d + "/scores/verdicts.jsonl"), 480);
  EXPECT_EQ(TempFilesUnder(d), 0);
}

TEST(FullDiskTest, ScoreRunningOutOfSpaceMidwayResumesToTheSameBytes) {
  testing::TempDir tmp;
  const std::string args = "score --dataset aime24 --samples " + Src("examples/aime24_samples.jsonl") + " --out ";
  Result ref = Upt(args + tmp.file("ref") + " > /dev/null", tmp.path());
  ASSERT_EQ(ref.code, 0) << ref.err;
  SmallDisk disk(tmp.file("disk"), 64);  // smaller than the outputs (~150 KB)
  REQUIRE_MOUNT(disk);
  Result full = Upt(args + tmp.file("disk/s") + " --batch 64 > /dev/null", tmp.path());
  EXPECT_EQ(full.code, 2) << full.err;
  EXPECT_TRUE(Contains(full.err, "No space left on device")) << full.err;
  EXPECT_EQ(TempFilesUnder(tmp.file("disk")), 0);
  ASSERT_EQ(::mount("tmpfs", tmp.file("disk").c_str(), "tmpfs", MS_REMOUNT, "size=4m"), 0) << std::strerror(errno);
  Result resumed = Upt(args + tmp.file("disk/s") + " > /dev/null", tmp.path());
  EXPECT_EQ(resumed.code, 0) << resumed.err;
  for (const char* f : {"verdicts.jsonl", "problems.csv"})
    EXPECT_EQ(ReadFile(tmp.file("disk/s/") + f), ReadFile(tmp.file("ref/") + f)) << f;
}

}  // namespace
}  // namespace upt::reliability
