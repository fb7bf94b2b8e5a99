// A vocabulary enum's name table as an object (kind + entries) over
// core/name_table.h's functions: each value's name and help are written once;
// parsing an unknown name throws upt::Error listing the valid names. Torch-free.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/name_table.h"

namespace upt::train {

template <class E>
class NameTable {
 public:
  using Entry = NameEntry<E>;
  // `kind` names the vocabulary in messages, e.g. "batch layout".
  NameTable(const char* kind, std::vector<Entry> entries) : kind_(kind), entries_(std::move(entries)) {}

  const char* Name(E e) const {
    for (const auto& x : entries_)
      if (x.value == e) return x.name;
    throw Error(std::string(kind_) + " value without a name", "NameTable");
  }
  // Throws upt::Error listing the valid names; `where` locates the field.
  E Parse(std::string_view name, const std::string& where = {}) const {
    return ParseTableName(entries_, name, kind_, where);
  }
  std::vector<std::string> Names() const { return TableNames(entries_); }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  const char* kind_;
  std::vector<Entry> entries_;
};

}  // namespace upt::train
