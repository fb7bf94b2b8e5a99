#include "lm/model/model_tools.h"

#include <cmath>
#include <cstdio>
#include <map>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/jsonl.h"
#include "core/log.h"
#include "core/strings.h"
#include "core/registry.h"
#include "lm/io/safetensors.h"
#include "lm/model/checkpoint.h"
#include "lm/model/token_logprobs.h"
#include "lm/tokenizer/char_level.h"
#include "lm/tokenizer/tokenizer.h"

namespace upt::lm {
namespace {

io::Qwen2Config Bench100mPreset() {
  io::Qwen2Config c;
  c.vocab_size = 50000;
  c.hidden_size = 768;
  c.intermediate_size = 2816;
  c.num_hidden_layers = 8;
  c.num_attention_heads = 12;
  c.num_key_value_heads = 2;
  c.max_position_embeddings = 4096;
  c.rope_theta = 10000.0;
  c.tie_word_embeddings = true;
  c.eos_token_ids = {2};
  return c;
}

Registry<ModelConfigPreset>& ConfigPresets() {
  static Registry<ModelConfigPreset> reg = [] {
    Registry<ModelConfigPreset> r("model config preset");
    r.Add("bench-100m", {Bench100mPreset(), ""}, "about 100M parameters, Qwen2-shaped, vocab 50000 (benchmarks)");
    return r;
  }();
  return reg;
}

// "none" | "" -> no tokenizer; a preset name with a tokenizer -> its tokenizer.json; else a file path.
std::string TokenizerJsonFor(const std::string& spec) {
  if (spec == "none" || spec.empty()) return {};
  if (ConfigPresets().Has(spec) && !ConfigPresets().Get(spec).tokenizer_json.empty())
    return ConfigPresets().Get(spec).tokenizer_json;
  return ReadFile(spec);
}

}  // namespace

void SetTorchThreads(int n) {
  if (n > 0) torch::set_num_threads(n);
}

void RegisterModelConfigPreset(const std::string& name, ModelConfigPreset preset, const std::string& help) {
  if (!ConfigPresets().Has(name)) ConfigPresets().Add(name, std::move(preset), help);
}

io::Qwen2Config ConfigPresetOrFile(const std::string& name_or_path) {
  if (ConfigPresets().Has(name_or_path)) return ConfigPresets().Get(name_or_path).config;
  if (!FileExists(name_or_path))
    throw Error("no config preset or file '" + name_or_path + "'", "--config",
                "use a preset (" + Join(ConfigPresets().Names(), ", ") + ") or a Hugging Face config.json path");
  return io::LoadQwen2Config(name_or_path);
}

void RunModelInit(const ModelInitOptions& opts) {
  if (opts.out.empty()) throw Error("missing --out", "--out", "name the checkpoint directory to create");
  auto cfg = ConfigPresetOrFile(opts.config);
  std::string tok_spec = opts.tokenizer;
  if (tok_spec == "auto") tok_spec = ConfigPresets().Has(opts.config) ? opts.config : "none";
  std::string tok_json = TokenizerJsonFor(tok_spec);
  if (!tok_json.empty()) {
    auto tok = Tokenizer::FromJsonText(tok_json, tok_spec);
    if (tok.vocab_size() > cfg.vocab_size)
      throw Error("tokenizer has " + std::to_string(tok.vocab_size()) + " ids but the config's vocab_size is " +
                      std::to_string(cfg.vocab_size),
                  "--tokenizer", "use a config whose vocab_size covers the tokenizer");
  }
  Qwen2ForCausalLM model(cfg);
  InitQwen2Weights(model, static_cast<uint64_t>(opts.seed));
  SaveOptions so;
  so.dtype = opts.dtype;
  SaveQwen2(model, opts.out, tok_json, so);
  LogInfo("wrote {} ({} parameters, seed {}, tokenizer {})", opts.out, cfg.NumParameters(), opts.seed, tok_spec);
}

std::string ModelInfoText(const std::string& dir) {
  auto cfg = io::LoadQwen2Config(dir + "/config.json");
  auto w = io::CheckpointWeights::Open(dir);
  int64_t stored = 0;
  std::map<std::string, int64_t> dtypes;
  for (const auto& n : w.Names()) {
    const auto& t = w.Info(n);
    stored += t.numel();
    dtypes[io::DTypeName(t.dtype)] += t.numel();
  }
  std::string dt;
  for (const auto& [k, v] : dtypes) dt += (dt.empty() ? "" : ", ") + k;
  std::string out;
  out += fmt::format("checkpoint    {}\n", dir);
  out += fmt::format("architecture  {}: {} layers, d_model {}, {} heads ({} KV, head dim {}), "
                     "SwiGLU {}, vocab {}\n",
                     io::ModelArchitecture(cfg.family), cfg.num_hidden_layers, cfg.hidden_size,
                     cfg.num_attention_heads, cfg.num_key_value_heads,
                     cfg.HeadDim(), cfg.intermediate_size, cfg.vocab_size);
  out += fmt::format("positions     {} (rope_theta {}), rms_norm_eps {}, tied embeddings: {}\n",
                     cfg.max_position_embeddings, cfg.rope_theta, cfg.rms_norm_eps,
                     cfg.tie_word_embeddings ? "yes" : "no");
  out += fmt::format("parameters    {} ({:.2f} M); stored tensors {} holding {} values\n", cfg.NumParameters(),
                     cfg.NumParameters() / 1e6, w.Names().size(), stored);
  out += fmt::format("dtype         {} (config torch_dtype {})\n", dt, cfg.torch_dtype);
  for (const auto& f : w.Files()) {
    std::FILE* fp = std::fopen(f.c_str(), "rb");
    long size = 0;
    if (fp) {
      std::fseek(fp, 0, SEEK_END);
      size = std::ftell(fp);
      std::fclose(fp);
    }
    out += fmt::format("file          {} ({})\n", f, HumanBytes(static_cast<double>(size)));
  }
  std::vector<std::string> eos;
  for (int e : LoadEosTokenIds(dir, cfg)) eos.push_back(std::to_string(e));
  out += fmt::format("special ids   bos {}, eos [{}], pad {}\n", cfg.bos_token_id, Join(eos, ", "), cfg.pad_token_id);
  if (FileExists(dir + "/tokenizer.json")) {
    auto tok = Tokenizer::FromFile(dir + "/tokenizer.json");
    std::vector<std::string> specials;
    for (int32_t i = 0; i < tok.vocab_size() && specials.size() < 8; ++i)
      if (tok.IsSpecial(i)) specials.push_back(tok.IdToToken(i));
    out += fmt::format("tokenizer     {} ids; special: {}\n", tok.vocab_size(), Join(specials, " "));
  } else {
    out += "tokenizer     none (no tokenizer.json)\n";
  }
  return out;
}

int RunModelLogprobs(const LogprobsOptions& opts) {
  SetTorchThreads(opts.threads);
  auto device = ParseDevice(opts.device);
  auto model = LoadQwen2(opts.model, device);
  auto tok = Tokenizer::FromFile(opts.model + "/tokenizer.json");
  const bool bos = PrependsBos(model->config());
  std::unique_ptr<AtomicWriter> file;
  if (!opts.out.empty()) file = std::make_unique<AtomicWriter>(opts.out);
  JsonlReader reader(opts.in);
  JsonlRecord rec;
  torch::NoGradGuard ng;
  while (reader.Next(&rec)) {
    if (!rec.error.empty()) throw Error(rec.error, Where(opts.in, rec.line));
    auto src = reader.Source(rec.line);
    std::vector<int32_t> ids;
    if (bos) ids.push_back(model->config().bos_token_id);
    size_t first;  // index of the first token whose log-prob is reported
    if (rec.value.contains("text")) {
      auto t = tok.Encode(RequireString(rec.value, "text", src));
      ids.insert(ids.end(), t.begin(), t.end());
      first = 1;
    } else {
      auto p = tok.Encode(RequireString(rec.value, "prompt", src));
      auto c = tok.Encode(RequireString(rec.value, "completion", src));
      ids.insert(ids.end(), p.begin(), p.end());
      first = std::max<size_t>(ids.size(), 1);
      ids.insert(ids.end(), c.begin(), c.end());
    }
    OrderedJson line;
    line["tokens"] = Json::array();
    line["logprobs"] = Json::array();
    if (opts.all_tokens && !ids.empty()) {
      line["tokens"].push_back(ids[0]);
      line["logprobs"].push_back(nullptr);
      first = 1;
    }
    if (ids.size() >= 2 && first < ids.size()) {
      if (static_cast<int>(ids.size()) > model->config().max_position_embeddings)
        throw Error("text has " + std::to_string(ids.size()) + " tokens, more than max_position_embeddings",
                    Where(opts.in, rec.line));
      auto t = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end())).view({1, -1});
      auto lp = TokenLogProbs(model, t).logprobs[0].to(torch::kCPU);
      for (size_t i = first; i < ids.size(); ++i) {
        line["tokens"].push_back(ids[i]);
        const double v = lp[static_cast<int64_t>(i) - 1].item<double>();
        if (!std::isfinite(v))  // JSON would print null: never a silent success
          throw Error("the model gives a non-finite log-probability (" + std::to_string(v) + ") at token " +
                          std::to_string(i),
                      Where(opts.in, rec.line), "the weights hold NaN or infinite values; check the checkpoint");
        line["logprobs"].push_back(v);
      }
    }
    std::string text = DumpLine(line);
    if (file) file->WriteLine(text);
    else std::printf("%s\n", text.c_str());
  }
  if (file) file->Commit();
  return 0;
}

}  // namespace upt::lm
