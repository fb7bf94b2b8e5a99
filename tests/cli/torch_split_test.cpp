// The torch-free `upt` front and the `upt-torch` part: one entry point, one
// --help, no libtorch in the front (docs/ARCHITECTURE.md "The command line").
#include <gtest/gtest.h>

#include <unistd.h>

#include <string>

#include "run_util.h"

namespace upt {
namespace {

std::string TorchBin() { return testing::UptBin() + "-torch"; }

// A build without libtorch (-DUPT_WITH_TORCH=OFF) has no upt-torch and no torch commands.
#define SKIP_WITHOUT_TORCH_PART()                                                  \
  if (::access(TorchBin().c_str(), X_OK) != 0) GTEST_SKIP() << "no " << TorchBin()

using testing::RunShell;

TEST(TorchSplitTest, FrontDoesNotLinkLibtorch) {
  auto r = RunShell("ldd " + testing::UptBin());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("libc.so"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("libtorch"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("libc10"), std::string::npos) << r.out;
  SKIP_WITHOUT_TORCH_PART();
  auto t = RunShell("ldd " + TorchBin());
  ASSERT_EQ(t.exit_code, 0) << t.out;
  EXPECT_NE(t.out.find("libtorch"), std::string::npos) << t.out;
}

// Same argv[0] for both, so the usage lines match too.
TEST(TorchSplitTest, FrontHelpEqualsTheHelpOfTheFullCommandTable) {
  SKIP_WITHOUT_TORCH_PART();
  auto front = RunShell("bash -c 'exec -a upt " + testing::UptBin() + " --help'");
  auto full = RunShell("bash -c 'exec -a upt " + TorchBin() + " --help'");
  EXPECT_EQ(front.exit_code, 0);
  EXPECT_EQ(full.exit_code, 0);
  EXPECT_EQ(front.out, full.out);
  for (const char* cmd : {"generate", "model", "train", "pretrain", "launch", "reproduce", "verify", "data"})
    EXPECT_NE(front.out.find(std::string("\n  ") + cmd + " "), std::string::npos) << cmd << "\n" << front.out;
}

TEST(TorchSplitTest, TorchCommandRunsThroughTheFrontWithItsOwnHelpAndErrors) {
  SKIP_WITHOUT_TORCH_PART();
  auto help = testing::RunUpt("train --help");
  EXPECT_EQ(help.exit_code, 0) << help.out;
  EXPECT_NE(help.out.find("--config"), std::string::npos) << help.out;
  auto direct = RunShell(TorchBin() + " train --help");
  // Usage lines name argv[0], which differs; everything after them must match.
  EXPECT_EQ(help.out.substr(help.out.find("Options:")), direct.out.substr(direct.out.find("Options:")));
  auto bad = testing::RunUpt("-q model --no-such-flag");
  EXPECT_NE(bad.exit_code, 0) << bad.out;
  EXPECT_NE(bad.out.find("no-such-flag"), std::string::npos) << bad.out;
  auto dry = testing::RunUpt("reproduce --list-presets");
  EXPECT_EQ(dry.exit_code, 0) << dry.out;
  EXPECT_NE(dry.out.find("toy"), std::string::npos) << dry.out;
}

}  // namespace
}  // namespace upt
