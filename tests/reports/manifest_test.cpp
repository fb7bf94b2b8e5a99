#include "reports/manifest.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../core/test_util.h"
#include "core/fs.h"
#include "fixtures.h"
#include "reports/report.h"

namespace upt::reports {
namespace {

namespace fs = std::filesystem;
using upt::testing::TempDir;

TEST(ManifestTest, RemovesOnlyFilesThePreviousManifestListed) {
  TempDir tmp;
  std::string out = tmp.file("out");
  MakeDirs(out + "/figures");
  for (const char* f : {"figures/a.dat", "figures/b.dat", "figures/user.dat", "outside.txt"})
    WriteFileAtomic(out + "/" + f, "x");
  EXPECT_TRUE(ReplaceManifest(out, {"figures/a.dat", "figures/b.dat"}).empty());  // first run: nothing before
  WriteFileAtomic(out + "/" + kManifestName, "figures/a.dat\nfigures/b.dat\n../outside.txt\n/etc/passwd\n");
  auto removed = ReplaceManifest(out, {"figures/a.dat"});
  EXPECT_EQ(removed, (std::vector<std::string>{"figures/b.dat"}));
  EXPECT_TRUE(fs::exists(out + "/figures/a.dat"));
  EXPECT_FALSE(fs::exists(out + "/figures/b.dat"));
  EXPECT_TRUE(fs::exists(out + "/figures/user.dat"));
  EXPECT_TRUE(fs::exists(out + "/outside.txt"));
  EXPECT_EQ(ReadManifest(out), (std::vector<std::string>{"figures/a.dat"}));
}

TEST(ManifestTest, ReportRerunDeletesStaleFiguresAndTablesButNotUserFiles) {
  TempDir tmp;
  upt::testing::WriteRun(tmp.file("runs/grpo"), "GRPO", 0.3, 11, true);
  upt::testing::WriteRun(tmp.file("runs/hpt"), "HPT", 0.5, 22, true);
  ReportOptions o;
  o.runs = {tmp.file("runs/grpo"), tmp.file("runs/hpt")};
  o.out = tmp.file("report");
  o.boot.replicates = 50;
  o.render = false;
  o.compare_paper = true;
  WriteReport(o);
  EXPECT_TRUE(fs::exists(o.out + "/figures/heatmap_HPT.dat"));
  EXPECT_TRUE(fs::exists(o.out + "/figures/heatmap_diff.gp"));
  EXPECT_TRUE(fs::exists(o.out + "/tables/paper_comparison.md"));
  WriteFileAtomic(o.out + "/figures/my_notes.txt", "mine");
  WriteFileAtomic(o.out + "/figures/heatmap_HPT.png", "an image from an earlier render");  // not ours
  o.runs = {tmp.file("runs/grpo")};
  o.compare_paper = false;
  ReportResult r = WriteReport(o);
  EXPECT_FALSE(fs::exists(o.out + "/figures/heatmap_HPT.dat"));
  EXPECT_FALSE(fs::exists(o.out + "/figures/heatmap_HPT_rows.csv"));
  EXPECT_FALSE(fs::exists(o.out + "/figures/heatmap_diff.gp"));
  EXPECT_FALSE(fs::exists(o.out + "/tables/paper_comparison.md"));
  EXPECT_TRUE(fs::exists(o.out + "/figures/heatmap_GRPO.dat"));
  EXPECT_TRUE(fs::exists(o.out + "/tables/results.csv"));
  EXPECT_TRUE(fs::exists(o.out + "/figures/my_notes.txt"));
  EXPECT_TRUE(fs::exists(o.out + "/figures/heatmap_HPT.png"));  // never listed, so kept
  EXPECT_GE(r.removed.size(), 9u);
}

}  // namespace
}  // namespace upt::reports
