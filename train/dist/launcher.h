// `upt launch`: N local ranks of one command (torchrun's --standalone, one host).
// Torch-free; POSIX fork/exec/poll.
//
// Each child gets RANK=i, WORLD_SIZE=N, LOCAL_RANK=i, LOCAL_WORLD_SIZE=N,
// MASTER_ADDR, MASTER_PORT (and OMP_NUM_THREADS=1 when N > 1 and it is unset, as
// torchrun does), runs in its own process group, and has its stdout/stderr lines
// handed to the sink (by default printed with a "[rank i] " prefix). When a child
// exits non-zero or by a signal, the others get SIGTERM, then SIGKILL after
// `kill_grace_seconds`. SIGINT/SIGTERM/SIGHUP received by the launcher are
// forwarded to every child.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/options.h"

namespace upt::train::dist {

struct LaunchOptions {
  int nproc = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 0;            // 0: a free local port
  double kill_grace_seconds = 5;  // SIGTERM -> SIGKILL delay for the surviving ranks
  template <class V>
  void ForEach(V&& v) {
    v("nproc", nproc, "Number of local ranks (processes)", kOptRequired);
    v("master_port", master_port, "Rendezvous TCP port (default: a free port)", kOptNoDefault);
    v("master_addr", master_addr, "Rendezvous address exported as MASTER_ADDR");
    v("kill_grace", kill_grace_seconds, "Seconds between SIGTERM and SIGKILL for the other ranks after one fails");
  }
};

struct LaunchResult {
  int exit_code = 0;       // 0 all ranks succeeded; else the first failing rank's code, 128+signal
  int failed_rank = -1;    // first rank that failed (-1: none)
  int signal = 0;          // signal received by the launcher and forwarded (0: none)
  std::string message;     // one line for the user when something failed
};

// (rank, is_stderr, line without '\n').
using LineSink = std::function<void(int rank, bool is_stderr, const std::string& line)>;

// Prints "[rank i] line" to stdout / stderr.
LineSink PrefixedConsoleSink();

// Runs argv (argv[0] looked up in PATH) as opts.nproc ranks and waits for all.
LaunchResult Launch(const std::vector<std::string>& argv, const LaunchOptions& opts,
                    const LineSink& sink = PrefixedConsoleSink());

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0).
int FreeLocalPort();

}  // namespace upt::train::dist
