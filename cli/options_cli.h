// Binds an options struct (core/options.h) to a CLI11 app: one flag per field,
// named --<dotted-key-with-dashes>, with the field's help and default. Every
// flag of every command is bound here (tests/cli/options_lint_test.cpp).
//   bool           a CLI11 flag: `--all-tokens`, also `--all-tokens=true|false`
//                  (kOptNegated: `--no-render` sets the field to false)
//   kOptPositional a positional argument named by the key
//   kOptRequired   must be given; kOptCommaList: a list that also splits a,b,c
//   Overrides<T>   each key a flag without a default; passing it gives the key
#pragma once

#include <optional>
#include <string>
#include <type_traits>

#include <CLI/CLI.hpp>

#include "core/error.h"
#include "core/options.h"
#include "eval/passk.h"

namespace upt::cli {

namespace options_cli_detail {
template <class U>
struct IsOptional : std::false_type {};
template <class U>
struct IsOptional<std::optional<U>> : std::true_type {};
}  // namespace options_cli_detail

template <class T>
void AddOptions(CLI::App& app, T& opts, const std::string& flag_prefix = "") {
  options_detail::VisitLeaves(opts, "", [&](const std::string& key, auto& field, const char* help_c,
                                            unsigned attrs) {
    using U = std::remove_reference_t<decltype(field)>;
    const std::string help = help_c ? help_c : "";
    std::string key_dashed = key;
    for (auto& c : key_dashed)
      if (c == '.' || c == '_') c = '-';
    std::string flag = "--" + flag_prefix + key_dashed;
    if (attrs & kOptShortName) flag = "-" + key_dashed.substr(0, 1) + "," + flag;
    CLI::Option* opt;
    if constexpr (options_detail::IsOverrideLeaf<U>::value) {  // a key of an Overrides<T>: given when passed
      using X = typename U::value_type;
      static_assert(!std::is_same_v<X, bool>, "Overrides of bool options are not bound");
      opt = app.add_option_function<X>(flag, [leaf = field](const X& x) mutable { leaf.Set(x); }, help);
      if (attrs & kOptCommaList) opt->delimiter(',');
      return;
    } else if (attrs & kOptPositional) {
      opt = app.add_option(key, field, help);
    } else if constexpr (std::is_same_v<U, bool>) {
      if (attrs & kOptNegated) app.add_flag("!--" + flag_prefix + "no-" + key_dashed, field, help);
      else app.add_flag(flag, field, help);
      return;
    } else {
      opt = app.add_option(flag, field, help);
    }
    if (attrs & kOptRequired) opt->required();
    if (attrs & kOptCommaList) opt->delimiter(',');
    if constexpr (!options_cli_detail::IsOptional<U>::value)
      if (!(attrs & (kOptNoDefault | kOptRequired | kOptPositional))) opt->capture_default_str();
  });
}

// The bootstrap flags shared by score, passk and compare, checked before any work.
inline void CheckBootstrapFlags(const eval::BootstrapOptions& b) {
  if (!(b.level > 0 && b.level < 1))
    throw Error("confidence level must be in (0, 1), got " + std::to_string(b.level), "--level", "e.g. --level 0.95");
  if (b.replicates < 1) throw Error("must be >= 1, got " + std::to_string(b.replicates), "--bootstrap", "e.g. 1000");
}

}  // namespace upt::cli
