// datasets::IsParquetPath (declared in datasets/load.h) lives beside the reader
// so that targets built from datasets/parquet/ alone (the sample-file fuzzers)
// link without the rest of datasets/.
#include "core/strings.h"
#include "datasets/load.h"
#include "datasets/parquet/reader.h"

namespace upt::datasets {

bool IsParquetPath(const std::string& path) {
  return EndsWith(ToLower(path), ".parquet") || parquet::LooksLikeParquet(path);
}

}  // namespace upt::datasets
