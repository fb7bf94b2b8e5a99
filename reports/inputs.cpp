#include "reports/inputs.h"

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/fs.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/strings.h"
#include "eval/counts.h"
#include "reports/benchmarks.h"

namespace upt::reports {
namespace fs = std::filesystem;
namespace {

// Splits one CSV line (RFC 4180 quoting; no embedded newlines).
std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (ch == '"') quoted = false;
      else out.back() += ch;
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      out.emplace_back();
    } else {
      out.back() += ch;
    }
  }
  for (auto& f : out) f = std::string(Trim(f));
  return out;
}

int FindColumn(const std::vector<std::string>& header, std::initializer_list<const char*> names) {
  for (const char* name : names)
    for (size_t i = 0; i < header.size(); ++i)
      if (ToLower(header[i]) == name) return static_cast<int>(i);
  return -1;
}

// First value found under any of `keys`: this object's own keys first, then its
// children (objects and array elements) depth-first, down to depth 5.
const Json* FindKey(const Json& j, std::initializer_list<const char*> keys, int depth = 0) {
  if (depth > 5) return nullptr;
  if (j.is_array()) {
    for (const auto& v : j)
      if (const Json* hit = FindKey(v, keys, depth + 1)) return hit;
    return nullptr;
  }
  if (!j.is_object()) return nullptr;
  for (const char* k : keys) {
    auto it = j.find(k);
    if (it != j.end() && !it->is_null()) return &*it;
  }
  for (const auto& [k, v] : j.items()) {
    if (const Json* hit = FindKey(v, keys, depth + 1)) return hit;
  }
  return nullptr;
}

std::string AsText(const Json* j) {
  if (!j) return {};
  if (j->is_string()) return j->get<std::string>();
  return DumpLine(*j);
}

// pass@1 / avg@n as a fraction from results.json ("metrics" block or top level).
bool DeclaredPass1(const Json& results, double* out) {
  const Json* m = FindKey(results, {"pass@1", "pass_at_1", "avg@n", "accuracy", "acc"});
  if (!m) return false;
  if (m->is_object()) m = FindKey(*m, {"mean", "value", "estimate"});
  if (!m || !m->is_number()) return false;
  *out = m->get<double>();
  if (*out > 1.0) *out /= 100.0;  // written in percent
  return true;
}

// results.json as `upt score` writes it (docs/eval.md): "benchmark": {"name", ...},
// "provenance": {"dataset", "dataset_sha256", "verifier_policy", "git_revision", ...}.
// Other layouts are searched for the same keys.
ScoreProvenance ExtractProvenance(const Json& r) {
  ScoreProvenance p;
  if (!r.is_object()) return p;
  const Json& prov = r.contains("provenance") && r["provenance"].is_object() ? r["provenance"] : r;
  const Json* ds = FindKey(prov, {"dataset"});
  if (ds && ds->is_object()) {
    p.dataset_name = AsText(FindKey(*ds, {"name"}));
    p.dataset_sha256 = AsText(FindKey(*ds, {"sha256"}));
  } else if (ds) {
    p.dataset_name = AsText(ds);
  }
  if (p.dataset_name.empty() && r.contains("benchmark")) {
    const Json& b = r["benchmark"];
    p.dataset_name = b.is_object() ? AsText(FindKey(b, {"name"})) : AsText(&b);
  }
  if (p.dataset_sha256.empty()) p.dataset_sha256 = AsText(FindKey(prov, {"dataset_sha256", "sha256"}));
  const Json* ver = FindKey(prov, {"verifier_policy", "verifier"});
  if (ver && ver->is_object()) {
    const Json* name = FindKey(*ver, {"policy", "name"});
    p.verifier = name ? AsText(name) : DumpLine(*ver);
  } else {
    p.verifier = AsText(ver);
  }
  p.git_revision = AsText(FindKey(prov, {"git_revision"}));
  // Generation settings: `upt generate` writes them to SAMPLES.meta.json, which
  // `upt score` copies to provenance.sample_files[].meta.settings.
  p.seed = AsText(FindKey(prov, {"sampling_seed", "seeds", "seed"}));
  p.model = AsText(FindKey(prov, {"model"}));
  const Json* s = FindKey(prov, {"sampling", "sampling_params"});
  if (s && s->is_object()) {
    std::vector<std::string> parts;
    for (const char* k : {"temperature", "top_p", "top_k", "max_tokens", "max_new_tokens"})
      if (s->contains(k) && !(*s)[k].is_null()) parts.push_back(std::string(k) + "=" + AsText(&(*s)[k]));
    p.sampling = Join(parts, " ");
  }
  return p;
}

std::string FirstExisting(const std::string& dir, std::initializer_list<const char*> rels) {
  for (const char* rel : rels) {
    fs::path p = fs::path(dir) / rel;
    if (fs::is_regular_file(p)) return p.string();
  }
  return {};
}

bool IsScoreDir(const fs::path& p) {
  return fs::is_regular_file(p / "results.json") || fs::is_regular_file(p / "problems.csv");
}

}  // namespace

// Coverage from results.json's benchmark block (a subset's "of" is the whole
// benchmark), else from problems.csv rows without samples.
void ReadCoverage(BenchmarkScore* s) {
  const Json& b = s->results.is_object() && s->results.contains("benchmark") ? s->results["benchmark"] : Json();
  if (b.is_object() && b.contains("problems") && b["problems"].is_number_integer()) {
    s->problems_total = b["problems"].get<long long>();
    s->problems_scored = b.value("problems_scored", s->problems_total);
    if (b.contains("subset") && b["subset"].is_object()) {
      s->problems_total = b["subset"].value("of", s->problems_total);
      s->subset_rule = b["subset"].value("rule", "");
    }
  } else if (!s->problems.empty()) {
    s->problems_total = static_cast<long long>(s->problems.size());
    s->problems_scored = 0;
    for (const auto& p : s->problems) s->problems_scored += p.n > 0;
  }
}

BenchmarkScore ReadScoreDir(const std::string& dir, const std::string& benchmark_hint) {
  BenchmarkScore s;
  s.dir = dir;
  fs::path results = fs::path(dir) / "results.json", problems = fs::path(dir) / "problems.csv";
  if (!fs::is_regular_file(results) && !fs::is_regular_file(problems))
    throw Error("not a score directory (no results.json or problems.csv)", dir, "run `upt score` first");
  if (fs::is_regular_file(results)) {
    try {
      s.results = Json::parse(ReadFile(results.string()));
    } catch (const Json::exception& e) {
      throw Error(std::string("invalid JSON: ") + e.what(), results.string());
    }
    s.provenance = ExtractProvenance(s.results);
    s.has_declared_pass1 = DeclaredPass1(s.results, &s.declared_pass1);
  }
  if (fs::is_regular_file(problems)) s.problems = eval::ReadCountsCsv(problems.string());
  ReadCoverage(&s);
  for (const auto& p : s.problems) {
    if (s.provenance.n_min == 0 || p.n < s.provenance.n_min) s.provenance.n_min = p.n;
    s.provenance.n_max = std::max(s.provenance.n_max, p.n);
  }
  std::string name = benchmark_hint.empty() ? s.provenance.dataset_name : benchmark_hint;
  if (name.empty()) name = fs::path(dir).filename().string();
  s.benchmark = CanonicalBenchmark(name);
  return s;
}

namespace {

void AddPoint(TrainLog* log, const std::string& key, double step, double value) {
  auto& s = log->metrics[key];
  s.step.push_back(step);
  s.value.push_back(value);
}

TrainLog ReadTrainCsv(const std::string& path) {
  TrainLog log;
  log.path = path;
  LineReader lines(path);
  std::string line;
  if (!lines.Next(&line)) return log;
  auto header = SplitCsvLine(line);
  int step_col = FindColumn(header, {"step", "global_step", "training/global_step"});
  if (step_col < 0) throw Error("metrics.csv has no step column", Where(path, 1), "name a column `step`");
  while (lines.Next(&line)) {
    auto f = SplitCsvLine(line);
    double step;
    if (static_cast<int>(f.size()) <= step_col || !ParseDouble(f[step_col], &step)) continue;
    for (size_t i = 0; i < f.size() && i < header.size(); ++i) {
      double v;
      if (static_cast<int>(i) != step_col && ParseDouble(f[i], &v)) AddPoint(&log, header[i], step, v);
    }
  }
  return log;
}

}  // namespace

TrainLog ReadTrainLog(const std::string& path) {
  if (EndsWith(path, ".csv")) return ReadTrainCsv(path);
  TrainLog log;
  log.path = path;
  JsonlReader reader(path);
  JsonlRecord rec;
  long long bad = 0;
  while (reader.Next(&rec)) {
    if (!rec.error.empty() || !rec.value.is_object()) {
      ++bad;  // a half-written last line from a killed trainer is expected
      continue;
    }
    const Json* step = FindKey(rec.value, {"step", "global_step", "training/global_step"}, 4);
    if (!step || !step->is_number()) continue;
    for (const auto& [k, v] : rec.value.items())
      if (v.is_number() && k != "step" && k != "global_step") AddPoint(&log, k, step->get<double>(), v.get<double>());
  }
  if (bad) LogWarn("{}: skipped {} unreadable line(s)", path, bad);
  return log;
}

void ReadValidationLog(const std::string& path, TrainLog* log) {
  JsonlReader reader(path);
  JsonlRecord rec;
  while (reader.Next(&rec)) {
    if (!rec.error.empty() || !rec.value.is_object()) continue;  // a cut last line
    const Json& j = rec.value;
    auto num = [&](const char* k) { return j.contains(k) && j[k].is_number(); };
    if (!num("step") || !num("avg_at_n") || !j.contains("benchmark") || !j["benchmark"].is_string()) continue;
    std::string key = "val-core/" + j["benchmark"].get<std::string>() + "/acc/mean@" +
                      (num("n") ? std::to_string(j["n"].get<long long>()) : std::string("n"));
    AddPoint(log, key, j["step"].get<double>(), j["avg_at_n"].get<double>());
  }
  if (log->path.empty()) log->path = path;
}

std::vector<RolloutRecord> ReadRolloutAccuracy(const std::string& path) {
  std::vector<RolloutRecord> out;
  JsonlReader reader(path);
  JsonlRecord rec;
  while (reader.Next(&rec)) {
    if (!rec.error.empty()) {
      LogWarn("{}:{}: skipped: {}", path, rec.line, rec.error);
      continue;
    }
    auto src = reader.Source(rec.line);
    RolloutRecord r;
    r.step = OptInt(rec.value, "step", src, 0);
    r.epoch = OptInt(rec.value, "epoch", src, 0);
    const Json* q = FindKey(rec.value, {"id", "question", "question_id", "uid", "index"}, 4);
    if (!q) throw Error("missing question id", Where(path, rec.line, "id"), "each line needs id, c and n");
    r.question = AsText(q);
    r.c = RequireInt(rec.value, "c", src);
    r.n = RequireInt(rec.value, "n", src);
    if (r.n <= 0 || r.c < 0 || r.c > r.n)
      throw Error("need 0 <= c <= n and n > 0", Where(path, rec.line, "c"));
    out.push_back(std::move(r));
  }
  return out;
}

std::pair<std::string, std::string> SplitRunArg(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) return {"", arg};
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

RunData LoadRun(const std::string& dir, const std::string& label) {
  if (!fs::is_directory(dir)) throw Error("run directory not found", dir, "pass --runs DIR or label=DIR");
  RunData run;
  run.dir = dir;
  run.label = label;
  std::string run_json = FirstExisting(dir, {"run.json"});
  if (run.label.empty() && !run_json.empty()) {
    try {
      Json j = Json::parse(ReadFile(run_json));
      if (j.is_object() && j.contains("label") && j["label"].is_string()) run.label = j["label"];
    } catch (const Json::exception& e) {
      throw Error(std::string("invalid JSON: ") + e.what(), run_json);
    }
  }
  if (run.label.empty()) run.label = fs::path(dir).lexically_normal().filename().string();
  if (run.label.empty()) run.label = fs::absolute(dir).lexically_normal().parent_path().filename().string();

  std::vector<fs::path> score_dirs;
  for (fs::path parent : {fs::path(dir) / "scores", fs::path(dir)}) {
    if (!fs::is_directory(parent)) continue;
    for (const auto& e : fs::directory_iterator(parent))
      if (e.is_directory() && IsScoreDir(e.path())) score_dirs.push_back(e.path());
    if (!score_dirs.empty()) break;
  }
  std::sort(score_dirs.begin(), score_dirs.end());
  for (const auto& p : score_dirs) run.scores.push_back(ReadScoreDir(p.string(), p.filename().string()));
  if (score_dirs.empty() && IsScoreDir(dir)) run.scores.push_back(ReadScoreDir(dir, ""));

  std::string log = FirstExisting(dir, {"metrics.jsonl", "train/metrics.jsonl", "logs/metrics.jsonl", "metrics.csv",
                                        "train/metrics.csv", "logs/metrics.csv"});
  if (!log.empty()) run.train = ReadTrainLog(log);
  std::string val = FirstExisting(dir, {"validation.jsonl", "train/validation.jsonl", "logs/validation.jsonl"});
  if (!val.empty()) ReadValidationLog(val, &run.train);
  run.rollout_path =
      FirstExisting(dir, {"rollout_accuracy.jsonl", "train/rollout_accuracy.jsonl", "logs/rollout_accuracy.jsonl"});
  if (!run.rollout_path.empty()) run.rollouts = ReadRolloutAccuracy(run.rollout_path);
  return run;
}

}  // namespace upt::reports
