// `upt generate`: sample completions for a benchmark (resumable, shardable).
#include <memory>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/lock.h"
#include "lm/generate/generate_job.h"

namespace upt::cli {
namespace {

// Unset sampling keys take the benchmark's settings (-1 and 0 are accepted as
// "unset", see GenerateJobOptions); any other out-of-range value is an error.
void ValidateGenerate(const lm::GenerateJobOptions& o) {
  auto bad = [](const char* flag, const std::string& got, const char* want) {
    throw Error("invalid value " + got + ": " + want, flag, "see `upt generate --help`");
  };
  if (o.n < 0) bad("--n", std::to_string(o.n), "samples per problem must be >= 1 (0 = the benchmark's default)");
  const lm::SamplingOverrides& given = o.sampling;
  const lm::SamplingParams& v = given.values;
  if (given.IsGiven("temperature") && v.temperature < 0)
    bad("--temperature", std::to_string(v.temperature), "must be >= 0 (0 = greedy; -1 = the benchmark's default)");
  if (given.IsGiven("top_p") && !(v.top_p > 0 && v.top_p <= 1))
    bad("--top-p", std::to_string(v.top_p), "must be in (0, 1] (-1 = the benchmark's default)");
  if (given.IsGiven("min_p") && !(v.min_p >= 0 && v.min_p < 1))
    bad("--min-p", std::to_string(v.min_p), "must be in [0, 1) (0 = off)");
  if (given.IsGiven("top_k") && v.top_k < -1) bad("--top-k", std::to_string(v.top_k), "must be >= 1 (-1 or 0 = off)");
  if (given.IsGiven("max_new_tokens") && v.max_new_tokens < 0)
    bad("--max-new-tokens", std::to_string(v.max_new_tokens), "must be >= 1 (0 = the benchmark's default)");
  if (o.batch_size < 1) bad("--batch-size", std::to_string(o.batch_size), "must be >= 1");
  if (o.threads < 0) bad("--threads", std::to_string(o.threads), "must be >= 0 (0 = libtorch's default)");
  if (o.limit < 0) bad("--limit", std::to_string(o.limit), "must be >= 0 (0 = all problems)");
}

RunFn SetupGenerate(CLI::App& app) {
  auto o = std::make_shared<lm::GenerateJobOptions>();
  AddOptions(app, *o);
  return [o] {
    ValidateGenerate(*o);
    OutputLock lock;  // one writer per samples file (<out>.lock)
    if (!o->out.empty()) lock = OutputLock::ForFile(o->out);
    return lm::RunGenerateJob(*o);
  };
}

}  // namespace

UPT_COMMAND(generate, "Sample completions with a KV cache into upt's samples JSONL (resumable)", SetupGenerate);

}  // namespace upt::cli
