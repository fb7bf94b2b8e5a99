#include "eval/score.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <unordered_map>

#include <tbb/parallel_for.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/strings.h"
#include "core/threads.h"
#include "core/version.h"
#include "eval/ingest.h"

namespace upt::eval {

namespace {

constexpr const char* kPartial = "verdicts.partial.jsonl";
constexpr const char* kVerdicts = "verdicts.jsonl";
constexpr const char* kRunState = "run.json";

std::string PathIn(const std::string& dir, const char* name) { return (std::filesystem::path(dir) / name).string(); }

// Per problem: verdicts so far, and which sample indices are known.
struct State {
  std::vector<ProblemVerdicts> verdicts;
  // 1 = verdict exists (resumed or graded), 2 = also seen in this invocation's inputs.
  std::vector<std::unordered_map<long long, char>> seen;
  std::vector<long long> next_implicit;  // next index for samples without one
  Subset subset;
  long long outside_subset = 0;  // samples of problems outside the declared subset
};

SampleVerdict VerdictFromJson(const Json& j, const JsonSource& src) {
  SampleVerdict v;
  v.sample_index = RequireInt(j, "sample_index", src);
  v.correct = RequireBool(j, "correct", src);
  auto ex = j.find("extracted");
  if (ex != j.end() && ex->is_string()) {
    v.has_extracted = true;
    v.extracted = ex->get<std::string>();
  }
  v.reason = OptString(j, "reason", src);
  v.finish_reason = OptString(j, "finish_reason", src);
  v.num_tokens = OptInt(j, "num_tokens", src, -1);
  v.chars = OptInt(j, "chars", src, 0);
  return v;
}

// Loads verdicts.jsonl and the partial file of an earlier run.
long long LoadVerdicts(const std::string& path, const ProblemMatcher& matcher, const datasets::Benchmark& bench,
                       State* st) {
  if (!FileExists(path)) return 0;
  JsonlReader reader(path);
  JsonlRecord rec;
  long long loaded = 0;
  while (reader.Next(&rec)) {
    if (!rec.error.empty()) {
      LogWarn("{}: ignoring an unreadable verdict line ({})", Where(path, rec.line), rec.error);
      continue;
    }
    auto src = reader.Source(rec.line);
    std::string id = RequireString(rec.value, "problem_id", src);
    long p = matcher.ById(id);
    if (p < 0)
      throw Error("verdict for problem '" + id + "', which is not in benchmark '" + bench.name + "'", Where(path, rec.line),
                  "this output directory belongs to another dataset; use a fresh --out");
    SampleVerdict v = VerdictFromJson(rec.value, src);
    auto [it, inserted] = st->seen[p].emplace(v.sample_index, 1);
    if (!inserted) continue;
    st->verdicts[p].push_back(std::move(v));
    ++loaded;
  }
  return loaded;
}

// run.json: {"dataset", "dataset_sha256", "verifier_policy", "date", "sample_files": [{path, sha256}]}.
OrderedJson LoadOrCreateRunState(const std::string& dir, const datasets::Benchmark& bench, const std::string& policy) {
  std::string path = PathIn(dir, kRunState);
  if (FileExists(path)) {
    OrderedJson st = OrderedJson::parse(ReadFile(path), nullptr, false);
    if (st.is_discarded() || !st.is_object())
      throw Error("unreadable run state", path, "delete the output directory and rescore");
    if (st.value("dataset_sha256", "") != bench.sha256)
      throw Error("the output directory was scored against another version of the dataset (sha256 " +
                      st.value("dataset_sha256", "") + ", now " + bench.sha256 + ")",
                  path, "use a fresh --out directory");
    if (st.value("verifier_policy", "") != policy)
      throw Error("the output directory was scored with verifier policy '" + st.value("verifier_policy", "") +
                      "', now '" + policy + "'",
                  path, "use a fresh --out directory, or the same --policy");
    return st;
  }
  OrderedJson st = OrderedJson::object();
  st["dataset"] = bench.name;
  st["dataset_sha256"] = bench.sha256;
  st["verifier_policy"] = policy;
  st["date"] = UtcNowIso();
  st["sample_files"] = OrderedJson::array();
  WriteFileAtomic(path, DumpPretty(st));
  return st;
}

void RecordSampleFile(OrderedJson* st, const std::string& path, const std::string& sha, const std::string& format) {
  for (auto& f : (*st)["sample_files"])
    if (f["sha256"] == sha && f["path"] == path) return;
  OrderedJson f = OrderedJson::object();
  f["path"] = path;
  f["sha256"] = sha;
  f["format"] = format;
  std::string meta = path + ".meta.json";
  if (FileExists(meta)) {
    OrderedJson m = OrderedJson::parse(ReadFile(meta), nullptr, false);
    if (!m.is_discarded()) f["meta"] = m;
  }
  (*st)["sample_files"].push_back(f);
}

// A sample accepted for grading in the current batch.
struct Pending {
  long problem;
  RawSample* sample;
  SampleVerdict verdict;
};

class Ingestor {
 public:
  Ingestor(const datasets::Benchmark& bench, const Grader& grader, const ScoreOptions& opts, State* st,
           AppendWriter* out)
      : bench_(bench), grader_(grader), opts_(opts), st_(st), out_(out), matcher_(bench) {}

  // Reads, matches, grades and appends one file. Returns its ingestion summary.
  OrderedJson IngestFile(const std::string& path, std::string* format_used) {
    FieldMap fields{opts_.id_field, opts_.text_field, opts_.index_field};
    auto reader = OpenSamples(path, opts_.format, fields, format_used);
    long long records = 0, samples = 0, by_id = 0, by_prompt = 0;
    long long size = static_cast<long long>(std::filesystem::file_size(path));
    Progress progress("score " + std::filesystem::path(path).filename().string(), size, "B");
    std::vector<RawRecord> recs;
    std::vector<ParsedRecord> parsed;
    const size_t batch = static_cast<size_t>(std::max(1, opts_.batch));
    long long last_bytes = 0;
    while (true) {
      recs.clear();
      if (!reader->ReadBatch(&recs, batch)) break;
      parsed.resize(recs.size());
      tbb::parallel_for(size_t{0}, recs.size(), [&](size_t i) { reader->Parse(recs[i], &parsed[i]); });
      std::vector<Pending> pending;
      for (size_t i = 0; i < recs.size(); ++i) {
        ++records;
        std::string where = Where(path, recs[i].line);
        if (!parsed[i].error.empty()) {
          AddIssue(kMalformed, where, parsed[i].error);
          continue;
        }
        for (auto& s : parsed[i].samples) {
          ++samples;
          Accept(&s, where, &pending, &by_id, &by_prompt);
        }
      }
      GradeAndAppend(&pending);
      progress.Add(reader->bytes_read() - last_bytes);
      last_bytes = reader->bytes_read();
    }
    progress.Finish();
    OrderedJson f = OrderedJson::object();
    f["path"] = path;
    f["format"] = *format_used;
    f["records"] = records;
    f["samples"] = samples;
    f["matched_by_id"] = by_id;
    f["matched_by_prompt"] = by_prompt;
    return f;
  }

  // Matches one sample, numbers it, checks duplicates and resumed verdicts;
  // queues it for grading when it is new.
  void Accept(RawSample* s, const std::string& where, std::vector<Pending>* pending, long long* by_id,
              long long* by_prompt) {
    MatchKind how;
    long p = matcher_.Match(*s, &how);
    if (p < 0) {
      if (!s->id.empty()) AddIssue(kUnknownId, where, "'" + s->id + "'");
      else AddIssue(kUnmatchedPrompt, where, "no problem text found in the prompt");
      return;
    }
    ++*(how == MatchKind::kPrompt ? by_prompt : by_id);
    if (!st_->subset.mask[p]) {
      ++st_->outside_subset;
      return;
    }
    long long idx = s->sample_index;
    if (how == MatchKind::kAltId && s->alt_index >= 0) idx = s->alt_index;
    if (idx < 0) idx = st_->next_implicit[p]++;
    const std::string& pid = bench_.problems[p].id;
    auto [it, inserted] = st_->seen[p].emplace(idx, 2);
    if (!inserted && it->second == 2) {
      AddIssue(kDuplicate, where, "problem '" + pid + "' sample " + std::to_string(idx));
      return;
    }
    if (s->text.empty()) AddIssue(kEmptyText, where, "problem '" + pid + "'");
    if (!inserted) {
      it->second = 2;  // verdict from an earlier run: not graded again
      return;
    }
    Pending pd{p, s, {}};
    pd.verdict.sample_index = idx;
    pending->push_back(std::move(pd));
  }

  void AddIssue(const char* kind, const std::string& where, const std::string& detail) {
    issues_.Add(kind, where, detail);
    if (opts_.strict)
      throw Error(std::string(kind) + ": " + detail, where, "fix the input or drop --strict to count and report it");
  }

  IssueLog& issues() { return issues_; }
  long long graded() const { return graded_; }

 private:
  void GradeAndAppend(std::vector<Pending>* pending) {
    if (pending->empty()) return;
    tbb::parallel_for(size_t{0}, pending->size(), [&](size_t i) {
      Pending& pd = (*pending)[i];
      const RawSample& s = *pd.sample;
      SampleVerdict& v = pd.verdict;
      v.finish_reason = s.finish_reason;
      v.num_tokens = s.num_tokens;
      v.chars = static_cast<long long>(s.text.size());
      if (s.text.empty()) {
        v.reason = "empty_text";
        return;
      }
      verifiers::Verdict vd = grader_(bench_.problems[pd.problem], s.text);
      v.correct = vd.correct;
      v.has_extracted = vd.extracted.has_value();
      if (v.has_extracted) v.extracted = *vd.extracted;
      v.reason = vd.reason;
    });
    std::string buf;
    for (auto& pd : *pending) {
      buf += DumpLine(VerdictToJson(bench_.problems[pd.problem].id, pd.verdict));
      buf += '\n';
    }
    out_->WriteLine(std::string_view(buf).substr(0, buf.size() - 1));
    out_->Flush();
    for (auto& pd : *pending) st_->verdicts[pd.problem].push_back(std::move(pd.verdict));
    graded_ += static_cast<long long>(pending->size());
  }

  const datasets::Benchmark& bench_;
  const Grader& grader_;
  const ScoreOptions& opts_;
  State* st_;
  AppendWriter* out_;
  ProblemMatcher matcher_;
  IssueLog issues_;
  long long graded_ = 0;
};

void WriteSortedVerdicts(const datasets::Benchmark& bench, const std::vector<ProblemVerdicts>& verdicts,
                         const std::string& path) {
  AtomicWriter w(path);
  for (size_t p = 0; p < verdicts.size(); ++p)
    for (const auto& v : verdicts[p]) w.WriteLine(DumpLine(VerdictToJson(bench.problems[p].id, v)));
  w.Commit();
}

}  // namespace

OrderedJson VerdictToJson(const std::string& problem_id, const SampleVerdict& v) {
  OrderedJson j = OrderedJson::object();
  j["problem_id"] = problem_id;
  j["sample_index"] = v.sample_index;
  j["correct"] = v.correct;
  j["extracted"] = v.has_extracted ? OrderedJson(v.extracted) : OrderedJson(nullptr);
  j["reason"] = v.reason;
  j["finish_reason"] = v.finish_reason.empty() ? OrderedJson(nullptr) : OrderedJson(v.finish_reason);
  j["num_tokens"] = v.num_tokens < 0 ? OrderedJson(nullptr) : OrderedJson(v.num_tokens);
  j["chars"] = v.chars;
  return j;
}

Subset SelectSubset(const datasets::Benchmark& bench, const ScoreOptions& opts) {
  const size_t P = bench.problems.size();
  Subset s;
  s.mask.assign(P, opts.problems.empty() ? 1 : 0);
  if (!opts.problems.empty()) {
    std::vector<std::string> ids;
    bool from_file = FileExists(opts.problems);
    if (from_file) {
      for (auto line : Split(ReadFile(opts.problems), '\n')) {
        std::string t(Trim(line));
        if (t.empty()) continue;
        if (t[0] == '{') {
          Json j = Json::parse(t, nullptr, false);
          const char* key = j.is_object() && j.contains("id") ? "id" : "problem_id";
          if (j.is_object() && j.contains(key) && j[key].is_string()) t = j[key].get<std::string>();
        }
        ids.push_back(t);
      }
    } else {
      for (auto id : Split(opts.problems, ',')) ids.emplace_back(Trim(id));
    }
    std::unordered_map<std::string, size_t> index;
    for (size_t p = 0; p < P; ++p) index.emplace(bench.problems[p].id, p);
    std::vector<std::string> all_ids;
    for (const auto& pr : bench.problems) all_ids.push_back(pr.id);
    for (const auto& id : ids) {
      auto it = index.find(id);
      if (it == index.end())
        throw Error(UnknownNameMessage("problem id", id, all_ids), "--problems",
                    "ids are the benchmark's (see `upt data show " + bench.name + " --n -1`)");
      s.mask[it->second] = 1;
    }
    s.rule = from_file ? "ids from " + opts.problems : "ids " + opts.problems;
  }
  if (opts.limit > 0) {
    long long kept = 0;
    for (size_t p = 0; p < P; ++p)
      if (s.mask[p] && ++kept > opts.limit) s.mask[p] = 0;
    s.rule = (s.rule.empty() ? "" : s.rule + ", ") + "first " + std::to_string(opts.limit);
  }
  for (char m : s.mask) s.size += m;
  if (s.size == 0) throw Error("the declared subset holds no problem", "--limit/--problems");
  return s;
}

namespace {

// Score's work; runs inside the arena Score opens.
ScoreReport ScoreInArena(const datasets::Benchmark& bench, const std::vector<std::string>& sample_files,
                         const std::string& out_dir, const std::string& policy, const Grader& grader,
                         const ScoreOptions& opts) {
  MakeDirs(out_dir);
  OrderedJson run = LoadOrCreateRunState(out_dir, bench, policy);
  const size_t P = bench.problems.size();
  State st;
  st.verdicts.resize(P);
  st.seen.resize(P);
  st.next_implicit.assign(P, 0);
  st.subset = SelectSubset(bench, opts);
  ProblemMatcher matcher(bench);
  std::string partial = PathIn(out_dir, kPartial);
  ScoreReport report;
  OrderedJson files = OrderedJson::array();
  IssueLog issues;
  {
    AppendWriter out(partial);  // cuts a partial trailing line left by a kill
    long long resumed = LoadVerdicts(PathIn(out_dir, kVerdicts), matcher, bench, &st);
    resumed += LoadVerdicts(partial, matcher, bench, &st);
    if (resumed > 0) LogInfo("resuming: {} verdicts already in {}", resumed, out_dir);
    Ingestor ing(bench, grader, opts, &st, &out);
    for (const auto& path : sample_files) {
      std::string format;
      OrderedJson f = ing.IngestFile(path, &format);
      std::string sha = Sha256File(path);
      f["sha256"] = sha;
      files.push_back(f);
      RecordSampleFile(&run, path, sha, format);
    }
    report.samples_graded = ing.graded();
    issues = ing.issues();
  }
  for (size_t p = 0; p < P; ++p) {
    if (!st.subset.mask[p]) continue;
    if (st.verdicts[p].empty()) {
      issues.Add(kMissingProblem, "problem '" + bench.problems[p].id + "'");
      if (opts.strict)
        throw Error("problem '" + bench.problems[p].id + "' has no samples", "--samples",
                    "score every problem or drop --strict");
    }
    std::sort(st.verdicts[p].begin(), st.verdicts[p].end(),
              [](const SampleVerdict& a, const SampleVerdict& b) { return a.sample_index < b.sample_index; });
    report.samples_total += static_cast<long long>(st.verdicts[p].size());
  }
  if (report.samples_total == 0)
    throw Error("no sample matched a problem of benchmark '" + bench.name + "'", "--samples",
                "check --dataset, or map ids with --id-field/--text-field:\n" + issues.Summary());
  if (!issues.empty()) LogWarn("ingestion issues (see results.json \"ingestion\"):\n{}", issues.Summary());
  WriteFileAtomic(PathIn(out_dir, kRunState), DumpPretty(run));
  // Outputs cover the declared subset only, in benchmark order.
  datasets::Benchmark scored = bench;
  std::vector<ProblemVerdicts> kept;
  if (st.subset.size < static_cast<long long>(P)) {
    scored.problems.clear();
    for (size_t p = 0; p < P; ++p)
      if (st.subset.mask[p]) {
        scored.problems.push_back(bench.problems[p]);
        kept.push_back(std::move(st.verdicts[p]));
      }
  } else {
    kept = std::move(st.verdicts);
  }
  WriteSortedVerdicts(scored, kept, PathIn(out_dir, kVerdicts));
  std::remove(partial.c_str());

  OrderedJson ingestion = OrderedJson::object();
  ingestion["files"] = files;
  ingestion["issues"] = issues.ToJson();
  OrderedJson prov = BaseProvenance();
  prov["date"] = run["date"];
  prov["dataset"] = bench.name;
  prov["dataset_source"] = bench.source;
  prov["dataset_sha256"] = bench.sha256;
  prov["verifier_policy"] = policy;
  prov["sample_files"] = run["sample_files"];
  OrderedJson o = OrderedJson::object();
  o["format"] = opts.format;
  o["id_field"] = opts.id_field;
  o["text_field"] = opts.text_field;
  o["index_field"] = opts.index_field;
  o["strict"] = opts.strict;
  prov["options"] = o;
  if (st.subset.size < static_cast<long long>(P)) {
    prov["subset"] = OrderedJson{{"problems", st.subset.size}, {"of", static_cast<long long>(P)},
                                 {"rule", st.subset.rule}, {"samples_outside", st.outside_subset}};
    LogInfo("declared subset: {} of {} problems ({}); {} samples of other problems not scored", st.subset.size, P,
            st.subset.rule, st.outside_subset);
  }
  WriteScoreOutputs(scored, kept, ingestion, prov, opts, out_dir);
  report.issues = issues.Total();
  report.results_path = PathIn(out_dir, "results.json");
  return report;
}

}  // namespace

// The parallel loops (parsing, grading) run in a task_arena of opts.threads
// slots, not under a process-wide TBB limit: a reproduce stage scoring with 1
// thread must not cap the TBB threads of stages running beside it. Verdicts are
// keyed by (seed, problem, sample) and sorted, so the bytes do not depend on n.
ScoreReport Score(const datasets::Benchmark& bench, const std::vector<std::string>& sample_files,
                  const std::string& out_dir, const std::string& policy, const Grader& grader,
                  const ScoreOptions& opts) {
  if (sample_files.empty()) throw Error("no sample files", "--samples", "pass one or more --samples FILE");
  if (bench.problems.empty()) throw Error("benchmark '" + bench.name + "' has no problems");
  ScoreReport report;
  RunWithThreads(opts.threads, [&] { report = ScoreInArena(bench, sample_files, out_dir, policy, grader, opts); });
  return report;
}

}  // namespace upt::eval
