// `upt generate`: sample completions for a benchmark (resumable, shardable).
#include <memory>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/lock.h"
#include "lm/generate/generate_job.h"

namespace upt::cli {
namespace {

RunFn SetupGenerate(CLI::App& app) {
  auto o = std::make_shared<lm::GenerateJobOptions>();
  AddOptions(app, *o);
  return [o] {
    lm::CheckGenerateOptions(*o);  // before the lock: a bad flag leaves no lock file
    OutputLock lock;  // one writer per samples file (<out>.lock)
    if (!o->out.empty()) lock = OutputLock::ForFile(o->out);
    return lm::RunGenerateJob(*o);
  };
}

}  // namespace

UPT_COMMAND(generate, "Sample completions with a KV cache into upt's samples JSONL (resumable)", SetupGenerate);

}  // namespace upt::cli
