// `upt`: one binary, git-style subcommands (see README.md for the tour).
#include <cstdio>
#include <iostream>
#include <new>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/version.h"

namespace {

struct GlobalFlags {
  bool version = false, quiet = false, verbose = false;
  template <class V>
  void ForEach(V&& v) {
    v("version", version, "Print version and git revision");
    v("quiet", quiet, "Only warnings and errors; no progress bars", upt::kOptShortName);
    v("verbose", verbose, "Debug logging", upt::kOptShortName);
  }
};

// Runs a command and turns every failure into a message and an exit code
// (docs/failure.md): upt::Error -> 2, out of memory -> 2, other exceptions -> 3.
// Standard output is flushed and closed here, and a failed write (a full disk,
// a closed pipe) is an error too, so `upt ... > file` never exits 0 with a
// truncated file.
int RunCommand(const upt::cli::RunFn& run) {
  int rc = 0;
  try {
    rc = run();
    upt::CloseStdout();
  } catch (const upt::Error& e) {
    std::fprintf(stderr, "upt: error: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "upt: error: out of memory\n  hint: an input asks for more memory than this machine "
                         "has (a huge count, size or line); see docs/failure.md for the limits\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "upt: error: %s\n", e.what());
    return 3;
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"upt: Unified Post-Training evaluation and training suite"};
  app.require_subcommand(0, 1);
  GlobalFlags g;
  upt::cli::AddOptions(app, g);
  const bool &version = g.version, &quiet = g.quiet, &verbose = g.verbose;
  std::vector<std::pair<CLI::App*, upt::cli::RunFn>> runs;
  upt::cli::AddRegisteredCommands(app, &runs);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (version) {
    std::printf("upt %s (git %s)\n", upt::VersionString(), upt::GitRevision());
    return 0;
  }
  if (quiet) upt::SetQuiet(true);
  if (verbose) upt::SetLogLevel(upt::LogLevel::kDebug);
  for (auto& [sub, run] : runs)
    if (sub->parsed()) return RunCommand(run);
  std::cout << app.help();
  return 1;
}
