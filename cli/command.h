// Subcommand registration for the `upt` binary.
//
// A command file defines a setup function that adds its options to the CLI11
// subcommand it is given and returns the function that runs it:
//
//   static upt::cli::RunFn SetupVerify(CLI::App& app) {
//     auto opts = std::make_shared<VerifyCliOptions>();
//     AddOptions(app, *opts);   // cli/options_cli.h: one flag per field of the struct
//     return [opts] { return RunVerify(*opts); };   // returns the exit code
//   }
//   UPT_COMMAND(verify, "Check answers against gold answers", SetupVerify);
//
// Nested commands (`upt data list`) add their own subcommands inside setup and
// return a dispatcher (see cli/datasets/cmd_data.cpp). upt::Error thrown by a
// run function is printed with its hint and exits 2; other exceptions exit 3.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace upt::cli {

using RunFn = std::function<int()>;
using SetupFn = RunFn (*)(CLI::App& sub);

struct CommandRegistration {
  CommandRegistration(const char* name, const char* help, SetupFn setup);
};

// Adds every registered command to `app`; returns name -> run function in
// `runs` (filled after parsing). Called once by main.
void AddRegisteredCommands(CLI::App& app, std::vector<std::pair<CLI::App*, RunFn>>* runs);

// For nested subcommands: runs whichever of `subs` was parsed, or prints help.
int DispatchNested(CLI::App& parent, const std::vector<std::pair<CLI::App*, RunFn>>& subs);

// `name` in the folder of the running executable (/proc/self/exe): `upt` and
// `upt-torch` are built and installed side by side.
std::string SiblingExecutable(const std::string& name);
// The `upt` front next to the running executable, else the running executable:
// what a command means by "upt" when it runs upt again (`upt launch -- upt ...`).
std::string UptExecutable();

}  // namespace upt::cli

#define UPT_CLI_CONCAT2(a, b) a##b
#define UPT_CLI_CONCAT(a, b) UPT_CLI_CONCAT2(a, b)
#define UPT_COMMAND(name, help, setup) \
  static ::upt::cli::CommandRegistration UPT_CLI_CONCAT(upt_cmd_reg_, name)(#name, help, setup)
