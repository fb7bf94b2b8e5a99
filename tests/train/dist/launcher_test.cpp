// The launcher with /bin/sh children: environment, output tagging, fail-fast.
#include "train/dist/launcher.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace upt::train::dist {
namespace {

struct Captured {
  std::mutex mu;
  std::map<int, std::vector<std::string>> out, err;
  LineSink Sink() {
    return [this](int rank, bool is_err, const std::string& line) {
      std::lock_guard<std::mutex> lock(mu);
      (is_err ? err : out)[rank].push_back(line);
    };
  }
};

TEST(LauncherTest, EveryRankGetsTorchrunEnvironmentAndItsLinesAreTagged) {
  Captured cap;
  LaunchOptions o;
  o.nproc = 3;
  o.master_port = 29999;
  const auto res = Launch({"/bin/sh", "-c",
                           "echo \"$RANK $WORLD_SIZE $LOCAL_RANK $MASTER_ADDR $MASTER_PORT\"; echo oops >&2; "
                           "printf tail"},
                          o, cap.Sink());
  EXPECT_EQ(res.exit_code, 0);
  EXPECT_EQ(res.failed_rank, -1);
  for (int r = 0; r < 3; ++r) {
    ASSERT_EQ(cap.out[r].size(), 2u) << "rank " << r;
    EXPECT_EQ(cap.out[r][0], std::to_string(r) + " 3 " + std::to_string(r) + " 127.0.0.1 29999");
    EXPECT_EQ(cap.out[r][1], "tail");  // a last line without '\n' is still delivered
    EXPECT_EQ(cap.err[r], std::vector<std::string>{"oops"});
  }
}

TEST(LauncherTest, FailingRankStopsTheOthersAndReportsItsStatus) {
  Captured cap;
  LaunchOptions o;
  o.nproc = 2;
  o.kill_grace_seconds = 1;
  const auto t0 = std::chrono::steady_clock::now();
  // Rank 1 fails at once; rank 0 would sleep for a minute (and ignores SIGTERM,
  // so the launcher must escalate to SIGKILL after the grace period).
  const auto res = Launch({"/bin/sh", "-c", "if [ \"$RANK\" = 1 ]; then exit 3; fi; trap '' TERM; sleep 60"}, o,
                          cap.Sink());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(res.failed_rank, 1);
  EXPECT_EQ(res.exit_code, 3);
  EXPECT_NE(res.message.find("rank 1 exited with status 3"), std::string::npos) << res.message;
  EXPECT_LT(secs, 8.0);
}

TEST(LauncherTest, MissingProgramIsReportedAsAFailedRank) {
  Captured cap;
  LaunchOptions o;
  o.nproc = 1;
  const auto res = Launch({"/nonexistent/upt-no-such-program"}, o, cap.Sink());
  EXPECT_EQ(res.exit_code, 127);
  ASSERT_FALSE(cap.err[0].empty());
  EXPECT_NE(cap.err[0][0].find("cannot run"), std::string::npos);
}

TEST(LauncherTest, SignalToTheLauncherIsForwardedToEveryRank) {
  LaunchOptions o;
  o.nproc = 2;
  o.kill_grace_seconds = 5;
  int ready = 0;
  const auto t0 = std::chrono::steady_clock::now();
  // Once both ranks run, the launcher gets SIGTERM; the ranks die of the forwarded one.
  const auto res = Launch({"/bin/sh", "-c", "echo ready; exec sleep 60"}, o,
                          [&](int, bool, const std::string& line) {
                            if (line == "ready" && ++ready == 2) kill(getpid(), SIGTERM);
                          });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(res.signal, SIGTERM);
  EXPECT_EQ(res.exit_code, 128 + SIGTERM);
  EXPECT_EQ(res.failed_rank, -1);
  EXPECT_NE(res.message.find("forwarded it to all 2 rank(s)"), std::string::npos) << res.message;
  EXPECT_LT(secs, 5.0);  // the ranks ended on SIGTERM, not on the SIGKILL after the grace period
}

TEST(LauncherTest, FreeLocalPortIsAUsablePortNumber) {
  const int p = FreeLocalPort();
  EXPECT_GT(p, 0);
  EXPECT_LT(p, 65536);
}

}  // namespace
}  // namespace upt::train::dist
