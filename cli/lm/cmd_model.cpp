// `upt model`: init (random checkpoint), info, logprobs (teacher-forced log-probs).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "lm/model/model_tools.h"
#include "train/toy/model/toy_model.h"

namespace upt::cli {
namespace {

struct ModelCliOptions {
  lm::ModelInitOptions init;
  lm::LogprobsOptions logprobs;
  std::string dir;
};

struct InfoFlags {
  std::string& dir;
  template <class V>
  void ForEach(V&& v) {
    v("dir", dir, "checkpoint directory", kOptPositional | kOptRequired);
  }
};

RunFn SetupModel(CLI::App& app) {
  auto o = std::make_shared<ModelCliOptions>();
  app.require_subcommand(0, 1);
  std::vector<std::pair<CLI::App*, RunFn>> subs;

  auto* init = app.add_subcommand("init", "Write a randomly initialised Qwen2 checkpoint (deterministic per seed)");
  AddOptions(*init, o->init);
  subs.emplace_back(init, [o] {
    train::toy::RegisterToyModelPreset();  // --config toy
    lm::RunModelInit(o->init);
    return 0;
  });

  auto* info = app.add_subcommand("info", "Print a checkpoint's architecture, parameter count, dtype and tokenizer");
  InfoFlags info_flags{o->dir};
  AddOptions(*info, info_flags);
  subs.emplace_back(info, [o] {
    std::fputs(lm::ModelInfoText(o->dir).c_str(), stdout);
    return 0;
  });

  auto* lp = app.add_subcommand("logprobs", "Teacher-forced per-token log-probabilities of texts (JSONL in/out)");
  AddOptions(*lp, o->logprobs);
  subs.emplace_back(lp, [o] { return lm::RunModelLogprobs(o->logprobs); });

  return [&app, subs] { return DispatchNested(app, subs); };
}

}  // namespace

UPT_COMMAND(model, "Model checkpoints: init, info, logprobs", SetupModel);

}  // namespace upt::cli
