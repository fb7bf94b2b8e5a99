// Bounds on counts, sizes and nesting read from input files, so that one
// hostile line cannot exhaust memory or the stack. Each limit has a default and
// an environment variable that changes it (docs/failure.md lists them all);
// exceeding one is an upt::Error naming the input, the value, the limit and the
// variable.
#pragma once

#include <string>
#include <string_view>

namespace upt {

struct InputLimit {
  const char* what;  // "samples per problem (n)"
  const char* env;   // "UPT_MAX_SAMPLES_PER_PROBLEM"
  long long fallback;
};

// Samples per problem (n) in count files and sample files.
inline constexpr InputLimit kMaxSamplesPerProblem{"samples per problem (n)", "UPT_MAX_SAMPLES_PER_PROBLEM", 1 << 20};
// Nesting depth of one JSON document (a JSONL line, config.json, tokenizer.json).
inline constexpr InputLimit kMaxJsonDepth{"JSON nesting depth", "UPT_MAX_JSON_DEPTH", 256};
// Nodes of a YAML config after aliases are expanded (alias bombs), and its depth.
inline constexpr InputLimit kMaxYamlNodes{"YAML nodes (aliases expanded)", "UPT_MAX_YAML_NODES", 100000};
inline constexpr InputLimit kMaxYamlDepth{"YAML nesting depth", "UPT_MAX_YAML_DEPTH", 64};
// A model dimension in config.json (hidden_size, vocab_size, max_position_embeddings, ...).
inline constexpr InputLimit kMaxModelDim{"model dimension", "UPT_MAX_MODEL_DIM", 1 << 24};

// The limit in force: the environment variable when set to a positive integer, else the default.
long long LimitValue(const InputLimit& limit);

// Throws upt::Error when value > LimitValue(limit): "<what> <value> exceeds the
// limit of <limit>" at `where`, with a hint naming the variable.
void CheckLimit(const InputLimit& limit, long long value, const std::string& where);

// Nesting depth of the JSON text (brackets outside strings), in one linear pass.
int JsonNestingDepth(std::string_view text);

}  // namespace upt
