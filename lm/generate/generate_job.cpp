#include "lm/generate/generate_job.h"

#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/options.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/strings.h"
#include "core/version.h"
#include "datasets/registry.h"
#include "lm/generate/generator.h"
#include "lm/generate/stop_set.h"
#include "lm/io/provenance.h"
#include "lm/io/safetensors.h"
#include "lm/model/checkpoint.h"
#include "lm/model/model_tools.h"
#include "lm/tokenizer/chat_template.h"
#include "lm/tokenizer/tokenizer.h"

namespace upt::lm {
namespace {

struct Pair {
  size_t problem;
  int sample;
};

datasets::Benchmark LoadData(const GenerateJobOptions& o) {
  if (o.dataset.empty() == o.dataset_file.empty())
    throw Error("give exactly one of --dataset and --dataset-file", "--dataset",
                "e.g. --dataset aime24, or --dataset-file my_problems.jsonl");
  if (!o.dataset.empty()) return datasets::LoadBenchmark(o.dataset);
  return datasets::LoadBenchmarkFile(o.dataset_file);
}

std::string PromptText(const datasets::Problem& p, datasets::Kind kind, const GenerateJobOptions& o,
                       const std::string& template_name) {
  std::string body = kind == datasets::Kind::kMultipleChoice ? FormatMultipleChoice(p.problem, p.choices) : p.problem;
  std::optional<std::string> system;
  if (!o.system.empty()) system = o.system;
  return RenderPrompt(template_name, body, system);
}

// The settings that must match for a resume to continue the same file.
OrderedJson Settings(const GenerateJobOptions& o, const datasets::Benchmark& b, const SamplingParams& sp, int n,
                     const std::string& weights_sha, const std::string& template_name) {
  OrderedJson s;
  s["model"] = CanonicalPath(o.model);  // "./m", "m/" and "/abs/m" are one model
  s["model_weights_sha256"] = weights_sha;
  s["dataset"] = b.name;
  s["dataset_source"] = b.source;
  s["dataset_sha256"] = b.sha256;
  s["template"] = template_name;
  s["system"] = o.system;
  s["n"] = n;
  s["sampling"] = OptionsToJson(sp);
  s["seed"] = o.seed;
  s["shard"] = o.shard;
  s["limit"] = o.limit;
  return s;
}

std::set<std::pair<std::string, long long>> DoneSamples(const std::string& path) {
  std::set<std::pair<std::string, long long>> done;
  if (!FileExists(path)) return done;
  CutTornTail(path);  // a last line without its '\n' is not done (even if it parses): cut before counting
  LineReader lines(path);
  std::string line;
  while (lines.Next(&line)) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw Error("not a JSON object", Where(path, lines.line_number()),
                  "the samples file is damaged; delete it (and its .meta.json) to start over");
    JsonSource src{path, lines.line_number()};
    done.insert({RequireString(j, "problem_id", src), RequireInt(j, "sample_index", src)});
  }
  return done;
}

// Writes <out>.meta.json; an existing output must have been written with the same settings.
void WriteProvenance(const GenerateJobOptions& o, const datasets::Benchmark& bench, const SamplingParams& sp, int n,
                     const std::string& template_name, const StopSet& stops) {
  const OrderedJson model_prov = io::ModelProvenance(o.model);
  const std::string weights_sha = model_prov["weights_sha256"];
  OrderedJson settings = Settings(o, bench, sp, n, weights_sha, template_name);
  const std::string meta_path = o.out + ".meta.json";
  if (FileExists(o.out) && FileExists(meta_path)) {
    Json old = Json::parse(ReadFile(meta_path), nullptr, false);
    if (!old.is_discarded() && old.contains("settings") && old["settings"].contains("model") &&
        old["settings"]["model"].is_string())  // files written before paths were canonical
      old["settings"]["model"] = CanonicalPath(old["settings"]["model"].get<std::string>());
    if (old.is_discarded() || !old.contains("settings") || old["settings"] != Json::parse(settings.dump()))
      throw Error("output exists with different settings (model, dataset, sampling, seed or shard)", meta_path,
                  "use a new --out, or delete the old file to start over");
  } else if (FileExists(o.out) && !ReadFile(o.out).empty()) {
    throw Error("output exists without its .meta.json provenance file", o.out,
                "use a new --out, or delete the old file to start over");
  }
  OrderedJson meta = BaseProvenance();
  meta["command"] = "generate";
  meta["settings"] = settings;
  meta["model_provenance"] = model_prov;  // absolute path, config/weights/tokenizer hashes (not a resume key)
  meta["device"] = o.device;
  meta["batch_size"] = o.batch_size;
  meta["kv_budget_tokens"] = o.kv_budget_tokens;
  meta["kv_block_size"] = o.kv_block_size;
  meta["stop"] = stops.provenance;
  WriteFileAtomic(meta_path, DumpPretty(meta));
}

// Canonical order: problems of this shard, then sample index; pairs already in <out> skipped.
std::vector<Pair> Todo(const GenerateJobOptions& o, const datasets::Benchmark& bench, int n, int shard_i,
                       int shard_n) {
  auto done = DoneSamples(o.out);
  size_t problems = bench.problems.size();
  if (o.limit > 0) problems = std::min(problems, static_cast<size_t>(o.limit));
  std::vector<Pair> todo;
  for (size_t k = 0; k < problems; ++k) {
    if (static_cast<int>(k % static_cast<size_t>(shard_n)) != shard_i) continue;
    for (int s = 0; s < n; ++s)
      if (!done.count({bench.problems[k].id, s})) todo.push_back({k, s});
  }
  if (!done.empty()) LogInfo("resuming {}: {} samples present, {} to go", o.out, done.size(), todo.size());
  return todo;
}

// Each problem's prompt token ids, encoded on first use.
struct PromptIds {
  const GenerateJobOptions& o;
  const datasets::Benchmark& bench;
  const std::string& template_name;
  const Tokenizer& tokenizer;
  const io::Qwen2Config& config;
  std::map<size_t, std::vector<int32_t>> ids;

  const std::vector<int32_t>& Of(size_t problem) {
    auto& p = ids[problem];
    if (!p.empty()) return p;
    const auto& prob = bench.problems[problem];
    if (PrependsBos(config)) p.push_back(config.bos_token_id);
    auto body = tokenizer.Encode(PromptText(prob, bench.kind, o, template_name));
    p.insert(p.end(), body.begin(), body.end());
    if (p.empty()) throw Error("prompt encodes to no tokens", "problem '" + prob.id + "'", "check the template and tokenizer");
    return p;
  }
};

std::vector<GenerationRequest> Requests(const std::vector<Pair>& part, const datasets::Benchmark& bench,
                                        PromptIds* prompts) {
  std::vector<GenerationRequest> reqs(part.size());
  for (size_t j = 0; j < part.size(); ++j) {
    reqs[j].prompt = prompts->Of(part[j].problem);
    reqs[j].stream_id = StreamId(bench.problems[part[j].problem].id);
    reqs[j].sample_index = static_cast<uint64_t>(part[j].sample);
  }
  return reqs;
}

void WriteSamples(const std::vector<Pair>& part, const datasets::Benchmark& bench,
                  const std::vector<GenerationResult>& results, AppendWriter* writer) {
  for (size_t j = 0; j < part.size(); ++j) {
    OrderedJson line;
    line["problem_id"] = bench.problems[part[j].problem].id;
    line["sample_index"] = part[j].sample;
    line["text"] = results[j].text;
    line["finish_reason"] = results[j].finish_reason;
    line["num_tokens"] = results[j].tokens.size();
    writer->WriteLine(DumpLine(line));
  }
  writer->Flush();
}

}  // namespace

void ParseShard(const std::string& text, int* index, int* count) {
  auto parts = Split(text, '/');
  long long i = -1, n = 0;
  if (parts.size() != 2 || !ParseInt64(Trim(parts[0]), &i) || !ParseInt64(Trim(parts[1]), &n) || n < 1 || i < 0 ||
      i >= n)
    throw Error("invalid shard '" + text + "'", "--shard", "write i/N with 0 <= i < N, e.g. --shard 0/4");
  *index = static_cast<int>(i);
  *count = static_cast<int>(n);
}

// Unset sampling keys take the benchmark's settings (-1 and 0 are accepted as
// "unset", see GenerateJobOptions); any other out-of-range value is an error.
void CheckGenerateOptions(const GenerateJobOptions& o) {
  auto bad = [](const char* flag, const std::string& got, const char* want) {
    throw Error("invalid value " + got + ": " + want, flag, "see `upt generate --help`");
  };
  if (o.n < 0) bad("--n", std::to_string(o.n), "samples per problem must be >= 1 (0 = the benchmark's default)");
  const SamplingOverrides& given = o.sampling;
  const SamplingParams& v = given.values;
  if (given.IsGiven("temperature") && v.temperature < 0)
    bad("--temperature", std::to_string(v.temperature), "must be >= 0 (0 = greedy; -1 = the benchmark's default)");
  if (given.IsGiven("top_p") && !(v.top_p > 0 && v.top_p <= 1))
    bad("--top-p", std::to_string(v.top_p), "must be in (0, 1] (-1 = the benchmark's default)");
  if (given.IsGiven("min_p") && !(v.min_p >= 0 && v.min_p < 1))
    bad("--min-p", std::to_string(v.min_p), "must be in [0, 1) (0 = off)");
  if (given.IsGiven("top_k") && v.top_k < -1) bad("--top-k", std::to_string(v.top_k), "must be >= 1 (-1 or 0 = off)");
  if (given.IsGiven("max_new_tokens") && v.max_new_tokens < 0)
    bad("--max-new-tokens", std::to_string(v.max_new_tokens), "must be >= 1 (0 = the benchmark's default)");
  if (o.batch_size < 1) bad("--batch-size", std::to_string(o.batch_size), "must be >= 1");
  if (o.threads < 0) bad("--threads", std::to_string(o.threads), "must be >= 0 (0 = libtorch's default)");
  if (o.limit < 0) bad("--limit", std::to_string(o.limit), "must be >= 0 (0 = all problems)");
  if (o.kv_block_size < 1) bad("--kv-block-size", std::to_string(o.kv_block_size), "must be >= 1");
  if (o.kv_budget_tokens < 0)
    bad("--kv-budget-tokens", std::to_string(o.kv_budget_tokens), "must be >= 0 (0 = batch size x (prompt + max new))");
  if (o.out.empty()) throw Error("missing --out", "--out", "name the output samples JSONL");
}

int RunGenerateJob(const GenerateJobOptions& o) {
  CheckGenerateOptions(o);
  int shard_i = 0, shard_n = 1;
  ParseShard(o.shard, &shard_i, &shard_n);
  SetTorchThreads(o.threads);
  auto bench = LoadData(o);
  // The command line's sampling keys over the benchmark's settings.
  SamplingParams sp = Resolve(bench.defaults.sampling, o.sampling);
  const int n = o.n > 0 ? o.n : bench.defaults.samples_per_problem;
  const std::string template_name = ResolveChatTemplate(o.model, o.template_name);
  auto tokenizer = Tokenizer::FromFile(o.model + "/tokenizer.json");
  const StopSet stops = BuildStopSet(o.model, tokenizer, template_name, sp.stop_token_ids, sp.stop);
  sp.stop = stops.strings;
  WriteProvenance(o, bench, sp, n, template_name, stops);

  auto model = LoadQwen2(o.model, ParseDevice(o.device));
  EngineOptions eo;
  eo.block_size = o.kv_block_size;
  eo.token_budget = o.kv_budget_tokens;
  Generator gen(model.ptr(), &tokenizer, stops.ids, BannedSpecialIds(o.model, stops.ids), eo);
  PromptIds prompts{o, bench, template_name, tokenizer, model->config(), {}};
  const std::vector<Pair> todo = Todo(o, bench, n, shard_i, shard_n);
  AppendWriter writer(o.out);
  Progress bar("generate", static_cast<long long>(todo.size()), "samples");
  long long tokens = 0;
  auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  // Chunks of several batches keep the engine's slots refilled; each chunk's lines
  // are written (in canonical order) when it completes.
  const size_t chunk = static_cast<size_t>(o.batch_size) * 8;
  for (size_t i = 0; i < todo.size(); i += chunk) {
    const std::vector<Pair> part(todo.begin() + i, todo.begin() + std::min(todo.size(), i + chunk));
    auto results = gen.Generate(Requests(part, bench, &prompts), sp, static_cast<uint64_t>(o.seed), o.batch_size,
                                [&](int64_t k) {
                                  tokens += k;
                                  if (seconds() > 0) bar.SetPostfix(fmt::format("tok/s {:.0f}", tokens / seconds()));
                                });
    WriteSamples(part, bench, results, &writer);
    bar.Add(static_cast<long long>(part.size()));
  }
  bar.Finish();
  const double secs = seconds();
  LogInfo("generated {} samples, {} tokens in {:.1f} s ({:.0f} tok/s) -> {}", todo.size(), tokens, secs,
          secs > 0 ? tokens / secs : 0.0, o.out);
  return 0;
}

}  // namespace upt::lm
