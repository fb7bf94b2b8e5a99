// Safetensors (https://github.com/huggingface/safetensors, format spec in its README),
// torch-free: header parsing with full bounds checks, a memory-mapped reader, a
// writer, and the sharded-checkpoint index (model.safetensors.index.json).
//
// File layout: u64 little-endian N | N bytes of UTF-8 JSON header | data buffer.
// Header: {"__metadata__": {str: str}?, "<name>": {"dtype": "F32", "shape": [..],
// "data_offsets": [begin, end]}, ...}; offsets are relative to the data buffer,
// and end - begin == numel * dtype size. Parsing never reads past the file end;
// overlapping or out-of-range tensors are rejected with the file and tensor named.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace upt::lm::io {

enum class DType { kF32, kF16, kBF16, kF64, kI64, kI32, kI16, kI8, kU8, kBool };
const char* DTypeName(DType d);      // "F32", "BF16", ...
size_t DTypeSize(DType d);           // bytes per element
bool ParseDType(std::string_view name, DType* out);

struct TensorInfo {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range within the data buffer
  int64_t numel() const;
};

struct SafetensorsHeader {
  uint64_t header_size = 0;   // N
  uint64_t data_start = 0;    // 8 + N
  std::map<std::string, std::string> metadata;
  std::vector<TensorInfo> tensors;  // in data-offset order
  const TensorInfo* Find(std::string_view name) const;
};

// Parses and validates the header of a file of `file_size` bytes whose first
// bytes are `prefix` (at least 8 + N bytes of it are needed; shorter is an
// error). Throws upt::Error naming `where` and the offending field.
SafetensorsHeader ParseSafetensorsHeader(std::string_view prefix, uint64_t file_size,
                                         const std::string& where);

// A read-only memory-mapped safetensors file.
class SafetensorsFile {
 public:
  static std::unique_ptr<SafetensorsFile> Open(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const SafetensorsHeader& header() const { return header_; }
  const std::string& path() const { return path_; }
  // Raw bytes of a tensor (little-endian, row-major); throws when absent.
  std::string_view Data(const TensorInfo& t) const;
  const TensorInfo& Get(std::string_view name) const;

 private:
  SafetensorsFile() = default;
  std::string path_;
  const char* map_ = nullptr;
  size_t size_ = 0;
  SafetensorsHeader header_;
};

// One tensor to write: raw little-endian bytes of numel * DTypeSize(dtype).
struct TensorBlob {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  std::string_view data;
};

// Serialises the header (8-byte length + JSON padded with spaces to a multiple
// of 8, tensors laid out in the given order, `__metadata__` when non-empty).
std::string SafetensorsHeaderBytes(const std::vector<TensorBlob>& tensors,
                                   const std::map<std::string, std::string>& metadata);
// Writes a complete file atomically.
void WriteSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                      const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

// A checkpoint directory's weights: either model.safetensors or the shards named by
// model.safetensors.index.json ({"metadata": {...}, "weight_map": {name: file}}).
class CheckpointWeights {
 public:
  // Throws upt::Error when the directory has neither file, or an index names a
  // missing shard or a tensor absent from its shard.
  static CheckpointWeights Open(const std::string& dir);
  bool Has(std::string_view name) const;
  const TensorInfo& Info(std::string_view name) const;
  std::string_view Data(std::string_view name) const;
  std::vector<std::string> Names() const;  // sorted
  std::vector<std::string> Files() const;  // shard paths
 private:
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::map<std::string, size_t, std::less<>> where_;  // tensor name -> index in files_
};

// Writes weights as model.safetensors, or as model-0000i-of-0000N.safetensors plus an
// index when the total exceeds max_shard_bytes (> 0). Removes neither old shards nor index.
void WriteCheckpointWeights(const std::string& dir, const std::vector<TensorBlob>& tensors,
                            uint64_t max_shard_bytes = 0);

}  // namespace upt::lm::io
