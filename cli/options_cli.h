// Binds an options struct (core/options.h) to a CLI11 app: one flag per field,
// named --<dotted-key-with-dashes>, with the field's help and default.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

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

}  // namespace upt::cli
