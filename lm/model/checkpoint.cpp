#include "lm/model/checkpoint.h"

#include <cstring>
#include <set>

#include <torch/torch.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/rng.h"
#include "core/strings.h"
#include "lm/io/safetensors.h"

namespace upt::lm {
namespace {

torch::ScalarType TorchType(io::DType d, const std::string& where) {
  switch (d) {
    case io::DType::kF32: return torch::kFloat32;
    case io::DType::kBF16: return torch::kBFloat16;
    case io::DType::kF16: return torch::kFloat16;
    case io::DType::kF64: return torch::kFloat64;
    default:
      throw Error(std::string("weights must be floating point, got ") + io::DTypeName(d), where,
                  "save the checkpoint as F32, BF16 or F16");
  }
}

io::DType SaveDType(const std::string& name) {
  io::DType d;
  if (!io::ParseDType(name, &d) || (d != io::DType::kF32 && d != io::DType::kBF16 && d != io::DType::kF16))
    throw Error("unsupported save dtype '" + name + "'", "--dtype", "use F32, BF16 or F16");
  return d;
}

std::string ShapeText(const std::vector<int64_t>& s) {
  std::vector<std::string> parts;
  for (auto d : s) parts.push_back(std::to_string(d));
  return "[" + Join(parts, ", ") + "]";
}

}  // namespace

at::Device ParseDevice(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (StartsWith(name, "cuda")) {
    if (!torch::cuda::is_available())
      throw Error("CUDA device requested but this libtorch has no usable GPU", "--device " + name,
                  "use --device cpu, or build upt against a CUDA LibTorch");
    return at::Device(name);
  }
  throw Error("unknown device '" + name + "'", "--device", "use cpu, cuda or cuda:N");
}

Qwen2ForCausalLM LoadQwen2(const std::string& dir, const at::Device& device) {
  auto config = io::LoadQwen2Config(dir + "/config.json");
  Qwen2ForCausalLM model(config);
  auto weights = io::CheckpointWeights::Open(dir);
  std::set<std::string> used;
  {
    torch::NoGradGuard ng;
    for (auto& p : model->named_parameters()) {
      const std::string& name = p.key();
      const io::TensorInfo& info = weights.Info(name);
      std::string where = weights.Files().size() == 1 ? weights.Files()[0] : dir;
      where += ": tensor '" + name + "'";
      std::vector<int64_t> want(p.value().sizes().begin(), p.value().sizes().end());
      if (info.shape != want)
        throw Error("shape " + ShapeText(info.shape) + " does not match the config's " + ShapeText(want), where,
                    "config.json and the weights come from different models");
      auto raw = torch::empty(want, torch::TensorOptions().dtype(TorchType(info.dtype, where)));
      std::string_view bytes = weights.Data(name);
      std::memcpy(raw.data_ptr(), bytes.data(), bytes.size());
      p.value().copy_(raw.to(torch::kFloat32));
      used.insert(name);
    }
  }
  for (const auto& n : weights.Names())
    if (!used.count(n) && !(n == "lm_head.weight" && config.tie_word_embeddings))
      LogWarn("{}: unused tensor '{}' in checkpoint", dir, n);
  model->to(device);
  model->eval();
  return model;
}

void InitQwen2Weights(Qwen2ForCausalLM& model, uint64_t seed) {
  torch::NoGradGuard ng;
  const auto& c = model->config();
  for (auto& p : model->named_parameters()) {
    const std::string& name = p.key();
    auto cpu = torch::empty(p.value().sizes(), torch::kFloat32);
    float* data = cpu.data_ptr<float>();
    const int64_t n = cpu.numel();
    if (EndsWith(name, "norm.weight")) {
      std::fill(data, data + n, 1.0f);
    } else if (EndsWith(name, ".bias")) {
      std::fill(data, data + n, 0.0f);
    } else {
      RngStream rng(seed, {StreamId(name)});
      for (int64_t i = 0; i < n; ++i) data[i] = static_cast<float>(rng.Normal() * c.initializer_range);
      if (name == "model.embed_tokens.weight" && c.pad_token_id >= 0)
        std::fill(data + static_cast<int64_t>(c.pad_token_id) * c.hidden_size,
                  data + static_cast<int64_t>(c.pad_token_id + 1) * c.hidden_size, 0.0f);
    }
    p.value().copy_(cpu);
  }
}

void SaveQwen2(Qwen2ForCausalLM& model, const std::string& dir, const std::string& tokenizer_json,
               const SaveOptions& opts) {
  io::DType dtype = SaveDType(opts.dtype);
  auto cfg = model->config();
  cfg.torch_dtype = dtype == io::DType::kF32 ? "float32" : dtype == io::DType::kBF16 ? "bfloat16" : "float16";
  std::vector<torch::Tensor> keep;  // owns the bytes referenced by blobs
  std::vector<io::TensorBlob> blobs;
  for (auto& p : model->named_parameters()) {
    auto t = p.value().detach().to(torch::kCPU).to(TorchType(dtype, "save")).contiguous();
    keep.push_back(t);
    io::TensorBlob b;
    b.name = p.key();
    b.dtype = dtype;
    b.shape.assign(t.sizes().begin(), t.sizes().end());
    b.data = std::string_view(static_cast<const char*>(t.data_ptr()), t.nbytes());
    blobs.push_back(b);
  }
  MakeDirs(dir);
  WriteFileAtomic(dir + "/config.json", DumpPretty(io::Qwen2ConfigToJson(cfg)));
  io::WriteCheckpointWeights(dir, blobs, opts.max_shard_bytes);
  OrderedJson gen = OrderedJson::object();
  if (cfg.bos_token_id >= 0) gen["bos_token_id"] = cfg.bos_token_id;
  if (cfg.eos_token_ids.size() == 1) gen["eos_token_id"] = cfg.eos_token_ids[0];
  else if (!cfg.eos_token_ids.empty()) gen["eos_token_id"] = cfg.eos_token_ids;
  if (cfg.pad_token_id >= 0) gen["pad_token_id"] = cfg.pad_token_id;
  WriteFileAtomic(dir + "/generation_config.json", DumpPretty(gen));
  if (!tokenizer_json.empty()) WriteFileAtomic(dir + "/tokenizer.json", tokenizer_json);
}

bool PrependsBos(const io::Qwen2Config& c) {
  if (c.bos_token_id < 0) return false;
  for (int e : c.eos_token_ids)
    if (e == c.bos_token_id) return false;
  return true;
}

std::vector<int> LoadEosTokenIds(const std::string& dir, const io::Qwen2Config& config) {
  const std::string path = dir + "/generation_config.json";
  if (FileExists(path)) {
    Json j = Json::parse(ReadFile(path), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error("invalid JSON", path);
    auto it = j.find("eos_token_id");
    if (it != j.end() && !it->is_null()) {
      std::vector<int> ids;
      if (it->is_number_integer()) ids.push_back(it->get<int>());
      else if (it->is_array())
        for (const auto& e : *it) ids.push_back(e.get<int>());
      else
        throw Error("must be an integer or a list of integers", path + ": field 'eos_token_id'");
      return ids;
    }
  }
  return config.eos_token_ids;
}

}  // namespace upt::lm
