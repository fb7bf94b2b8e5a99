#include "datasets/parquet/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/strings.h"
#include "datasets/parquet/assemble.h"
#include "datasets/parquet/column.h"
#include "datasets/parquet/thrift.h"

namespace upt::datasets::parquet {
namespace {

const char* kHint = "the file is truncated, corrupt or not Parquet; re-download it or re-write it (e.g. pyarrow)";

uint32_t LoadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

ParquetFile::ParquetFile(const std::string& path) {
  name_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error(std::string("cannot open: ") + std::strerror(errno), path);
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw Error("not a regular file", path);
  }
  size_ = static_cast<uint64_t>(st.st_size);
  Init();
}

ParquetFile ParquetFile::FromBytes(std::string bytes, const std::string& name) {
  ParquetFile f;
  f.name_ = name;
  f.bytes_ = std::move(bytes);
  f.size_ = f.bytes_.size();
  f.Init();
  return f;
}

ParquetFile::~ParquetFile() {
  if (fd_ >= 0) ::close(fd_);
}

ParquetFile::ParquetFile(ParquetFile&& o) noexcept { *this = std::move(o); }

ParquetFile& ParquetFile::operator=(ParquetFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    name_ = std::move(o.name_);
    fd_ = o.fd_;
    o.fd_ = -1;
    bytes_ = std::move(o.bytes_);
    size_ = o.size_;
    meta_ = std::move(o.meta_);
    schema_ = std::move(o.schema_);  // its element pointers follow meta_.schema's moved buffer
  }
  return *this;
}

std::string ParquetFile::ReadAt(uint64_t offset, uint64_t size, const std::string& what) const {
  if (offset > size_ || size > size_ - offset)
    throw Error(what + " lies past the end of the file (" + std::to_string(size_) + " bytes)", name_, kHint);
  if (fd_ < 0) return bytes_.substr(offset, size);
  std::string out(size, '\0');
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd_, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(std::string("read failed: ") + (n < 0 ? std::strerror(errno) : "unexpected end of file"), name_);
    done += static_cast<size_t>(n);
  }
  return out;
}

void ParquetFile::Init() {
  if (size_ < 12) throw Error("too small to be a Parquet file (" + std::to_string(size_) + " bytes)", name_, kHint);
  std::string head = ReadAt(0, 4, "the header");
  std::string tail = ReadAt(size_ - 8, 8, "the footer");
  if (tail.compare(4, 4, "PARE") == 0)
    throw Error("encrypted Parquet files are not supported", name_, "decrypt it first");
  if (head != "PAR1" || tail.compare(4, 4, "PAR1") != 0)
    throw Error("missing the Parquet magic bytes PAR1 at the start or end", name_, kHint);
  uint32_t len = LoadU32(tail.data());
  if (len > size_ - 12) throw Error("footer length " + std::to_string(len) + " exceeds the file", name_, kHint);
  std::string footer = ReadAt(size_ - 8 - len, len, "the footer");
  try {
    meta_ = ParseFileMeta(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
    schema_ = Schema::Build(meta_.schema);
    int64_t rows = 0;
    for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
      const RowGroupMeta& rg = meta_.row_groups[g];
      if (rg.num_rows < 0) Corrupt("row group " + std::to_string(g) + " has a negative row count");
      if (rg.columns.size() != schema_.columns.size())
        Corrupt("row group " + std::to_string(g) + " has " + std::to_string(rg.columns.size()) + " columns, the schema " +
                std::to_string(schema_.columns.size()));
      rows += rg.num_rows;
    }
    if (rows != meta_.num_rows) Corrupt("row groups hold " + std::to_string(rows) + " rows, the footer says " + std::to_string(meta_.num_rows));
  } catch (const FormatError& e) {
    throw Error(std::string("corrupt footer: ") + e.what(), name_, kHint);
  }
}

std::vector<std::string> ParquetFile::TopLevelNames() const {
  std::vector<std::string> out;
  for (int c : schema_.nodes[0].children) out.push_back(schema_.nodes[c].el->name);
  return out;
}

std::vector<int> ParquetFile::TopNodes(const std::vector<std::string>& columns) const {
  const auto& top = schema_.nodes[0].children;
  if (columns.empty()) return top;
  std::vector<int> out;
  for (const auto& name : columns) {
    int found = -1;
    for (int c : top)
      if (schema_.nodes[c].el->name == name) found = c;
    if (found < 0) throw Error(UnknownNameMessage("column", name, TopLevelNames()), name_);
    out.push_back(found);
  }
  return out;
}

std::vector<Json> ParquetFile::ReadRowGroup(size_t g, const std::vector<std::string>& columns) const {
  UPT_CHECK(g < meta_.row_groups.size(), "row group index out of range");
  const RowGroupMeta& rg = meta_.row_groups[g];
  std::vector<int> top = TopNodes(columns);
  std::vector<ColumnData> cols(schema_.columns.size());
  std::string where_group = name_ + ": row group " + std::to_string(g);
  for (int node : top) {
    for (int c : schema_.nodes[node].leaves) {
      const SchemaNode& leaf = schema_.nodes[schema_.columns[c]];
      const ColumnMeta& cm = rg.columns[c];
      std::string where = where_group + ", column '" + leaf.path + "'";
      try {
        if (!cm.has_meta) Corrupt("column chunk without metadata");
        if (cm.path.size() && Join(cm.path, ".") != leaf.path) Corrupt("chunk path '" + Join(cm.path, ".") + "' differs from the schema's");
        int64_t start = cm.dictionary_page_offset > 0 && cm.dictionary_page_offset < cm.data_page_offset
                            ? cm.dictionary_page_offset : cm.data_page_offset;
        if (start < 0 || cm.total_compressed_size < 0) Corrupt("negative offset or size in the chunk metadata");
        std::string bytes = ReadAt(static_cast<uint64_t>(start), static_cast<uint64_t>(cm.total_compressed_size), "the column chunk");
        cols[c] = DecodeColumnChunk(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), cm, *leaf.el,
                                    leaf.def_level, leaf.rep_level);
      } catch (const FormatError& e) {
        throw Error(e.what(), where, kHint);
      } catch (const Error& e) {
        throw Error(e.message(), where, e.hint());
      }
    }
  }
  try {
    return AssembleRows(schema_, top, cols, rg.num_rows);
  } catch (const FormatError& e) {
    throw Error(e.what(), where_group, kHint);
  }
}

void ParquetFile::ForEachRow(const std::function<bool(Json&, int64_t)>& fn, const std::vector<std::string>& columns) const {
  int64_t index = 0;
  for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
    std::vector<Json> rows = ReadRowGroup(g, columns);
    for (auto& row : rows)
      if (!fn(row, index++)) return;
  }
}

bool LooksLikeParquet(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char magic[4] = {};
  bool ok = ::pread(fd, magic, 4, 0) == 4 && std::memcmp(magic, "PAR1", 4) == 0;
  ::close(fd);
  return ok;
}

}  // namespace upt::datasets::parquet
