#include "cli/command.h"

#include <algorithm>
#include <iostream>
#include <vector>

namespace upt::cli {
namespace {
struct Entry {
  std::string name, help;
  SetupFn setup;
};
std::vector<Entry>& Entries() {
  static std::vector<Entry> entries;
  return entries;
}
}  // namespace

CommandRegistration::CommandRegistration(const char* name, const char* help, SetupFn setup) {
  Entries().push_back({name, help, setup});
}

void AddRegisteredCommands(CLI::App& app, std::vector<std::pair<CLI::App*, RunFn>>* runs) {
  auto entries = Entries();
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  for (const auto& e : entries) {
    CLI::App* sub = app.add_subcommand(e.name, e.help);
    runs->emplace_back(sub, e.setup(*sub));
  }
}

int DispatchNested(CLI::App& parent, const std::vector<std::pair<CLI::App*, RunFn>>& subs) {
  for (const auto& [sub, run] : subs)
    if (sub->parsed()) return run();
  std::cout << parent.help();
  return 1;
}

}  // namespace upt::cli
