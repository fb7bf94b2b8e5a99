// Runs gnuplot on a script file as a subprocess (no shell), in the script's
// folder, so the script's relative data and output names work when a user
// re-runs it by hand: `cd figures && gnuplot passk.gp`.
#pragma once

#include <string>

namespace upt::reports {

// The gnuplot program: $UPT_GNUPLOT if set, else "gnuplot" (looked up on PATH).
std::string GnuplotProgram();
// True when the program can be started (`gnuplot --version` exits 0).
bool GnuplotAvailable();

struct GnuplotRun {
  bool started = false;  // false: the program was not found
  int exit_code = -1;
  std::string stderr_text;
};

// Runs `gnuplot <script>` with working directory `dir`.
GnuplotRun RunGnuplot(const std::string& dir, const std::string& script);

// A gnuplot single-quoted string literal ('' escapes a quote; no other escapes).
std::string GnuplotString(const std::string& text);

}  // namespace upt::reports
