// `upt launch --nproc N [--master-port P] -- CMD ARGS...`: N local ranks of CMD
// with torchrun's environment (train/dist/launcher.h, docs/distributed.md).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "train/dist/launcher.h"

namespace {

struct LaunchCli {
  upt::train::dist::LaunchOptions opts;
  std::vector<std::string> cmd;
  template <class V>
  void ForEach(V&& v) {
    v("", opts, "");
    v("cmd", cmd, "Command run by every rank (after --)", upt::kOptPositional | upt::kOptRequired);
  }
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
  upt::cli::AddOptions(app, *cli);
  app.get_option("--nproc")->check(CLI::Range(1, 1024));
  app.footer(
      "Each rank gets RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT;\n"
      "output lines are prefixed with [rank i]. If a rank fails, the others are stopped and\n"
      "upt launch exits with that rank's status. Several hosts: torchrun or SLURM (docs/distributed.md).");
  return [cli] { return RunLaunch(*cli); };
}

}  // namespace

UPT_COMMAND(launch, "Run a command as N local data-parallel ranks (torchrun-style)", SetupLaunch);
