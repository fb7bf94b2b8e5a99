// Exported checkpoints are complete HF directories: the base model's config.json
// keys kept, generation/tokenizer files copied, weights in the base dtype and
// sharded with an index above the limit, and loadable back to the same weights.
#include "train/loop/export.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "core/fs.h"
#include "core/json.h"
#include "lm/model/checkpoint.h"
#include "tests/train/loop/tiny_run.h"

namespace upt::train {
namespace {
using namespace upt::train::testing;  // NOLINT: the shared tiny-run fixture
namespace fs = std::filesystem;

// The tiny model as a "base" with extra config keys, a bf16 dtype and tokenizer files.
std::string BaseWithExtras() {
  const std::string base = Root() + "/export_base";
  fs::remove_all(base);
  fs::create_directories(base);
  for (const auto& e : fs::directory_iterator(TinyModel())) fs::copy(e.path(), base + "/" + e.path().filename().string());
  Json cfg = Json::parse(ReadFile(base + "/config.json"));
  cfg["torch_dtype"] = "bfloat16";
  cfg["custom_key_from_the_hub"] = "kept";
  WriteFileAtomic(base + "/config.json", DumpPretty(cfg));
  WriteFileAtomic(base + "/tokenizer_config.json", R"({"chat_template": "{{ messages }}", "eos_token": "<eos>"})");
  WriteFileAtomic(base + "/special_tokens_map.json", R"({"eos_token": "<eos>"})");
  WriteFileAtomic(base + "/generation_config.json", R"({"eos_token_id": 2, "temperature": 0.7})");
  return base;
}

TEST(HfExportTest, ExportIsACompleteDirectoryInTheBaseDtype) {
  const std::string base = BaseWithExtras();
  auto model = lm::LoadQwen2(base, torch::kCPU);
  const std::string out = Root() + "/export_out";
  HfExportOptions o;
  o.max_shard_bytes = 4096;  // force shards
  ExportHfModel(model, base, out, o);
  const Json cfg = Json::parse(ReadFile(out + "/config.json"));
  EXPECT_EQ(cfg["custom_key_from_the_hub"], "kept");
  EXPECT_EQ(cfg["torch_dtype"], "bfloat16");
  EXPECT_EQ(ReadFile(out + "/generation_config.json"), ReadFile(base + "/generation_config.json"));
  EXPECT_EQ(ReadFile(out + "/tokenizer_config.json"), ReadFile(base + "/tokenizer_config.json"));
  EXPECT_TRUE(FileExists(out + "/special_tokens_map.json"));
  EXPECT_TRUE(FileExists(out + "/tokenizer.json"));
  EXPECT_TRUE(FileExists(out + "/model.safetensors.index.json"));
  EXPECT_FALSE(FileExists(out + ".tmp"));
  auto back = lm::LoadQwen2(out, torch::kCPU);
  auto a = model->parameters(), b = back->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)  // bf16 round trip: 8 mantissa bits
    EXPECT_LE((a[i] - b[i]).abs().max().item<double>(), 1e-2 * std::max(1.0, a[i].abs().max().item<double>()));
  EXPECT_EQ(DtypeOfBaseModel(base), "BF16");
  EXPECT_EQ(DtypeOfBaseModel(Root() + "/nowhere"), "F32");
}

}  // namespace
}  // namespace upt::train
