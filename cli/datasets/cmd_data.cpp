// `upt data`: list / show / validate / import benchmarks, and write the toy world.
#include <memory>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/json.h"
#include "datasets/load.h"
#include "datasets/registry.h"
#include "datasets/toy/toy_world.h"

namespace upt::cli {
namespace {

namespace ds = upt::datasets;

struct DataCliOptions {
  bool json = false;
  int n = 3;
  std::string target;  // name or file
  std::string out;
  ds::LoadOptions load;
  ds::toy::ToyWorldOptions toy;
};

// The flags of each subcommand: views onto DataCliOptions.
struct ListFlags {
  DataCliOptions& o;
  template <class V>
  void ForEach(V&& v) {
    v("json", o.json, "JSON output");
  }
};
struct ShowFlags {
  DataCliOptions& o;
  template <class V>
  void ForEach(V&& v) {
    v("name", o.target, "benchmark name or JSONL/CSV file", kOptPositional | kOptRequired);
    v("n", o.n, "problems to print (-1 = all)");
    v("json", o.json, "print canonical JSONL lines");
    v("", o.load, "");
  }
};
struct ValidateFlags {
  DataCliOptions& o;
  template <class V>
  void ForEach(V&& v) {
    v("file", o.target, "file to check", kOptPositional | kOptRequired);
    v("", o.load, "");
  }
};
struct ImportFlags {
  DataCliOptions& o;
  template <class V>
  void ForEach(V&& v) {
    v("file", o.target, "input file", kOptPositional | kOptRequired);
    v("out", o.out, "output JSONL", kOptRequired);
    v("", o.load, "");
  }
};
struct ToyFlags {
  DataCliOptions& o;
  template <class V>
  void ForEach(V&& v) {
    v("out", o.out, "output directory", kOptRequired);
    v("", o.toy, "");
  }
};

template <class Flags>
void AddFlags(CLI::App* sub, DataCliOptions* o) {
  Flags flags{*o};
  AddOptions(*sub, flags);
}

int RunList(const DataCliOptions& o) {
  auto list = ds::ListBenchmarks();
  if (o.json) {
    OrderedJson j = OrderedJson::array();
    for (const auto& b : list)
      j.push_back({{"name", b.name}, {"kind", ds::KindName(b.kind)}, {"rows", b.rows}, {"sha256", b.sha256},
                   {"source", b.source}, {"licence", b.licence}, {"defaults", OptionsToJson(b.defaults)}});
    OrderedJson suites = OrderedJson::object();
    for (const auto& s : ds::ListSuites()) suites[s.name] = s.members;
    fmt::print("{}", DumpPretty(OrderedJson{{"benchmarks", j}, {"suites", suites}}));
    return 0;
  }
  fmt::print("{:<14} {:<16} {:>5} {:>4} {:>5} {:>6}  {}\n", "name", "kind", "rows", "n", "temp", "max_tok", "source");
  for (const auto& b : list)
    fmt::print("{:<14} {:<16} {:>5} {:>4} {:>5} {:>7}  {}\n", b.name, ds::KindName(b.kind), b.rows,
               b.defaults.samples_per_problem, b.defaults.sampling.temperature, b.defaults.sampling.max_new_tokens, b.source);
  fmt::print("\nsuites:\n");
  for (const auto& s : ds::ListSuites())
    fmt::print("  {:<9} {:<54} {}\n", s.name, Join(s.members, ","), s.description);
  return 0;
}

void PrintProblem(const ds::Problem& p) {
  fmt::print("--- {}\n{}\n", p.id, p.problem);
  for (size_t i = 0; i < p.choices.size(); ++i) fmt::print("  {}) {}\n", ds::ChoiceLetter(i), p.choices[i]);
  fmt::print("answer: {}\n", p.answer);
  if (p.meta.contains("tier")) fmt::print("meta: {}\n", DumpLine(p.meta));
}

int RunShow(const DataCliOptions& o) {
  ds::Benchmark b = ds::LoadBenchmarkOrFile(o.target, o.load);
  size_t n = o.n < 0 ? b.problems.size() : std::min(b.problems.size(), static_cast<size_t>(o.n));
  if (o.json) {
    for (size_t i = 0; i < n; ++i) fmt::print("{}\n", ds::ProblemToJsonLine(b.problems[i]));
    return 0;
  }
  fmt::print("name: {}\nkind: {}\nrows: {}\nsha256: {}\nsource: {}\ndefaults: {}\n", b.name, ds::KindName(b.kind),
             b.problems.size(), b.sha256, b.source, DumpLine(OptionsToJson(b.defaults)));
  for (size_t i = 0; i < n; ++i) PrintProblem(b.problems[i]);
  return 0;
}

// Collects every bad line; exits 1 when any (0 with --skip-bad-lines if some rows load).
int RunValidate(const DataCliOptions& o) {
  ds::LoadOptions opts = o.load;
  opts.skip_bad_lines = true;
  ds::LoadReport report;
  ds::Benchmark b;
  try {
    b = ds::LoadBenchmarkFile(o.target, opts, &report);
  } catch (const Error&) {
    fmt::print("{}", report.Summary());
    throw;
  }
  fmt::print("{}", report.Summary());
  fmt::print("kind: {}, {} problems, sha256 {}\n", ds::KindName(b.kind), b.problems.size(), b.sha256);
  if (report.skipped == 0) {
    fmt::print("OK\n");
    return 0;
  }
  return o.load.skip_bad_lines ? 0 : 1;
}

// Parquet streams row group by row group into the output; other formats load whole.
int RunImportParquet(const DataCliOptions& o, ds::LoadOptions opts) {
  opts.format = ds::ResolveFormat(o.target, opts.format);
  ds::LoadReport report;
  AtomicWriter out(o.out);
  Sha256 hash;
  long with_target = 0;
  ds::Benchmark b = ds::ParseParquet(o.target, opts, &report, [&](ds::Problem&& p) {
    std::string line = ds::ProblemToJsonLine(p) + "\n";
    hash.Update(line);
    out.Write(line);
    with_target += p.target.empty() ? 0 : 1;
  });
  out.Commit();
  fmt::print("{}", report.Summary());
  fmt::print("wrote {} {} problems ({} with a demonstration) to {} (sha256 {})\n", report.loaded,
             ds::KindName(b.kind), with_target, o.out, hash.HexDigest());
  return report.skipped ? 1 : 0;
}

int RunImport(const DataCliOptions& o) {
  ds::LoadOptions opts = o.load;
  std::string format = ds::ResolveFormat(o.target, opts.format);
  if (format == "parquet" || format == "verl") return RunImportParquet(o, opts);
  ds::LoadReport report;
  ds::Benchmark b = ds::LoadBenchmarkFile(o.target, opts, &report);
  std::string bytes = ds::BenchmarkToJsonl(b);
  WriteFileAtomic(o.out, bytes);
  fmt::print("{}", report.Summary());
  fmt::print("wrote {} {} problems to {} (sha256 {})\n", b.problems.size(), ds::KindName(b.kind), o.out,
             Sha256Hex(bytes));
  return report.skipped ? 1 : 0;
}

int RunToy(const DataCliOptions& o) {
  ds::toy::WriteToyWorld(o.out, o.toy);
  Json world = Json::parse(ReadFile(o.out + "/world.json"));
  fmt::print("toy world (seed {}) written to {}:\n", o.toy.seed, o.out);
  for (auto it = world["files"].begin(); it != world["files"].end(); ++it) {
    const Json& f = it.value();
    long long rows = f.contains("rows") ? f["rows"].get<long long>() : f["lines"].get<long long>();
    fmt::print("  {:<20} {:>6} {}  sha256 {}\n", it.key(), rows, f.contains("rows") ? "rows " : "lines",
               f["sha256"].get<std::string>().substr(0, 16));
  }
  if (world["files"].contains("pretrain.txt")) {
    const Json& p = world["files"]["pretrain.txt"];
    fmt::print("  pre-training corpus: {} of {} teacher steps carry a slip\n", p["slipped_steps"].get<long long>(),
               p["steps"].get<long long>());
  }
  return 0;
}

RunFn SetupData(CLI::App& app) {
  auto o = std::make_shared<DataCliOptions>();
  app.require_subcommand(0, 1);
  std::vector<std::pair<CLI::App*, RunFn>> subs;

  auto* list = app.add_subcommand("list", "List the registered benchmarks and suites");
  AddFlags<ListFlags>(list, o.get());
  subs.emplace_back(list, [o] { return RunList(*o); });

  auto* show = app.add_subcommand("show", "Show a benchmark (registered name or file) and its first problems");
  AddFlags<ShowFlags>(show, o.get());
  subs.emplace_back(show, [o] { return RunShow(*o); });

  auto* validate = app.add_subcommand("validate", "Check a JSONL/CSV/Parquet benchmark file; report every bad line");
  AddFlags<ValidateFlags>(validate, o.get());
  validate->get_option("--skip-bad-lines")->description("exit 0 when the file loads with bad lines skipped");
  subs.emplace_back(validate, [o] { return RunValidate(*o); });

  auto* import = app.add_subcommand("import", "Convert a CSV/JSONL/Parquet (verl) file to canonical JSONL (atomic write)");
  AddFlags<ImportFlags>(import, o.get());
  subs.emplace_back(import, [o] { return RunImport(*o); });

  auto* toy = app.add_subcommand("toy", "Write the toy world: benchmarks, train.jsonl, pretrain.txt, world.json");
  AddFlags<ToyFlags>(toy, o.get());
  subs.emplace_back(toy, [o] { return RunToy(*o); });

  return [&app, subs] { return DispatchNested(app, subs); };
}

}  // namespace

UPT_COMMAND(data, "Benchmarks: list, show, validate, import; write the toy world", SetupData);

}  // namespace upt::cli
