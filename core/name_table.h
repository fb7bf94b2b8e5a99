// One name table per vocabulary enum (extraction policy, answer kind, reward
// policy, batch layout, ...): the enum value, its name and a help line, in
// declaration order. Parsing an unknown name throws upt::Error listing the
// valid names, as core/registry.h does for registries (config and command-line
// boundaries only; the reward path never parses). Torch-free.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/strings.h"

namespace upt {

template <class E>
struct NameEntry {
  E value;
  const char* name;
  const char* help;
};

template <class E>
std::vector<std::string> TableNames(const std::vector<NameEntry<E>>& table) {
  std::vector<std::string> out;
  for (const auto& e : table) out.push_back(e.name);
  return out;
}

template <class E>
const char* TableName(const std::vector<NameEntry<E>>& table, E value) {
  for (const auto& e : table)
    if (e.value == value) return e.name;
  return "?";
}

// `kind` names the vocabulary in the message ("extraction policy"), `where`
// the key or flag that carried it ("reward.policy", "--policy").
template <class E>
E ParseTableName(const std::vector<NameEntry<E>>& table, std::string_view name, std::string_view kind,
                 std::string_view where) {
  for (const auto& e : table)
    if (name == e.name) return e.value;
  throw Error(UnknownNameMessage(kind, name, TableNames(table)), std::string(where), "use one of the listed names");
}

}  // namespace upt
