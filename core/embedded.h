// Files linked into the binary by the CMake helper upt_embed_files().
#pragma once

#include <cstddef>
#include <string_view>

namespace upt {

struct EmbeddedFile {
  const char* name;  // path relative to the BASE given to upt_embed_files
  const char* data;
  std::size_t size;
  std::string_view view() const { return {data, size}; }
};

}  // namespace upt
