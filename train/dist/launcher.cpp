#include "train/dist/launcher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "core/error.h"

namespace upt::train::dist {
namespace {

volatile sig_atomic_t g_signal = 0;
extern "C" void OnSignal(int sig) { g_signal = sig; }

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP};

// Installs the forwarding handlers for the launcher's lifetime.
class SignalScope {
 public:
  SignalScope() {
    g_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < 3; ++i) sigaction(kForwarded[i], &sa, &old_[i]);
  }
  ~SignalScope() {
    for (size_t i = 0; i < 3; ++i) sigaction(kForwarded[i], &old_[i], nullptr);
  }

 private:
  struct sigaction old_[3];
};

struct Child {
  pid_t pid = -1;
  int fd[2] = {-1, -1};        // stdout, stderr read ends
  std::string partial[2];      // bytes after the last '\n'
  bool running = true;
  int status = 0;
};

[[noreturn]] void ExecChild(const std::vector<std::string>& argv, int rank, const LaunchOptions& o, int port,
                            int out_fd, int err_fd) {
  setpgid(0, 0);
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  for (int sig : kForwarded) signal(sig, SIG_DFL);
  setenv("RANK", std::to_string(rank).c_str(), 1);
  setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  setenv("WORLD_SIZE", std::to_string(o.nproc).c_str(), 1);
  setenv("LOCAL_WORLD_SIZE", std::to_string(o.nproc).c_str(), 1);
  setenv("MASTER_ADDR", o.master_addr.c_str(), 1);
  setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  if (o.nproc > 1) setenv("OMP_NUM_THREADS", "1", 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  std::fprintf(stderr, "upt launch: cannot run '%s': %s\n", args[0], std::strerror(errno));
  _exit(127);
}

// Reads what is available on child c's stream s; emits complete lines.
void Drain(Child& c, int rank, int s, const LineSink& sink) {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(c.fd[s], buf, sizeof buf);
    if (n > 0) {
      c.partial[s].append(buf, static_cast<size_t>(n));
      size_t nl;
      while ((nl = c.partial[s].find('\n')) != std::string::npos) {
        sink(rank, s == 1, c.partial[s].substr(0, nl));
        c.partial[s].erase(0, nl + 1);
      }
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (!c.partial[s].empty()) sink(rank, s == 1, c.partial[s]);
    c.partial[s].clear();
    close(c.fd[s]);
    c.fd[s] = -1;
    return;
  }
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return "stopped";
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

LineSink PrefixedConsoleSink() {
  return [](int rank, bool is_stderr, const std::string& line) {
    std::FILE* f = is_stderr ? stderr : stdout;
    std::fprintf(f, "[rank %d] %s\n", rank, line.c_str());
    std::fflush(f);
  };
}

int FreeLocalPort() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) throw Error("cannot create a socket to find a free port", "", std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(s);
    throw Error("cannot bind 127.0.0.1:0 to find a free port", "", "pass --master-port");
  }
  close(s);
  return ntohs(addr.sin_port);
}

LaunchResult Launch(const std::vector<std::string>& argv, const LaunchOptions& o, const LineSink& sink) {
  if (argv.empty()) throw Error("upt launch: no command to run", "", "usage: upt launch --nproc N -- CMD ARGS...");
  if (o.nproc < 1) throw Error(fmt::format("--nproc {} must be >= 1", o.nproc), "--nproc");
  const int port = o.master_port > 0 ? o.master_port : FreeLocalPort();
  SignalScope signals;
  std::vector<Child> kids(static_cast<size_t>(o.nproc));
  for (int r = 0; r < o.nproc; ++r) {
    int p_out[2], p_err[2];
    if (pipe(p_out) != 0 || pipe(p_err) != 0) throw Error("upt launch: pipe() failed", "", std::strerror(errno));
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) throw Error("upt launch: fork() failed", "", std::strerror(errno));
    if (pid == 0) {
      close(p_out[0]);
      close(p_err[0]);
      for (int k = 0; k < r; ++k)
        for (int fd : kids[k].fd) close(fd);
      ExecChild(argv, r, o, port, p_out[1], p_err[1]);
    }
    setpgid(pid, pid);
    close(p_out[1]);
    close(p_err[1]);
    kids[r].pid = pid;
    kids[r].fd[0] = p_out[0];
    kids[r].fd[1] = p_err[0];
    for (int fd : kids[r].fd) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }

  using Clock = std::chrono::steady_clock;
  LaunchResult res;
  bool terminating = false, killed = false;
  Clock::time_point kill_at;
  auto signal_all = [&](int sig) {
    for (auto& c : kids)
      if (c.running) kill(-c.pid, sig);
  };
  for (;;) {
    std::vector<pollfd> pfds;
    std::vector<std::pair<int, int>> who;
    for (int r = 0; r < o.nproc; ++r)
      for (int s = 0; s < 2; ++s)
        if (kids[r].fd[s] >= 0) {
          pfds.push_back({kids[r].fd[s], POLLIN, 0});
          who.push_back({r, s});
        }
    bool any_running = false;
    for (const auto& c : kids) any_running |= c.running;
    if (!any_running && pfds.empty()) break;
    poll(pfds.data(), pfds.size(), 100);
    for (size_t i = 0; i < pfds.size(); ++i)
      if (pfds[i].revents) Drain(kids[who[i].first], who[i].first, who[i].second, sink);

    if (g_signal && !res.signal) {  // forward once; a second signal escalates below
      res.signal = g_signal;
      signal_all(g_signal);
      terminating = true;
      kill_at = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.kill_grace_seconds * 1000));
    }
    for (int r = 0; r < o.nproc; ++r) {
      Child& c = kids[r];
      if (!c.running || waitpid(c.pid, &c.status, WNOHANG) != c.pid) continue;
      c.running = false;
      const bool failed = !(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
      if (failed && res.failed_rank < 0 && !res.signal) {
        res.failed_rank = r;
        res.exit_code = ExitCodeOf(c.status);
        res.message = fmt::format("rank {} {}; stopping the other {} rank(s)", r, DescribeStatus(c.status),
                                  o.nproc - 1);
        signal_all(SIGTERM);
        terminating = true;
        kill_at = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.kill_grace_seconds * 1000));
      }
    }
    if (terminating && !killed && Clock::now() >= kill_at) {
      signal_all(SIGKILL);
      killed = true;
    }
    // Pipes still held open by grandchildren after every rank exited: stop reading.
    if (!any_running && killed) break;
    if (!any_running && !terminating) {
      terminating = true;
      kill_at = Clock::now() + std::chrono::seconds(1);
      killed = false;
    }
  }
  for (auto& c : kids)
    for (int fd : c.fd)
      if (fd >= 0) close(fd);
  if (res.signal) {
    res.exit_code = 128 + res.signal;
    res.message = fmt::format("received signal {} ({}); forwarded it to all {} rank(s)", res.signal,
                              strsignal(res.signal), o.nproc);
  }
  return res;
}

}  // namespace upt::train::dist
