// Named registries with uniform signatures. An unknown name is an error that
// lists the valid names (and suggests the closest one). Registries are filled
// explicitly by a module's Register*() function, never by static initialisers
// (those are dropped from static libraries).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/strings.h"

namespace upt {

template <class T>
class Registry {
 public:
  // `kind` names the family in messages, e.g. "stabilization mask".
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  void Add(const std::string& name, T value, std::string help = {}) {
    if (entries_.count(name)) throw Error("duplicate " + kind_ + " '" + name + "'", "registry");
    entries_.emplace(name, Entry{std::move(value), std::move(help)});
  }
  bool Has(std::string_view name) const { return entries_.count(std::string(name)) > 0; }
  const T& Get(std::string_view name) const {
    auto it = entries_.find(std::string(name));
    if (it == entries_.end())
      throw Error(UnknownNameMessage(kind_, name, Names()), {}, "use one of the listed names");
    return it->second.value;
  }
  const std::string& Help(std::string_view name) const {
    Get(name);
    return entries_.find(std::string(name))->second.help;
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : entries_) out.push_back(k);
    return out;
  }
  const std::string& kind() const { return kind_; }

 private:
  struct Entry {
    T value;
    std::string help;
  };
  std::string kind_;
  std::map<std::string, Entry> entries_;
};

}  // namespace upt
