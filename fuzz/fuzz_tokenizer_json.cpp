// libFuzzer entry: a tokenizer.json through Tokenizer::FromJsonText; when it
// loads, a short text is encoded and decoded with it. A bad file must be an
// upt::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "lm/tokenizer/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto tok = upt::lm::Tokenizer::FromJsonText(in, "fuzz/tokenizer.json");
    auto ids = tok.Encode("Let x = 12; then \\boxed{x^2} = 144. <|im_end|> héllo 数学");
    (void)tok.Decode(ids);
    (void)tok.Decode({-1, 0, 1, 1 << 30});
  } catch (const upt::Error&) {
  }
  return 0;
}
