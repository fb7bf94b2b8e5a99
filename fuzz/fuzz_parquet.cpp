// libFuzzer target: the Parquet reader on arbitrary bytes. Every input must end
// in rows or an upt::Error; crashes, leaks, sanitizer reports and hangs fail.
// Seeds: fuzz/corpus_parquet (files written by hyparquet-writer).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "datasets/parquet/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using upt::datasets::parquet::ParquetFile;
  try {
    ParquetFile f = ParquetFile::FromBytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.parquet");
    size_t rows = 0;
    f.ForEachRow([&](upt::Json& row, int64_t) {
      rows += row.size();
      return rows < 1000000;
    });
  } catch (const upt::Error&) {
  }
  return 0;
}
