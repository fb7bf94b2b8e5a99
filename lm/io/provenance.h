// What identifies a checkpoint in provenance records (generate, train):
//   {"path": absolute directory, "config_sha256", "weights_sha256", "weight_files",
//    "tokenizer_sha256"?, "generation_config_sha256"?}
// weights_sha256 is the SHA-256 of model.safetensors, or, for sharded
// checkpoints, the SHA-256 of the shards' hex digests in shard order (the
// definition `upt generate` has always used). Hashing reads every weight byte
// (about 1 GB/s per core).
#pragma once

#include <string>

#include "core/json.h"

namespace upt::lm::io {

OrderedJson ModelProvenance(const std::string& dir);

}  // namespace upt::lm::io
