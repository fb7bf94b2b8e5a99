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
#include "train/loop/checkpoint.h"

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

// `dir` is a complete HF directory made from BaseWithExtras(): its config keys,
// bf16 dtype, and generation/tokenizer files.
void ExpectCompleteHfDirectory(const std::string& dir, const std::string& base) {
  const Json cfg = Json::parse(ReadFile(dir + "/config.json"));
  EXPECT_EQ(cfg["custom_key_from_the_hub"], "kept");
  EXPECT_EQ(cfg["torch_dtype"], "bfloat16");
  EXPECT_EQ(ReadFile(dir + "/generation_config.json"), ReadFile(base + "/generation_config.json"));
  EXPECT_EQ(ReadFile(dir + "/tokenizer_config.json"), ReadFile(base + "/tokenizer_config.json"));
  EXPECT_TRUE(FileExists(dir + "/special_tokens_map.json"));
  EXPECT_TRUE(FileExists(dir + "/tokenizer.json"));
}

TEST(HfExportTest, ExportIsACompleteDirectoryInTheBaseDtype) {
  const std::string base = BaseWithExtras();
  auto model = lm::LoadQwen2(base, torch::kCPU);
  const std::string out = Root() + "/export_out";
  HfExportOptions o;
  o.max_shard_bytes = 4096;  // force shards
  ExportHfModel(model, base, out, o);
  ExpectCompleteHfDirectory(out, base);
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

// Periodic checkpoints are the same complete HF directories (bf16 base: bf16
// weights, tokenizer_config.json, the base's config keys) and still resume
// exactly: F32 training keeps its unrounded weights in fp32/.
TEST(HfExportTest, CheckpointsAreCompleteHfDirectoriesAndResumeExactly) {
  const std::string base = BaseWithExtras();
  const std::string a = Root() + "/ckpt_hf_a", b = Root() + "/ckpt_hf_b";
  TrainConfig ca = TinyConfig("grpo", a), cb = TinyConfig("grpo", b);
  ca.model.path = cb.model.path = base;
  TrainRunOptions quiet;
  quiet.progress = false;
  RunTraining(ca, quiet);
  TrainRunOptions killed = quiet;
  killed.stop_after_steps = 3;
  RunTraining(cb, killed);
  const std::string ck = b + "/checkpoint-2";
  ExpectCompleteHfDirectory(ck, base);
  EXPECT_TRUE(FileExists(ck + "/optimizer.pt"));
  EXPECT_EQ(CheckpointWeightsDir(ck), ck + "/fp32");
  TrainRunOptions resume = quiet;
  resume.resume = true;
  EXPECT_EQ(RunTraining(cb, resume).start_step, 2);
  auto pa = Params(CheckpointWeightsDir(a + "/checkpoint-4")), pb = Params(CheckpointWeightsDir(b + "/checkpoint-4"));
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i])) << "parameter " << i;
  // The HF weights are the F32 weights rounded to bf16.
  auto hf = Params(a + "/checkpoint-4");
  for (size_t i = 0; i < pa.size(); ++i)
    EXPECT_TRUE(torch::equal(hf[i], pa[i].to(torch::kBFloat16).to(torch::kFloat32))) << "parameter " << i;
  // An F32 base needs no copy: the checkpoint itself holds the exact weights.
  TrainConfig cf = TinyConfig("grpo", Root() + "/ckpt_hf_f32");
  cf.trainer.total_training_steps = 2;
  RunTraining(cf, quiet);
  EXPECT_EQ(CheckpointWeightsDir(cf.trainer.out_dir + "/checkpoint-2"), cf.trainer.out_dir + "/checkpoint-2");
}

}  // namespace
}  // namespace upt::train
