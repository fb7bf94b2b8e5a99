// `upt reproduce`: the whole study (toy world, base, SFT, GRPO, SFT->GRPO,
// LUFFY, HPT, generation, scoring, report) as one resumable pipeline
// (pipeline/reproduce.h, docs/reproduce.md).
#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "core/lock.h"
#include "core/strings.h"
#include "pipeline/presets.h"
#include "pipeline/reproduce.h"

namespace upt::cli {
namespace {

int ListPresets() {
  for (const auto& p : pipeline::ReproducePresets())
    std::printf("%-24s %s\n", p.name.c_str(), p.description.c_str());
  return 0;
}

RunFn SetupReproduce(CLI::App& app) {
  auto o = std::make_shared<pipeline::ReproduceOptions>();
  auto list = std::make_shared<bool>(false);
  app.add_option("--preset", o->preset, "study preset: " + Join(pipeline::PresetNames(), " | "))
      ->capture_default_str();
  app.add_option("--out", o->out, "output folder (default runs/reproduce/<preset>)");
  app.add_flag("--resume", o->resume, "continue an existing output folder; up-to-date stages are skipped");
  app.add_flag("--dry-run", o->dry_run, "print the plan (stages, sizes, estimated cost) and check configs");
  app.add_option("--threads", o->threads, "threads: stages run side by side, one thread each; 0 = all cores")
      ->capture_default_str();
  app.add_option("--device", o->device, "cpu | cuda (paper presets)")->capture_default_str();
  app.add_option("--seed", o->seed, "seed for base init, training, sampling, bootstrap (-1 = preset's); "
                 "compare seeds before reading an ordering into the table")
      ->capture_default_str();
  app.add_flag("--list-presets", *list, "list the presets");
  return [o, list] {
    if (*list) return ListPresets();
    OutputLock lock;  // one writer per study folder
    const auto names = pipeline::PresetNames();
    if (!o->dry_run && std::find(names.begin(), names.end(), o->preset) != names.end())
      lock = OutputLock::ForDir(o->out.empty() ? "runs/reproduce/" + o->preset : o->out);
    return pipeline::RunReproduce(*o);
  };
}

}  // namespace

UPT_COMMAND(reproduce, "Run the whole study (base + 5 methods, generation, scoring, report) as resumable stages",
            SetupReproduce);

}  // namespace upt::cli
