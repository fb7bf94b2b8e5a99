// Binds an options struct (core/options.h) to a CLI11 app: one flag per field,
// named --<dotted-key-with-dashes>, with the field's help and default.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "core/error.h"
#include "core/options.h"

namespace upt::cli {

template <class T>
void AddOptions(CLI::App& app, T& opts, const std::string& flag_prefix = "") {
  options_detail::VisitLeaves(opts, "", [&](const std::string& key, auto& field, const char* help) {
    std::string flag = key;
    for (auto& c : flag)
      if (c == '.' || c == '_') c = '-';
    app.add_option("--" + flag_prefix + flag, field, help ? help : "")->capture_default_str();
  });
}

// The bootstrap flags shared by score, passk and compare, checked before any work.
inline void CheckBootstrapFlags(double level, long long replicates) {
  if (!(level > 0 && level < 1))
    throw Error("confidence level must be in (0, 1), got " + std::to_string(level), "--level", "e.g. --level 0.95");
  if (replicates < 1) throw Error("must be >= 1, got " + std::to_string(replicates), "--bootstrap", "e.g. 1000");
}

}  // namespace upt::cli
