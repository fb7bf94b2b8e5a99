#include "cli/command.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
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
// Every floating-point flag of every command must be finite: `--rel-tol inf`,
// `--temperature nan` or `1e999` are refused at parse time (CLI11 would accept them).
void RequireFiniteFloats(CLI::App* app) {
  static const CLI::Validator finite(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        double v = std::strtod(text.c_str(), &end);
        if (end != text.c_str() && *end == '\0' && !std::isfinite(v)) return "must be a finite number, got " + text;
        return {};
      },
      "");
  for (CLI::Option* opt : app->get_options())
    if (opt->get_type_name() == "FLOAT") opt->check(finite);
  for (CLI::App* sub : app->get_subcommands({})) RequireFiniteFloats(sub);
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
    RequireFiniteFloats(sub);
  }
}

int DispatchNested(CLI::App& parent, const std::vector<std::pair<CLI::App*, RunFn>>& subs) {
  for (const auto& [sub, run] : subs)
    if (sub->parsed()) return run();
  std::cout << parent.help();
  return 1;
}

namespace {
std::string SelfExecutable() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("upt");
}
}  // namespace

std::string SiblingExecutable(const std::string& name) {
  const std::string self = SelfExecutable();
  return self.substr(0, self.rfind('/') + 1) + name;
}

std::string UptExecutable() {
  const std::string front = SiblingExecutable("upt");
  return ::access(front.c_str(), X_OK) == 0 ? front : SelfExecutable();
}

}  // namespace upt::cli
