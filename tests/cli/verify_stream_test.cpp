// `upt verify --cases -` as a verification server over a pipe: each verdict can
// be read before the next case is written (docs/verifiers.md "Streaming").
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "run_util.h"

namespace upt {
namespace {

class VerifyServer {
 public:
  VerifyServer() {
    int in[2], out[2];
    EXPECT_EQ(::pipe(in), 0);
    EXPECT_EQ(::pipe(out), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::close(in[1]);
      ::close(out[0]);
      const std::string bin = testing::UptBin();
      ::execl(bin.c_str(), bin.c_str(), "verify", "--cases", "-", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }
  ~VerifyServer() {
    if (to_ >= 0) ::close(to_);
    ::close(from_);
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  void Send(const std::string& line) { ASSERT_EQ(::write(to_, line.data(), line.size()), (ssize_t)line.size()); }
  // One line of output, or "<timeout>" when none arrives within 30 s.
  std::string ReadLine() {
    std::string line;
    char c;
    while (true) {
      pollfd p{from_, POLLIN, 0};
      if (::poll(&p, 1, 30000) != 1) return "<timeout>";
      if (::read(from_, &c, 1) != 1) return line + "<eof>";
      if (c == '\n') return line;
      line += c;
    }
  }
  int CloseAndWait() {
    ::close(to_);
    to_ = -1;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  bool waited_ = false;
};

TEST(VerifyStreamTest, EachVerdictArrivesBeforeTheNextCaseIsWritten) {
  VerifyServer server;
  server.Send("{\"gold\": \"\\\\frac{1}{2}\", \"pred\": \"so \\\\boxed{0.5}\"}\n");
  EXPECT_EQ(server.ReadLine(), R"({"correct":true,"extracted":"0.5","reason":"equal_rational"})");
  server.Send("{\"gold\": \"3\", \"pred\": \"the answer is 4\"}\r\n");
  EXPECT_EQ(server.ReadLine(), R"({"correct":false,"extracted":"4","reason":"not_equal"})");
  // A case split across two writes is graded once complete; blank lines are skipped.
  server.Send("\n{\"gold\": \"B\", \"mc\": true, ");
  server.Send("\"pred\": \"(B)\"}\n");
  EXPECT_EQ(server.ReadLine().substr(0, 15), R"({"correct":true)");
  server.Send("not json\n");
  EXPECT_NE(server.ReadLine().find("\"reason\":\"bad_input\""), std::string::npos);
  // The last line needs no newline: end of input completes it.
  server.Send("{\"gold\": \"7\", \"pred\": \"\\\\boxed{7}\"}");
  EXPECT_EQ(server.CloseAndWait(), 1);  // 1: a line was bad input, as for a file
  EXPECT_EQ(server.ReadLine().substr(0, 15), R"({"correct":true)");
  EXPECT_EQ(server.ReadLine(), "<eof>");
}

TEST(VerifyStreamTest, StdinGivesTheSameOutputAsTheFile) {
  const std::string cases = "/tmp/upt_stream_test_" + std::to_string(::getpid()) + ".jsonl";
  auto w = testing::RunShell("printf '%s\\n' '{\"gold\":\"2\",\"pred\":\"\\\\boxed{2}\"}' '{\"gold\":\"1\",\"pred\":\"x\"}' > " + cases);
  ASSERT_EQ(w.exit_code, 0) << w.out;
  auto file = testing::RunUpt("verify --cases " + cases);
  auto pipe = testing::RunShell("cat " + cases + " | " + testing::UptBin() + " verify --cases -");
  ::unlink(cases.c_str());
  EXPECT_EQ(file.exit_code, 0) << file.out;
  EXPECT_EQ(pipe.exit_code, 0) << pipe.out;
  EXPECT_EQ(file.out, pipe.out);
  EXPECT_EQ(std::count(file.out.begin(), file.out.end(), '\n'), 2) << file.out;
}

}  // namespace
}  // namespace upt
