#include <gtest/gtest.h>

#include "core/version.h"
#include "run_util.h"

namespace upt {

TEST(CliTest, VersionPrintsVersionAndGitRevision) {
  auto r = testing::RunUpt("--version");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(std::string("upt ") + VersionString()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("git "), std::string::npos) << r.out;
}

TEST(CliTest, UnknownSubcommandFailsWithNonZeroExit) {
  auto r = testing::RunUpt("no-such-command");
  EXPECT_NE(r.exit_code, 0) << r.out;
}

TEST(CliTest, HelpListsOptions) {
  auto r = testing::RunUpt("--help");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("--version"), std::string::npos) << r.out;
}

}  // namespace upt
