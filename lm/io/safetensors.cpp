#include "lm/io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"

namespace upt::lm::io {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the spec's 100 MB cap

struct DTypeRow {
  DType dtype;
  const char* name;
  size_t size;
};
constexpr DTypeRow kDTypes[] = {
    {DType::kF32, "F32", 4}, {DType::kF16, "F16", 2}, {DType::kBF16, "BF16", 2},
    {DType::kF64, "F64", 8}, {DType::kI64, "I64", 8}, {DType::kI32, "I32", 4},
    {DType::kI16, "I16", 2}, {DType::kI8, "I8", 1},   {DType::kU8, "U8", 1},
    {DType::kBool, "BOOL", 1},
};

uint64_t ReadLe64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void AppendLe64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

const char* kHint = "the file is corrupt or truncated; re-download or re-save it";

TensorInfo ParseTensorEntry(const std::string& name, const Json& e, const std::string& where) {
  std::string at = where + ": tensor '" + name + "'";
  if (!e.is_object()) throw Error("tensor entry must be an object", at, kHint);
  TensorInfo t;
  t.name = name;
  auto dt = e.find("dtype");
  if (dt == e.end() || !dt->is_string()) throw Error("missing or non-string field 'dtype'", at, kHint);
  if (!ParseDType(dt->get<std::string>(), &t.dtype))
    throw Error("unsupported dtype '" + dt->get<std::string>() + "'", at,
                "supported: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL");
  auto sh = e.find("shape");
  if (sh == e.end() || !sh->is_array()) throw Error("missing or non-array field 'shape'", at, kHint);
  uint64_t numel = 1;
  for (const auto& d : *sh) {
    if (!d.is_number_unsigned()) throw Error("shape entries must be non-negative integers", at, kHint);
    uint64_t v = d.get<uint64_t>();
    if (v > 0 && numel > std::numeric_limits<uint64_t>::max() / v / 8)
      throw Error("shape overflows", at, kHint);
    numel *= v;
    t.shape.push_back(static_cast<int64_t>(v));
  }
  auto off = e.find("data_offsets");
  if (off == e.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
      !(*off)[1].is_number_unsigned())
    throw Error("field 'data_offsets' must be [begin, end] with non-negative integers", at, kHint);
  t.begin = (*off)[0].get<uint64_t>();
  t.end = (*off)[1].get<uint64_t>();
  if (t.end < t.begin) throw Error("data_offsets end < begin", at, kHint);
  if (t.end - t.begin != numel * DTypeSize(t.dtype))
    throw Error("data_offsets span " + std::to_string(t.end - t.begin) + " bytes but shape x dtype needs " +
                    std::to_string(numel * DTypeSize(t.dtype)),
                at, kHint);
  for (const auto& [k, v] : e.items())
    if (k != "dtype" && k != "shape" && k != "data_offsets")
      throw Error("unknown field '" + k + "'", at, kHint);
  return t;
}

}  // namespace

const char* DTypeName(DType d) {
  for (const auto& r : kDTypes)
    if (r.dtype == d) return r.name;
  return "?";
}

size_t DTypeSize(DType d) {
  for (const auto& r : kDTypes)
    if (r.dtype == d) return r.size;
  return 0;
}

bool ParseDType(std::string_view name, DType* out) {
  for (const auto& r : kDTypes)
    if (name == r.name) {
      *out = r.dtype;
      return true;
    }
  return false;
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

const TensorInfo* SafetensorsHeader::Find(std::string_view name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

SafetensorsHeader ParseSafetensorsHeader(std::string_view prefix, uint64_t file_size, const std::string& where) {
  if (file_size < 8 || prefix.size() < 8)
    throw Error("file is " + std::to_string(file_size) + " bytes, shorter than the 8-byte header length", where,
                kHint);
  SafetensorsHeader h;
  h.header_size = ReadLe64(prefix.data());
  if (h.header_size > kMaxHeaderBytes)
    throw Error("header length " + std::to_string(h.header_size) + " exceeds the 100 MB limit", where, kHint);
  if (h.header_size > file_size - 8)
    throw Error("header length " + std::to_string(h.header_size) + " runs past the end of the " +
                    std::to_string(file_size) + "-byte file",
                where, kHint);
  if (prefix.size() < 8 + h.header_size) throw Error("header is truncated", where, kHint);
  h.data_start = 8 + h.header_size;
  std::string_view text = prefix.substr(8, h.header_size);
  if (text.empty() || text[0] != '{') throw Error("header does not start with '{'", where, kHint);
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw Error("header is not a JSON object", where, kHint);
  for (const auto& [name, e] : j.items()) {
    if (name == "__metadata__") {
      if (!e.is_object()) throw Error("__metadata__ must be an object", where + ": field '__metadata__'", kHint);
      for (const auto& [k, v] : e.items()) {
        if (!v.is_string())
          throw Error("__metadata__ values must be strings", where + ": field '__metadata__." + k + "'", kHint);
        h.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    h.tensors.push_back(ParseTensorEntry(name, e, where));
  }
  std::sort(h.tensors.begin(), h.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  const uint64_t data_size = file_size - h.data_start;
  uint64_t cursor = 0;
  for (const auto& t : h.tensors) {
    if (t.begin < cursor)
      throw Error("tensor overlaps the previous one (begin " + std::to_string(t.begin) + " < " +
                      std::to_string(cursor) + ")",
                  where + ": tensor '" + t.name + "'", kHint);
    if (t.begin > cursor)
      throw Error("gap in the data buffer before this tensor (the spec forbids holes)",
                  where + ": tensor '" + t.name + "'", kHint);
    if (t.end > data_size)
      throw Error("data_offsets end " + std::to_string(t.end) + " past the " + std::to_string(data_size) +
                      "-byte data buffer",
                  where + ": tensor '" + t.name + "'", kHint);
    cursor = t.end;
  }
  if (cursor != data_size)
    throw Error(std::to_string(data_size - cursor) + " trailing bytes not covered by any tensor", where, kHint);
  return h;
}

std::unique_ptr<SafetensorsFile> SafetensorsFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error("cannot open safetensors file: " + std::string(std::strerror(errno)), path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error("cannot stat file", path);
  }
  std::unique_ptr<SafetensorsFile> f(new SafetensorsFile());
  f->path_ = path;
  f->size_ = static_cast<size_t>(st.st_size);
  if (f->size_ > 0) {
    void* m = ::mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      ::close(fd);
      throw Error("cannot mmap file: " + std::string(std::strerror(errno)), path);
    }
    f->map_ = static_cast<const char*>(m);
  }
  ::close(fd);
  f->header_ = ParseSafetensorsHeader(std::string_view(f->map_ ? f->map_ : "", f->size_), f->size_, path);
  return f;
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) ::munmap(const_cast<char*>(map_), size_);
}

std::string_view SafetensorsFile::Data(const TensorInfo& t) const {
  return std::string_view(map_ + header_.data_start + t.begin, t.end - t.begin);
}

const TensorInfo& SafetensorsFile::Get(std::string_view name) const {
  const TensorInfo* t = header_.Find(name);
  if (!t) throw Error("tensor '" + std::string(name) + "' not found", path_);
  return *t;
}

std::string SafetensorsHeaderBytes(const std::vector<TensorBlob>& tensors,
                                   const std::map<std::string, std::string>& metadata) {
  OrderedJson j = OrderedJson::object();
  if (!metadata.empty()) {
    OrderedJson m = OrderedJson::object();
    for (const auto& [k, v] : metadata) m[k] = v;
    j["__metadata__"] = m;
  }
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    int64_t numel = 1;
    for (auto d : t.shape) numel *= d;
    uint64_t bytes = static_cast<uint64_t>(numel) * DTypeSize(t.dtype);
    UPT_CHECK(bytes == t.data.size(), "tensor '" + t.name + "': data size does not match shape x dtype");
    UPT_CHECK(!j.contains(t.name), "duplicate tensor name '" + t.name + "'");
    j[t.name] = {{"dtype", DTypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = j.dump();
  while (text.size() % 8 != 0) text.push_back(' ');
  std::string out;
  AppendLe64(&out, text.size());
  out += text;
  return out;
}

void WriteSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  AtomicWriter w(path);
  w.Write(SafetensorsHeaderBytes(tensors, metadata));
  for (const auto& t : tensors) w.Write(t.data);
  w.Commit();
}

CheckpointWeights CheckpointWeights::Open(const std::string& dir) {
  CheckpointWeights cw;
  const std::string single = dir + "/model.safetensors";
  const std::string index = dir + "/model.safetensors.index.json";
  if (FileExists(index)) {
    Json j = Json::parse(ReadFile(index), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error("not a JSON object", index);
    auto wm = j.find("weight_map");
    if (wm == j.end() || !wm->is_object())
      throw Error("missing object field 'weight_map'", index + ": field 'weight_map'");
    std::map<std::string, size_t> file_index;
    for (const auto& [name, file] : wm->items()) {
      if (!file.is_string()) throw Error("shard names must be strings", index + ": field 'weight_map." + name + "'");
      std::string shard = file.get<std::string>();
      if (shard.find('/') != std::string::npos || shard.empty() || shard[0] == '.')
        throw Error("shard name '" + shard + "' must be a plain file name", index + ": field 'weight_map." + name + "'");
      auto it = file_index.find(shard);
      if (it == file_index.end()) {
        cw.files_.push_back(SafetensorsFile::Open(dir + "/" + shard));
        it = file_index.emplace(shard, cw.files_.size() - 1).first;
      }
      if (!cw.files_[it->second]->header().Find(name))
        throw Error("index maps tensor '" + name + "' to " + shard + ", which does not contain it",
                    index + ": field 'weight_map." + name + "'", "the index and the shards disagree");
      cw.where_[name] = it->second;
    }
    return cw;
  }
  if (!FileExists(single))
    throw Error("no model.safetensors or model.safetensors.index.json", dir,
                "point --model at a checkpoint directory (see `upt model init`)");
  cw.files_.push_back(SafetensorsFile::Open(single));
  for (const auto& t : cw.files_[0]->header().tensors) cw.where_[t.name] = 0;
  return cw;
}

bool CheckpointWeights::Has(std::string_view name) const { return where_.find(name) != where_.end(); }

const TensorInfo& CheckpointWeights::Info(std::string_view name) const {
  auto it = where_.find(name);
  if (it == where_.end())
    throw Error("tensor '" + std::string(name) + "' not found in the checkpoint",
                files_.empty() ? std::string() : files_[0]->path(),
                "the checkpoint does not match the config (architecture or tensor names)");
  return files_[it->second]->Get(name);
}

std::string_view CheckpointWeights::Data(std::string_view name) const {
  const TensorInfo& t = Info(name);
  return files_[where_.find(name)->second]->Data(t);
}

std::vector<std::string> CheckpointWeights::Names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : where_) out.push_back(k);
  return out;
}

std::vector<std::string> CheckpointWeights::Files() const {
  std::vector<std::string> out;
  for (const auto& f : files_) out.push_back(f->path());
  return out;
}

void WriteCheckpointWeights(const std::string& dir, const std::vector<TensorBlob>& tensors, uint64_t max_shard_bytes) {
  MakeDirs(dir);
  uint64_t total = 0;
  for (const auto& t : tensors) total += t.data.size();
  if (max_shard_bytes == 0 || total <= max_shard_bytes) {
    WriteSafetensors(dir + "/model.safetensors", tensors);
    return;
  }
  std::vector<std::vector<TensorBlob>> shards(1);
  uint64_t in_shard = 0;
  for (const auto& t : tensors) {
    if (in_shard > 0 && in_shard + t.data.size() > max_shard_bytes) {
      shards.emplace_back();
      in_shard = 0;
    }
    shards.back().push_back(t);
    in_shard += t.data.size();
  }
  OrderedJson weight_map = OrderedJson::object();
  char name[64];
  for (size_t i = 0; i < shards.size(); ++i) {
    std::snprintf(name, sizeof(name), "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
    WriteSafetensors(dir + "/" + name, shards[i]);
    for (const auto& t : shards[i]) weight_map[t.name] = name;
  }
  OrderedJson index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
  WriteFileAtomic(dir + "/model.safetensors.index.json", DumpPretty(index));
}

}  // namespace upt::lm::io
