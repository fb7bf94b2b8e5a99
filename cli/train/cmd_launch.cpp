// `upt launch --nproc N [--master-port P] -- CMD ARGS...`: N local ranks of CMD
// with torchrun's environment (train/dist/launcher.h, docs/distributed.md).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/error.h"
#include "train/dist/launcher.h"

namespace {

struct LaunchCli {
  upt::train::dist::LaunchOptions opts;
  std::vector<std::string> cmd;
};

int RunLaunch(LaunchCli cli) {
  if (!cli.cmd.empty() && cli.cmd[0] == "--") cli.cmd.erase(cli.cmd.begin());
  if (cli.cmd.empty())
    throw upt::Error("no command to launch", "upt launch", "usage: upt launch --nproc 2 -- upt train --config C.yaml");
  // `upt` means this build's upt (which need not be on PATH).
  if (cli.cmd[0] == "upt") cli.cmd[0] = upt::cli::UptExecutable();
  const auto res = upt::train::dist::Launch(cli.cmd, cli.opts);
  if (res.exit_code == 0) return 0;
  std::fprintf(stderr, "upt launch: error: %s\n", res.message.c_str());
  return res.exit_code;
}

upt::cli::RunFn SetupLaunch(CLI::App& app) {
  auto cli = std::make_shared<LaunchCli>();
  app.add_option("--nproc", cli->opts.nproc, "Number of local ranks (processes)")->required()->check(CLI::Range(1, 1024));
  app.add_option("--master-port", cli->opts.master_port, "Rendezvous TCP port (default: a free port)");
  app.add_option("--master-addr", cli->opts.master_addr, "Rendezvous address exported as MASTER_ADDR")
      ->capture_default_str();
  app.add_option("--kill-grace", cli->opts.kill_grace_seconds,
                 "Seconds between SIGTERM and SIGKILL for the other ranks after one fails")
      ->capture_default_str();
  app.add_option("cmd", cli->cmd, "Command run by every rank (after --)")->required();
  app.footer(
      "Each rank gets RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT;\n"
      "output lines are prefixed with [rank i]. If a rank fails, the others are stopped and\n"
      "upt launch exits with that rank's status. Several hosts: torchrun or SLURM (docs/distributed.md).");
  return [cli] { return RunLaunch(*cli); };
}

}  // namespace

UPT_COMMAND(launch, "Run a command as N local data-parallel ranks (torchrun-style)", SetupLaunch);
