// `upt score`: verify every completion of one benchmark and write
//   DIR/verdicts.jsonl  one line per sample (sorted by problem order, sample_index)
//   DIR/problems.csv    one row per problem
//   DIR/results.json    benchmark metrics with CIs, ingestion report, provenance
// Resumable: verdicts are appended to DIR/verdicts.partial.jsonl as they are
// made (AppendWriter); a rerun skips the (problem, sample) pairs already there
// and rewrites the three outputs from all verdicts, so a killed and resumed
// run gives the same bytes as an uninterrupted one. DIR/run.json pins the
// dataset hash, the verifier policy and the first run's date.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "datasets/problem.h"
#include "eval/passk.h"
#include "eval/samples.h"
#include "verifiers/verify.h"

namespace upt::eval {

struct ScoreOptions {
  std::string format = "auto";  // a name from SampleFormats(), or auto
  std::string id_field;         // field mapping (csv, jsonl, per_problem)
  std::string text_field;
  std::string index_field;
  int threads = 0;              // 0 = all cores
  bool strict = false;          // any ingestion issue is an error
  BootstrapOptions boot;        // B, seed and level of CIs and bootstrap pass@k
  int batch = 4096;             // records read and verified per batch
  // A declared subset (both may be combined: the first `limit` of the listed ids).
  // Problems outside it are neither missing nor scored; samples for them are counted.
  long long limit = 0;          // > 0: the first N problems in benchmark order
  std::string problems;         // FILE (one id per line, or JSONL with "id") or comma-separated ids
  template <class V>
  void ForEach(V&& v) {
    v("format", format, "sample file format (auto detects)");
    v("id_field", id_field, "field holding the problem id (dotted path / CSV column)");
    v("text_field", text_field, "field holding the completion(s)");
    v("index_field", index_field, "field holding the sample index (optional)");
    v("threads", threads, "worker threads; 0 = all cores");
    v("strict", strict, "treat any ingestion issue as an error");
    v("", boot, "");
    v("batch", batch, "records per batch");
    v("limit", limit, "score only the first N problems (0 = all)");
    v("problems", problems, "score only these problem ids (FILE or id,id,...)");
  }
};

// Grades one completion of one problem (thread-safe, never throws).
using Grader = std::function<verifiers::Verdict(const datasets::Problem&, std::string_view completion)>;

// One sample's verdict and the statistics kept for it.
struct SampleVerdict {
  long long sample_index = 0;
  bool correct = false;
  bool has_extracted = false;
  std::string extracted;
  std::string reason;
  std::string finish_reason;
  long long num_tokens = -1;
  long long chars = 0;
};

// Verdicts of one problem (sorted by sample_index once scoring ends).
using ProblemVerdicts = std::vector<SampleVerdict>;

// The problems a run scores: mask[p] for benchmark problem p, and how it was chosen
// ("" when every problem is in). Throws upt::Error on an unknown id.
struct Subset {
  std::vector<char> mask;
  long long size = 0;
  std::string rule;  // e.g. "first 10", "ids from subset.txt"
};
Subset SelectSubset(const datasets::Benchmark& bench, const ScoreOptions& opts);

struct ScoreReport {
  long long samples_total = 0;     // verdicts in the outputs
  long long samples_graded = 0;    // graded by this invocation (the rest were resumed)
  long long issues = 0;
  std::string results_path;
};

// Scores `sample_files` against `bench` into `out_dir`. `policy` is the
// verifier policy name recorded in provenance (and checked on resume).
ScoreReport Score(const datasets::Benchmark& bench, const std::vector<std::string>& sample_files,
                  const std::string& out_dir, const std::string& policy, const Grader& grader,
                  const ScoreOptions& opts);

// Writes problems.csv and results.json from complete verdicts (per problem, in
// benchmark order). `ingestion` and `provenance` are embedded as given.
void WriteScoreOutputs(const datasets::Benchmark& bench, const std::vector<ProblemVerdicts>& verdicts,
                       const OrderedJson& ingestion, const OrderedJson& provenance, const ScoreOptions& opts,
                       const std::string& out_dir);

// Verdict line <-> record.
OrderedJson VerdictToJson(const std::string& problem_id, const SampleVerdict& v);

}  // namespace upt::eval
