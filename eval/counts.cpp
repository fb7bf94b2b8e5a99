#include "eval/counts.h"

#include <filesystem>
#include <map>

#include "core/error.h"
#include "core/limits.h"
#include "core/fs.h"
#include "core/jsonl.h"
#include "core/strings.h"
#include "eval/formats_internal.h"

namespace upt::eval {

std::vector<Counts> ReadCountsCsv(const std::string& path, long long* skipped) {
  LineReader lines(path);
  std::string line;
  if (!lines.Next(&line)) throw Error("empty counts file", path, "the first row must be the header id,n,c");
  std::vector<std::string> header;
  formats::SplitCsvRecord(line, &header);
  std::map<std::string, int> col;
  for (size_t i = 0; i < header.size(); ++i) col[std::string(Trim(header[i]))] = static_cast<int>(i);
  int id = col.count("id") ? col["id"] : col.count("problem_id") ? col["problem_id"] : -1;
  int n = col.count("n") ? col["n"] : -1;
  int c = col.count("c") ? col["c"] : col.count("correct") ? col["correct"] : -1;
  if (id < 0 || n < 0 || c < 0)
    throw Error("counts CSV needs the columns id, n and c", Where(path, 1), "write the header `id,n,c`");
  std::vector<Counts> out;
  std::map<std::string, long> first_line;  // id -> line
  long long skip = 0;
  std::string rec;
  while (lines.Next(&line)) {
    long at = lines.line_number();
    rec = line;
    for (bool open = formats::CsvRecordOpen(rec); open && lines.Next(&line);) {
      rec += "\n" + line;
      open ^= formats::CsvRecordOpen(line);
    }
    if (Trim(rec).empty()) continue;
    std::vector<std::string> f;
    formats::SplitCsvRecord(rec, &f);
    if (static_cast<int>(f.size()) <= std::max({id, n, c}))
      throw Error("too few columns", Where(path, at), "each row needs id, n and c");
    Counts k;
    k.id = f[id];
    if (!ParseInt64(Trim(f[n]), &k.n) || k.n < 0)
      throw Error("n must be a non-negative integer, got '" + f[n] + "'", Where(path, at, "n"));
    CheckLimit(kMaxSamplesPerProblem, k.n, Where(path, at, "n"));
    if (!ParseInt64(Trim(f[c]), &k.c) || k.c < 0 || k.c > k.n)
      throw Error("c must be an integer in [0, n], got '" + f[c] + "'", Where(path, at, "c"));
    if (k.n == 0) {
      ++skip;
      continue;
    }
    if (auto [it, fresh] = first_line.emplace(k.id, at); !fresh)
      throw Error("duplicate id '" + k.id + "' (first on line " + std::to_string(it->second) + ")",
                  Where(path, at, "id"), "each problem appears once; merge the two rows (add n and c)");
    out.push_back(std::move(k));
  }
  if (skipped) *skipped = skip;
  return out;
}

ScoredRun LoadScoredRun(const std::string& dir) {
  namespace fs = std::filesystem;
  ScoredRun run;
  run.dir = dir;
  std::string problems = (fs::path(dir) / "problems.csv").string();
  std::string results = (fs::path(dir) / "results.json").string();
  if (!FileExists(problems))
    throw Error("no problems.csv in '" + dir + "'", dir, "pass a directory written by `upt score --out DIR`");
  run.benchmark = fs::path(dir).filename().string();
  if (FileExists(results)) {
    Json j = Json::parse(ReadFile(results), nullptr, false);
    if (!j.is_discarded() && j.contains("benchmark") && j["benchmark"].contains("name"))
      run.benchmark = j["benchmark"]["name"].get<std::string>();
  }
  run.counts = ReadCountsCsv(problems, &run.missing);
  return run;
}

}  // namespace upt::eval
