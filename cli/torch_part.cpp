// The torch-free `upt` front: registers every torch command (name + help from
// the generated torch_commands.inc) as a pass-through subcommand, so `upt --help`
// lists all commands without loading libtorch. Running one replaces this
// process (execv: same pid, fds, environment and argv[0]) with `upt-torch`,
// which parses the arguments itself, its own --help included.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/error.h"

namespace upt::cli {
namespace {

struct TorchCommand {
  const char* name;
  const char* help;
};

const std::vector<TorchCommand>& TorchCommands() {
  static const std::vector<TorchCommand> table = {
#include "torch_commands.inc"
  };
  return table;
}

// This process's argv, as the kernel holds it (NUL-separated).
std::vector<std::string> OwnArgv() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (size_t pos = 0; pos < all.size();) {
    size_t end = all.find('\0', pos);
    if (end == std::string::npos) end = all.size();
    args.push_back(all.substr(pos, end - pos));
    pos = end + 1;
  }
  return args;
}

int ExecTorchPart() {
  const std::string path = SiblingExecutable("upt-torch");
  std::vector<std::string> args = OwnArgv();
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  ::execv(path.c_str(), argv.data());
  throw Error(std::string("cannot run the torch part of upt: ") + std::strerror(errno), path,
              "build and install upt-torch next to upt (cmake --build build; cmake --install build)");
}

// Every argument after the command's name (its --help included) is left for upt-torch.
RunFn SetupTorchCommand(CLI::App& sub) {
  sub.prefix_command();
  sub.allow_extras();
  sub.set_help_flag();
  return [] { return ExecTorchPart(); };
}

const bool registered = [] {
  for (const auto& c : TorchCommands()) CommandRegistration(c.name, c.help, SetupTorchCommand);
  return true;
}();

}  // namespace
}  // namespace upt::cli
