#include "reports/curves.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>

#include <fmt/format.h>

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

std::vector<double> MovingAverage(const std::vector<double>& y, int window) {
  window = std::max(window, 1);
  std::vector<double> out(y.size());
  double sum = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    sum += y[i];
    if (i >= static_cast<size_t>(window)) sum -= y[i - window];
    out[i] = sum / static_cast<double>(std::min(i + 1, static_cast<size_t>(window)));
  }
  return out;
}

int SmoothWindow(size_t n) { return static_cast<int>(std::clamp<size_t>(n / 10, 1, 50)); }

std::pair<std::string, std::string> SplitSeedLabel(const std::string& label) {
  size_t at = label.rfind('/');
  if (at == std::string::npos || at == 0 || at + 1 == label.size()) return {label, ""};
  return {label.substr(0, at), label.substr(at + 1)};
}

LineSeries SeedMeanSeries(const std::string& method, int color, const std::vector<Series>& seeds) {
  LineSeries ls;
  ls.color = color;
  if (seeds.empty()) return ls;
  // Steps every seed logged (the first seed's order).
  std::vector<std::map<double, double>> smooth(seeds.size()), raw(seeds.size());
  int window = 1;
  for (const auto& sd : seeds) window = std::max(window, SmoothWindow(sd.value.size()));
  for (size_t k = 0; k < seeds.size(); ++k) {
    std::vector<double> ma = MovingAverage(seeds[k].value, window);
    for (size_t i = 0; i < ma.size(); ++i) {
      smooth[k][seeds[k].step[i]] = ma[i];
      raw[k][seeds[k].step[i]] = seeds[k].value[i];
    }
  }
  const double K = static_cast<double>(seeds.size());
  for (const auto& [step, v0] : smooth[0]) {
    double sum = 0, sq = 0, rsum = 0;
    bool all = true;
    for (size_t k = 0; k < seeds.size() && all; ++k) {
      auto it = smooth[k].find(step);
      if (it == smooth[k].end()) all = false;
      else sum += it->second, sq += it->second * it->second, rsum += raw[k].at(step);
    }
    if (!all) continue;
    double mean = sum / K;
    ls.x.push_back(step);
    ls.y.push_back(mean);
    ls.raw.push_back(rsum / K);
    if (seeds.size() > 1) {
      double sd = std::sqrt(std::max(0.0, (sq - K * mean * mean) / (K - 1)));
      ls.low.push_back(mean - sd);
      ls.high.push_back(mean + sd);
    }
  }
  ls.label = seeds.size() > 1 ? fmt::format("{} (MA {}, {} seeds, ±1 sd)", method, window, seeds.size())
                              : fmt::format("{} (MA {})", method, window);
  return ls;
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
    // Methods in run order; seeds of a method (METHOD/SEED labels) pooled.
    std::vector<std::string> methods;
    std::map<std::string, std::pair<int, std::vector<Series>>> by_method;
    for (size_t i = 0; i < runs.size(); ++i) {
      for (const auto& key : fam.keys) {
        auto it = runs[i].train.metrics.find(key);
        if (it == runs[i].train.metrics.end()) continue;
        std::string method = SplitSeedLabel(runs[i].label).first;
        if (!by_method.count(method)) {
          methods.push_back(method);
          by_method[method].first = static_cast<int>(methods.size() - 1);
        }
        by_method[method].second.push_back(it->second);
        break;
      }
    }
    for (const auto& m : methods) {
      LineSeries ls = SeedMeanSeries(m, by_method[m].first, by_method[m].second);
      if (!ls.x.empty()) p.series.push_back(std::move(ls));
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
