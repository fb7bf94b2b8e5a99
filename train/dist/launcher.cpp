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

// Forks rank r with its stdout/stderr on non-blocking pipes into (*kids)[r];
// the child first closes the read ends of the ranks forked before it.
void SpawnRank(const std::vector<std::string>& argv, const LaunchOptions& o, int port, int r, std::vector<Child>* kids) {
  int p_out[2], p_err[2];
  if (pipe(p_out) != 0 || pipe(p_err) != 0) throw Error("upt launch: pipe() failed", "", std::strerror(errno));
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw Error("upt launch: fork() failed", "", std::strerror(errno));
  if (pid == 0) {
    close(p_out[0]);
    close(p_err[0]);
    for (int k = 0; k < r; ++k)
      for (int fd : (*kids)[k].fd) close(fd);
    ExecChild(argv, r, o, port, p_out[1], p_err[1]);
  }
  setpgid(pid, pid);
  close(p_out[1]);
  close(p_err[1]);
  Child& c = (*kids)[r];
  c.pid = pid;
  c.fd[0] = p_out[0];
  c.fd[1] = p_err[0];
  for (int fd : c.fd) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Watches the spawned ranks until all exited and their output is read: relays
// lines, forwards the launcher's signals, stops the others when one fails, and
// escalates SIGTERM to SIGKILL after the grace period.
class Supervisor {
 public:
  using Clock = std::chrono::steady_clock;

  Supervisor(std::vector<Child>& kids, const LaunchOptions& o, const LineSink& sink) : kids_(kids), o_(o), sink_(sink) {}

  LaunchResult Run() {
    for (;;) {
      const bool any_running = AnyRunning();
      if (!PumpOutput(any_running)) break;
      ForwardSignal();
      ReapExited();
      if (terminating_ && !killed_ && Clock::now() >= kill_at_) {
        SignalAll(SIGKILL);
        killed_ = true;
      }
      // Pipes still held open by grandchildren after every rank exited: stop reading.
      if (!any_running && killed_) break;
      if (!any_running && !terminating_) StopAfter(1);
    }
    return res_;
  }

 private:
  bool AnyRunning() const {
    bool any = false;
    for (const auto& c : kids_) any |= c.running;
    return any;
  }

  // Polls the open pipes for up to 100 ms and drains the ready ones; false when
  // no rank runs and every pipe is closed (nothing left to do).
  bool PumpOutput(bool any_running) {
    std::vector<pollfd> pfds;
    std::vector<std::pair<int, int>> who;
    for (int r = 0; r < o_.nproc; ++r)
      for (int s = 0; s < 2; ++s)
        if (kids_[r].fd[s] >= 0) {
          pfds.push_back({kids_[r].fd[s], POLLIN, 0});
          who.push_back({r, s});
        }
    if (!any_running && pfds.empty()) return false;
    poll(pfds.data(), pfds.size(), 100);
    for (size_t i = 0; i < pfds.size(); ++i)
      if (pfds[i].revents) Drain(kids_[who[i].first], who[i].first, who[i].second, sink_);
    return true;
  }

  // Forwards the first signal the launcher received to every rank.
  void ForwardSignal() {
    if (!g_signal || res_.signal) return;  // forward once; a second signal escalates via the grace period
    res_.signal = g_signal;
    SignalAll(g_signal);
    StopAfter(o_.kill_grace_seconds);
  }

  // Collects exited ranks; the first failure (without a forwarded signal) stops the others.
  void ReapExited() {
    for (int r = 0; r < o_.nproc; ++r) {
      Child& c = kids_[r];
      if (!c.running || waitpid(c.pid, &c.status, WNOHANG) != c.pid) continue;
      c.running = false;
      const bool failed = !(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
      if (failed && res_.failed_rank < 0 && !res_.signal) {
        res_.failed_rank = r;
        res_.exit_code = ExitCodeOf(c.status);
        res_.message = fmt::format("rank {} {}; stopping the other {} rank(s)", r, DescribeStatus(c.status),
                                   o_.nproc - 1);
        SignalAll(SIGTERM);
        StopAfter(o_.kill_grace_seconds);
      }
    }
  }

  // Enters the terminating phase: SIGKILL for whatever still runs after `seconds`.
  void StopAfter(double seconds) {
    terminating_ = true;
    kill_at_ = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  }

  void SignalAll(int sig) {
    for (auto& c : kids_)
      if (c.running) kill(-c.pid, sig);
  }

  std::vector<Child>& kids_;
  const LaunchOptions& o_;
  const LineSink& sink_;
  LaunchResult res_;
  bool terminating_ = false, killed_ = false;
  Clock::time_point kill_at_;
};

void CloseStreams(std::vector<Child>* kids) {
  for (auto& c : *kids)
    for (int fd : c.fd)
      if (fd >= 0) close(fd);
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
  for (int r = 0; r < o.nproc; ++r) SpawnRank(argv, o, port, r, &kids);
  LaunchResult res = Supervisor(kids, o, sink).Run();
  CloseStreams(&kids);
  if (res.signal) {
    res.exit_code = 128 + res.signal;
    res.message = fmt::format("received signal {} ({}); forwarded it to all {} rank(s)", res.signal,
                              strsignal(res.signal), o.nproc);
  }
  return res;
}

}  // namespace upt::train::dist
