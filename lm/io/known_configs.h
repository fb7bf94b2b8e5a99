// config.json of the paper's base models (arXiv 2509.04419: Qwen2.5-Math-1.5B,
// Qwen2.5-Math-7B, LLaMA-3.1-8B) as published on the Hugging Face hub, so memory
// plans work on machines without the checkpoints. Torch-free.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lm/io/qwen2_config.h"

namespace upt::lm::io {

// By name ("Qwen2.5-Math-1.5B", ...) or by a path whose last component is such a name
// (case-insensitive); nullopt otherwise.
std::optional<DecoderConfig> KnownConfig(const std::string& name_or_path);
std::vector<std::string> KnownConfigNames();

}  // namespace upt::lm::io
