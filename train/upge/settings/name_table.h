// One name table per vocabulary enum: each value's name and help are written
// once; parsing an unknown name throws upt::Error listing the valid names (the
// way core/registry.h treats unknown registry names). Torch-free.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/strings.h"

namespace upt::train {

template <class E>
class NameTable {
 public:
  struct Entry {
    E value;
    const char* name;
    const char* help;
  };
  // `kind` names the vocabulary in messages, e.g. "batch layout".
  NameTable(const char* kind, std::vector<Entry> entries) : kind_(kind), entries_(std::move(entries)) {}

  const char* Name(E e) const {
    for (const auto& x : entries_)
      if (x.value == e) return x.name;
    throw Error(std::string(kind_) + " value without a name", "NameTable");
  }
  // Throws upt::Error listing the valid names; `where` locates the field.
  E Parse(std::string_view name, const std::string& where = {}) const {
    for (const auto& x : entries_)
      if (name == x.name) return x.value;
    throw Error(UnknownNameMessage(kind_, name, Names()), where, "use one of the listed names");
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& x : entries_) out.push_back(x.name);
    return out;
  }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  const char* kind_;
  std::vector<Entry> entries_;
};

}  // namespace upt::train
