// `upt generate`: sample completions for a benchmark (resumable, shardable).
#include <memory>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/lock.h"
#include "lm/generate/generate_job.h"

namespace upt::cli {
namespace {

// Sentinels (0 or -1 = the benchmark's default) are documented per option; any
// other out-of-range value is an error, never silently replaced by the default.
void ValidateGenerate(const lm::GenerateJobOptions& o) {
  auto bad = [](const char* flag, const std::string& got, const char* want) {
    throw Error("invalid value " + got + ": " + want, flag, "see `upt generate --help`");
  };
  if (o.n < 0) bad("--n", std::to_string(o.n), "samples per problem must be >= 1 (0 = the benchmark's default)");
  if (o.temperature < 0 && o.temperature != -1)
    bad("--temperature", std::to_string(o.temperature), "must be >= 0 (0 = greedy; -1 = the benchmark's default)");
  if (o.top_p != -1 && !(o.top_p > 0 && o.top_p <= 1))
    bad("--top-p", std::to_string(o.top_p), "must be in (0, 1] (-1 = the benchmark's default)");
  if (!(o.min_p >= 0 && o.min_p < 1)) bad("--min-p", std::to_string(o.min_p), "must be in [0, 1) (0 = off)");
  if (o.top_k < -1) bad("--top-k", std::to_string(o.top_k), "must be >= 1 (-1 or 0 = off)");
  if (o.max_new_tokens < 0)
    bad("--max-new-tokens", std::to_string(o.max_new_tokens), "must be >= 1 (0 = the benchmark's default)");
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
