// Stopping where the chat template ends: a checkpoint whose generation_config.json
// lists only <|endoftext|> still stops at <|im_end|> under qwen25-math (issue 15),
// stop strings match special tokens, provenance names every stop and its source,
// and the checkpoint's own chat template is recognised or refused clearly.
#include "lm/generate/stop_set.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "core/fs.h"
#include "core/rng.h"
#include "core/strings.h"
#include "datasets/registry.h"
#include "datasets/toy/toy_world.h"
#include "lm/generate/generate_job.h"
#include "lm/generate/generator.h"
#include "lm/model/checkpoint.h"
#include "lm/tokenizer/char_level.h"
#include "lm/tokenizer/chat_template.h"
#include "tests/lm/model/lm_test_util.h"

namespace upt::lm {
namespace {

// Excerpts of the real tokenizer_config.json chat templates (enough to carry the markers).
const char* kQwenMathHf =
    "{%- if messages[0]['role'] == 'system' %}...{%- else %}{{- '<|im_start|>system\\nPlease reason step by step, "
    "and put your final answer within \\\\boxed{}.<|im_end|>\\n' }}{%- endif %}";
const char* kQwenChatHf =
    "{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}";
const char* kLlama31Hf =
    "{{- bos_token }}{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}{{- \"Cutting Knowledge Date: "
    "December 2023\\n\" }}";

constexpr int32_t kEndOfText = 1, kImEnd = 2;

// A Qwen2.5-Math-like checkpoint: specials <pad>, <|endoftext|>, <|im_end|>, <|im_start|>;
// generation_config.json lists only <|endoftext|> (as base models ship).
std::string MathLikeCheckpoint(const std::string& chat_template) {
  std::string dir = testing::TempDir() + "/ck";
  auto tok_json = MakeCharLevelTokenizerJson(datasets::ToyVocabularySymbols(),
                                             {"<pad>", "<|endoftext|>", "<|im_end|>", "<|im_start|>"});
  auto tok = Tokenizer::FromJsonText(tok_json);
  auto cfg = testing::ToyConfig();
  cfg.vocab_size = std::max<int>(48, tok.vocab_size());
  cfg.bos_token_id = kEndOfText;  // Qwen2.5: bos is eos, nothing is prepended
  cfg.eos_token_ids = {kEndOfText};
  cfg.pad_token_id = 0;
  Qwen2ForCausalLM model(cfg);
  InitQwen2Weights(model, 21);
  SaveQwen2(model, dir, tok_json);
  OrderedJson tc;
  tc["eos_token"] = "<|endoftext|>";
  if (!chat_template.empty()) tc["chat_template"] = chat_template;
  WriteFileAtomic(dir + "/tokenizer_config.json", tc.dump());
  return dir;
}

TEST(ChatTemplateMatchTest, RecognisesTheKnownTemplatesAndNothingElse) {
  EXPECT_EQ(MatchHfChatTemplate(kQwenMathHf), "qwen25-math");
  EXPECT_EQ(MatchHfChatTemplate(kQwenChatHf), "qwen-chat");
  EXPECT_EQ(MatchHfChatTemplate(kLlama31Hf), "llama31-chat");
  EXPECT_EQ(MatchHfChatTemplate("{{ messages[0]['content'] }}"), "");
}

TEST(ChatTemplateMatchTest, ResolvesTheCheckpointsOwnTemplateOrRefusesClearly) {
  EXPECT_EQ(ResolveChatTemplate(MathLikeCheckpoint(kQwenMathHf), ""), "qwen25-math");
  EXPECT_EQ(ResolveChatTemplate(MathLikeCheckpoint(kQwenMathHf), "plain"), "plain");  // by name still works
  try {
    ResolveChatTemplate(MathLikeCheckpoint(""), "");
    FAIL() << "a checkpoint without a chat template must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--template"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("qwen25-math"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ResolveChatTemplate(MathLikeCheckpoint("{{ unknown }}"), ""), Error);
  EXPECT_THROW(ResolveChatTemplate(MathLikeCheckpoint(kQwenMathHf), "no-such-template"), Error);
}

TEST(StopSetTest, GathersEosTemplateEndAndExtrasWithTheirSources) {
  const std::string dir = MathLikeCheckpoint(kQwenMathHf);
  auto tok = Tokenizer::FromFile(dir + "/tokenizer.json");
  StopSet s = BuildStopSet(dir, tok, "qwen25-math", {7}, {"\nQ:"});
  EXPECT_EQ(s.ids, (std::vector<int32_t>{kEndOfText, kImEnd, 7}));
  EXPECT_NE(std::find(s.strings.begin(), s.strings.end(), "<|im_end|>"), s.strings.end());
  EXPECT_NE(std::find(s.strings.begin(), s.strings.end(), "\nQ:"), s.strings.end());
  const auto& ids = s.provenance["stop_token_ids"];
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0]["sources"], (OrderedJson{"generation_config", "tokenizer_eos"}));
  EXPECT_EQ(ids[1]["token"], "<|im_end|>");
  EXPECT_EQ(ids[1]["sources"], (OrderedJson{"template:qwen25-math"}));
  EXPECT_EQ(ids[2]["sources"], (OrderedJson{"--stop-token-ids"}));
  EXPECT_THROW(BuildStopSet(dir, tok, "qwen25-math", {100000}), Error);
}

TEST(StopSetTest, BannedIdsAreBosAndPadButNeverAStopId) {
  const std::string dir = MathLikeCheckpoint(kQwenMathHf);
  auto tok = Tokenizer::FromFile(dir + "/tokenizer.json");
  StopSet s = BuildStopSet(dir, tok, "qwen25-math");
  // bos is <|endoftext|>, the eos: banning it would keep a base model from ever stopping.
  EXPECT_EQ(BannedSpecialIds(dir, s.ids), (std::vector<int32_t>{0}));
  EXPECT_EQ(BannedSpecialIds(dir, {}), (std::vector<int32_t>{0, kEndOfText}));
}

TEST(StopSetTest, StopStringsMatchSpecialTokensAndTheTextDropsThem) {
  auto tok = Tokenizer::FromJsonText(
      MakeCharLevelTokenizerJson(datasets::ToyVocabularySymbols(), {"<pad>", "<|endoftext|>", "<|im_end|>"}));
  std::vector<int32_t> ids = tok.Encode("1+2");
  ids.push_back(kImEnd);
  EXPECT_TRUE(EndsInStopString(tok, ids, {"<|im_end|>"}));
  auto more = tok.Encode("=3");
  ids.insert(ids.end(), more.begin(), more.end());
  EXPECT_EQ(SampleText(tok, ids, {"<|im_end|>"}), "1+2");
  EXPECT_EQ(SampleText(tok, ids, {}), "1+2=3");  // special tokens removed from the text
}

// The reproduction: qwen25-math via the checkpoint's own template, a sample that
// emits <|im_end|> ends right there with finish_reason "stop".
TEST(StopSetTest, GenerateStopsAtTheTemplateEndTokenThatGenerationConfigOmits) {
  const std::string dir = MathLikeCheckpoint(kQwenMathHf);
  GenerateJobOptions o;
  o.model = dir;
  o.dataset = "toy_t2";
  o.limit = 4;
  o.n = 8;
  o.sampling.Give("temperature", 1.0).Give("top_p", 1.0).Give("max_new_tokens", 40);
  o.seed = 5;
  o.out = testing::TempDir() + "/stop.jsonl";
  ASSERT_EQ(RunGenerateJob(o), 0);
  Json meta = Json::parse(ReadFile(o.out + ".meta.json"));
  EXPECT_EQ(meta["settings"]["template"], "qwen25-math");
  EXPECT_EQ(meta["stop"]["stop_token_ids"][1]["token"], "<|im_end|>");

  // Reference: the same prompts and streams without any stop id.
  auto tok = Tokenizer::FromFile(dir + "/tokenizer.json");
  auto model = LoadQwen2(dir, torch::kCPU);
  auto bench = datasets::LoadBenchmark("toy_t2");
  std::vector<GenerationRequest> reqs;
  for (int p = 0; p < 4; ++p)
    for (int s = 0; s < 8; ++s)
      reqs.push_back({tok.Encode(RenderPrompt("qwen25-math", bench.problems[p].problem)),
                      StreamId(bench.problems[p].id), static_cast<uint64_t>(s)});
  SamplingParams sp;
  sp.max_new_tokens = 40;
  auto free = Generator(model.ptr(), &tok, {}, {0}).Generate(reqs, sp, 5);
  auto lines = Split(ReadFile(o.out), '\n');
  int stopped_at_marker = 0;
  for (size_t i = 0; i < reqs.size(); ++i) {
    Json j = Json::parse(lines[i]);
    const auto& t = free[i].tokens;
    auto first_end = std::find_if(t.begin(), t.end(), [](int32_t x) { return x == kImEnd || x == kEndOfText; });
    if (first_end == t.end()) {
      EXPECT_EQ(j["finish_reason"], "length");
      continue;
    }
    if (*first_end == kImEnd) ++stopped_at_marker;
    EXPECT_EQ(j["finish_reason"], "stop") << i;
    EXPECT_EQ(j["num_tokens"].get<long>(), first_end - t.begin() + 1) << i;
    EXPECT_EQ(j["text"], SampleText(tok, std::vector<int32_t>(t.begin(), first_end), {})) << i;
  }
  EXPECT_GT(stopped_at_marker, 0);  // the fixture exercises the bug
}

}  // namespace
}  // namespace upt::lm
