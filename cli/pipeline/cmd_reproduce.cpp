// `upt reproduce`: the whole study (toy world, base, SFT, GRPO, SFT->GRPO,
// LUFFY, HPT, generation, scoring, report) as one resumable pipeline
// (pipeline/reproduce.h, docs/reproduce.md).
#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/options_cli.h"
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

struct ReproduceCli {
  pipeline::ReproduceOptions o;
  bool list_presets = false;
  template <class V>
  void ForEach(V&& v) {
    v("", o, "");
    v("list_presets", list_presets, "list the presets");
  }
};

RunFn SetupReproduce(CLI::App& app) {
  auto c = std::make_shared<ReproduceCli>();
  AddOptions(app, *c);
  app.get_option("--preset")->description("study preset: " + Join(pipeline::PresetNames(), " | "));
  return [c] {
    const pipeline::ReproduceOptions* o = &c->o;
    if (c->list_presets) return ListPresets();
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
