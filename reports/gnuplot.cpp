#include "reports/gnuplot.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "core/fs.h"

namespace upt::reports {
namespace {

// fork + execvp with cwd and stdout/stderr redirected to files; returns the exit code,
// 127 when the program could not be executed.
int Spawn(const std::vector<std::string>& argv, const std::string& cwd, const std::string& err_path) {
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    int devnull = ::open("/dev/null", O_WRONLY);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (devnull >= 0) ::dup2(devnull, 1);
    if (err >= 0) ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string TempErrPath() {
  return (std::filesystem::temp_directory_path() / ("upt_gnuplot_" + std::to_string(::getpid()) + ".err")).string();
}

}  // namespace

std::string GnuplotProgram() {
  const char* env = std::getenv("UPT_GNUPLOT");
  return env && *env ? env : "gnuplot";
}

bool GnuplotAvailable() {
  std::string err = TempErrPath();
  int code = Spawn({GnuplotProgram(), "--version"}, "", err);
  std::filesystem::remove(err);
  return code == 0;
}

GnuplotRun RunGnuplot(const std::string& dir, const std::string& script) {
  GnuplotRun run;
  std::string err = TempErrPath();
  run.exit_code = Spawn({GnuplotProgram(), script}, dir, err);
  run.started = run.exit_code != 127;
  if (FileExists(err)) run.stderr_text = ReadFile(err);
  std::filesystem::remove(err);
  return run;
}

std::string GnuplotString(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') out += "''";
    else if (ch == '\n') out += ' ';
    else out += ch;
  }
  return out + "'";
}

}  // namespace upt::reports
