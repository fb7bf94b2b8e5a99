#include "reports/curves.h"

#include <map>
#include <regex>

#include "core/strings.h"

namespace upt::reports {

const std::vector<CurveFamily>& CurveFamilies() {
  static const std::vector<CurveFamily> kFamilies = {
      {"curve_reward", "Training reward", "mean reward", {"critic/score/mean", "reward_mean", "critic/rewards/mean"}},
      {"curve_response_length", "Response length", "mean response length (tokens)",
       {"response_length/mean", "response_length_mean"}},
      {"curve_entropy", "Policy entropy", "entropy (nats/token)", {"actor/entropy", "actor/entropy_loss", "entropy"}},
      {"curve_offline_ratio", "Offline-data ratio (HPT)", "fraction of rows trained with SFT",
       {"hpt/offline_data_ratio", "offline_data_ratio", "offline_ratio"}},
  };
  return kFamilies;
}

std::vector<std::pair<std::string, std::string>> ValidationKeys(const TrainLog& log) {
  static const std::regex kTestScore(R"(^val/test_score/(.+)$)");
  static const std::regex kVal(R"(^val(?:-core|-aux)?/([^/]+)/(.+)$)");
  std::map<std::string, std::string> best;  // bench -> key; prefer "acc/mean@" keys
  for (const auto& [key, series] : log.metrics) {
    std::smatch m;
    std::string bench;
    if (std::regex_match(key, m, kTestScore)) bench = m[1];
    else if (std::regex_match(key, m, kVal) && m[1] != "test_score") bench = m[1];
    else continue;
    bool preferred = key.find("/acc/mean@") != std::string::npos || key.find("test_score") != std::string::npos;
    auto it = best.find(bench);
    if (it == best.end() || (preferred && it->second.find("/acc/mean@") == std::string::npos)) best[bench] = key;
  }
  return {best.begin(), best.end()};
}

namespace {

LineSeries SeriesOf(const RunData& run, int color, const Series& s) {
  LineSeries ls;
  ls.label = run.label;
  ls.color = color;
  ls.x = s.step;
  ls.y = s.value;
  return ls;
}

}  // namespace

std::vector<LineFigure> BuildTrainingFigures(const std::vector<RunData>& runs, std::vector<std::string>* notes) {
  std::vector<LineFigure> figs;
  bool any_log = false;
  for (const auto& r : runs) any_log |= !r.train.path.empty();
  if (!any_log) {
    notes->push_back("Training curves omitted: no run directory has metrics.jsonl or metrics.csv.");
    return figs;
  }
  // Validation accuracy: one panel per benchmark.
  LineFigure val;
  val.name = "curve_validation";
  std::map<std::string, LinePanel> panels;
  for (size_t i = 0; i < runs.size(); ++i) {
    for (const auto& [bench, key] : ValidationKeys(runs[i].train)) {
      LinePanel& p = panels[bench];
      p.title = bench + "  (" + key + ")";
      p.xlabel = "step";
      p.ylabel = "validation accuracy";
      p.series.push_back(SeriesOf(runs[i], static_cast<int>(i), runs[i].train.metrics.at(key)));
    }
  }
  for (auto& [bench, p] : panels) val.panels.push_back(std::move(p));
  if (val.panels.empty()) notes->push_back("Validation-accuracy curves omitted: no val-core/<benchmark>/… metric in the logs.");
  else figs.push_back(std::move(val));

  for (const auto& fam : CurveFamilies()) {
    LineFigure f;
    f.name = fam.name;
    LinePanel p;
    p.title = fam.title;
    p.xlabel = "step";
    p.ylabel = fam.ylabel;
    for (size_t i = 0; i < runs.size(); ++i) {
      for (const auto& key : fam.keys) {
        auto it = runs[i].train.metrics.find(key);
        if (it == runs[i].train.metrics.end()) continue;
        p.series.push_back(SeriesOf(runs[i], static_cast<int>(i), it->second));
        break;
      }
    }
    if (p.series.empty()) {
      notes->push_back(fam.title + " curve omitted: no run logs " + Join(fam.keys, " or ") + ".");
      continue;
    }
    f.panels.push_back(std::move(p));
    figs.push_back(std::move(f));
  }
  return figs;
}

}  // namespace upt::reports
