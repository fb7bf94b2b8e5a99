#include "datasets/zip_reader.h"

#include <memory>

#include <zip.h>

#include "core/error.h"

namespace upt::datasets {
namespace {
struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
}  // namespace

std::string ReadZipEntry(std::string_view zip_bytes, const std::string& entry, const std::string& password,
                         const std::string& what) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &err);
  if (!src) {
    std::string msg = zip_error_strerror(&err);
    zip_error_fini(&err);
    throw Error("cannot open zip buffer: " + msg, what);
  }
  std::unique_ptr<zip_t, ArchiveCloser> archive(zip_open_from_source(src, ZIP_RDONLY, &err));
  if (!archive) {
    std::string msg = zip_error_strerror(&err);
    zip_source_free(src);
    zip_error_fini(&err);
    throw Error("not a readable zip archive: " + msg, what, "the embedded archive is damaged; rebuild upt");
  }
  zip_error_fini(&err);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(archive.get(), entry.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    throw Error("zip archive has no entry '" + entry + "'", what);
  std::unique_ptr<zip_file_t, FileCloser> file(
      password.empty() ? zip_fopen(archive.get(), entry.c_str(), 0)
                       : zip_fopen_encrypted(archive.get(), entry.c_str(), 0, password.c_str()));
  if (!file)
    throw Error(std::string("cannot open zip entry '") + entry + "': " + zip_strerror(archive.get()), what,
                "wrong password or unsupported encryption");
  std::string out(st.size, '\0');
  zip_int64_t n = zip_fread(file.get(), out.data(), out.size());
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size)
    throw Error(std::string("cannot read zip entry '") + entry + "': " + zip_file_strerror(file.get()), what,
                "wrong password (the CRC check failed) or a damaged archive");
  return out;
}

}  // namespace upt::datasets
