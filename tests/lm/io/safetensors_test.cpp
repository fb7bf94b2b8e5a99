// Safetensors header parsing, writing and sharded checkpoints, checked against
// hand-built files that follow the format spec (8-byte LE header length, JSON
// header with dtype/shape/data_offsets and optional __metadata__, data buffer).
#include "lm/io/safetensors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/fs.h"
#include "core/rng.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm::io {
namespace {

using ::testing::HasSubstr;

std::string Le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A file from a header text and `data_bytes` bytes of data.
std::string HandFile(const std::string& header, size_t data_bytes) {
  return Le64(header.size()) + header + std::string(data_bytes, '\x01');
}

SafetensorsHeader Parse(const std::string& file) { return ParseSafetensorsHeader(file, file.size(), "t.safetensors"); }

std::string ErrorOf(const std::string& file) {
  try {
    Parse(file);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

using upt::lm::testing::TempDir;

TEST(SafetensorsHeaderTest, ParsesHandBuiltFileWithMetadata) {
  std::string h =
      R"({"__metadata__":{"format":"pt"},"b":{"dtype":"BF16","shape":[1,2],"data_offsets":[8,12]},)"
      R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  auto hd = Parse(HandFile(h, 12));
  EXPECT_EQ(hd.header_size, h.size());
  EXPECT_EQ(hd.data_start, 8 + h.size());
  ASSERT_EQ(hd.tensors.size(), 2u);
  EXPECT_EQ(hd.tensors[0].name, "a");  // sorted by offset
  EXPECT_EQ(hd.tensors[1].name, "b");
  EXPECT_EQ(hd.tensors[1].dtype, DType::kBF16);
  EXPECT_EQ(hd.tensors[1].shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(hd.metadata.at("format"), "pt");
  EXPECT_EQ(hd.Find("b")->begin, 8u);
  EXPECT_EQ(hd.Find("zz"), nullptr);
}

TEST(SafetensorsHeaderTest, ScalarAndEmptyTensorsAreValid) {
  std::string h = R"({"s":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"e":{"dtype":"F16","shape":[0,3],"data_offsets":[8,8]}})";
  auto hd = Parse(HandFile(h, 8));
  EXPECT_EQ(hd.Find("s")->numel(), 1);
  EXPECT_EQ(hd.Find("e")->numel(), 0);
}

TEST(SafetensorsHeaderTest, RejectsCorruptHeaders) {
  EXPECT_THAT(ErrorOf("abc"), HasSubstr("shorter than the 8-byte"));
  EXPECT_THAT(ErrorOf(Le64(1000) + "{}"), HasSubstr("runs past the end"));
  EXPECT_THAT(ErrorOf(Le64(200ull << 20) + "{}"), HasSubstr("100 MB"));
  EXPECT_THAT(ErrorOf(HandFile("[1,2]", 0)), HasSubstr("does not start with '{'"));
  EXPECT_THAT(ErrorOf(HandFile("{\"a\":", 0)), HasSubstr("not a JSON object"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})", 1)),
              HasSubstr("unsupported dtype 'Q4'"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)),
              HasSubstr("shape x dtype needs 12"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", 8)),
              HasSubstr("end < begin"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4)),
              HasSubstr("non-negative"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"F32","shape":[1]}})", 4)), HasSubstr("data_offsets"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"__metadata__":{"k":1}})", 0)), HasSubstr("__metadata__ values must be strings"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}})", 4)),
              HasSubstr("unknown field 'x'"));
}

TEST(SafetensorsHeaderTest, RejectsOverlapGapsAndOutOfRangeTensors) {
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                               8)),
              HasSubstr("overlaps"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8)), HasSubstr("gap"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8)),
              HasSubstr("past the 8-byte data buffer"));
  EXPECT_THAT(ErrorOf(HandFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 9)),
              HasSubstr("trailing bytes"));
}

TEST(SafetensorsHeaderTest, ErrorsNameTheFileAndTensor) {
  std::string msg = ErrorOf(HandFile(R"({"w.q":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8));
  EXPECT_THAT(msg, HasSubstr("t.safetensors"));
  EXPECT_THAT(msg, HasSubstr("tensor 'w.q'"));
}

TEST(SafetensorsHeaderTest, TruncationsAndByteFlipsNeverCrash) {
  float a[6] = {1, 2, 3, 4, 5, 6};
  std::string file = SafetensorsHeaderBytes(
      {{"a", DType::kF32, {2, 3}, std::string_view(reinterpret_cast<const char*>(a), sizeof(a))}}, {{"format", "pt"}});
  file += std::string(reinterpret_cast<const char*>(a), sizeof(a));
  EXPECT_NO_THROW(Parse(file));
  for (size_t n = 0; n < file.size(); ++n) EXPECT_THROW(Parse(file.substr(0, n)), Error) << "prefix " << n;
  RngStream rng(1, {});
  int accepted = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bad = file;
    bad[rng.Below(bad.size() - sizeof(a))] = static_cast<char>(rng.Below(256));
    try {
      auto h = Parse(bad);
      for (const auto& t : h.tensors) EXPECT_LE(h.data_start + t.end, bad.size());
      ++accepted;
    } catch (const Error&) {
    }
  }
  EXPECT_LT(accepted, 2000);
}

TEST(SafetensorsWriterTest, HeaderBytesFollowTheSpec) {
  float a[3] = {1.5f, -2.0f, 3.25f};
  uint16_t b[2] = {0x3f80, 0x4000};  // bf16 1.0, 2.0
  std::vector<TensorBlob> blobs = {
      {"x", DType::kF32, {3}, std::string_view(reinterpret_cast<const char*>(a), sizeof(a))},
      {"y", DType::kBF16, {2, 1}, std::string_view(reinterpret_cast<const char*>(b), sizeof(b))}};
  std::string head = SafetensorsHeaderBytes(blobs, {{"format", "pt"}});
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(head[i]);
  EXPECT_EQ(n, head.size() - 8);
  EXPECT_EQ(n % 8, 0u);  // padded with spaces so the data buffer is 8-byte aligned
  EXPECT_EQ(head.substr(8, 15), R"({"__metadata__")");
  std::string file = head + std::string(blobs[0].data) + std::string(blobs[1].data);
  auto hd = Parse(file);
  EXPECT_EQ(hd.Find("x")->begin, 0u);
  EXPECT_EQ(hd.Find("x")->end, 12u);
  EXPECT_EQ(hd.Find("y")->begin, 12u);
  EXPECT_EQ(hd.Find("y")->end, 16u);
}

TEST(SafetensorsFileTest, MemoryMappedRoundTripAndTruncation) {
  std::string dir = TempDir();
  float a[4] = {1, 2, 3, 4};
  WriteSafetensors(dir + "/m.safetensors",
                   {{"a", DType::kF32, {2, 2}, std::string_view(reinterpret_cast<const char*>(a), sizeof(a))}});
  auto f = SafetensorsFile::Open(dir + "/m.safetensors");
  auto data = f->Data(f->Get("a"));
  ASSERT_EQ(data.size(), 16u);
  float back[4];
  std::memcpy(back, data.data(), 16);
  EXPECT_EQ(back[3], 4.0f);
  EXPECT_THROW(f->Get("missing"), Error);
  std::string bytes = ReadFile(dir + "/m.safetensors");
  WriteFileAtomic(dir + "/t.safetensors", bytes.substr(0, bytes.size() - 1));
  EXPECT_THROW(SafetensorsFile::Open(dir + "/t.safetensors"), Error);
}

TEST(CheckpointWeightsTest, ShardedWriteIsReadBackThroughTheIndex) {
  std::string dir = TempDir();
  std::vector<float> w(64, 0.5f), b(16, -1.0f);
  std::vector<TensorBlob> blobs = {
      {"w", DType::kF32, {8, 8}, std::string_view(reinterpret_cast<const char*>(w.data()), w.size() * 4)},
      {"b", DType::kF32, {16}, std::string_view(reinterpret_cast<const char*>(b.data()), b.size() * 4)}};
  WriteCheckpointWeights(dir, blobs, /*max_shard_bytes=*/256);
  EXPECT_TRUE(FileExists(dir + "/model-00001-of-00002.safetensors"));
  EXPECT_TRUE(FileExists(dir + "/model-00002-of-00002.safetensors"));
  auto cw = CheckpointWeights::Open(dir);
  EXPECT_EQ(cw.Names(), (std::vector<std::string>{"b", "w"}));
  EXPECT_EQ(cw.Files().size(), 2u);
  float first;
  std::memcpy(&first, cw.Data("b").data(), 4);
  EXPECT_EQ(first, -1.0f);
  EXPECT_THROW(cw.Info("nope"), Error);
  // An index naming a tensor its shard lacks is rejected.
  WriteFileAtomic(dir + "/model.safetensors.index.json",
                  R"({"weight_map":{"w":"model-00001-of-00002.safetensors","zz":"model-00001-of-00002.safetensors"}})");
  EXPECT_THROW(CheckpointWeights::Open(dir), Error);
}

TEST(CheckpointWeightsTest, MissingDirectoryContentIsAClearError) {
  std::string dir = TempDir();
  try {
    CheckpointWeights::Open(dir);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("no model.safetensors"));
  }
}

}  // namespace
}  // namespace upt::lm::io
