// Everything that ends a sample, gathered in one place so `upt generate`, training
// rollouts and validation stop on the same set (torch-free header).
//
// A sample stops on any of
//   - generation_config.json's eos_token_id (else config.json's),
//   - the tokenizer's eos_token (tokenizer_config.json),
//   - the chat template's end tokens (<|im_end|>, <|eot_id|>; as ids when the
//     vocabulary has them, else as strings),
//   - the template's stop strings, and the caller's extra ids / strings.
// Stop strings are matched on text decoded WITH special tokens, so a string such
// as "<|im_end|>" matches even when it is a single special token.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "lm/tokenizer/tokenizer.h"

namespace upt::lm {

struct StopSet {
  std::vector<int32_t> ids;          // distinct, in the order first seen
  std::vector<std::string> strings;  // distinct, non-empty
  // Per id: the token text and every source that contributed it
  // ("generation_config", "tokenizer_eos", "template:<name>", "--stop-token-ids"), and
  // per string its sources: what provenance records as "stop".
  OrderedJson provenance;
};

// `model_dir` is the checkpoint; `template_name` a registered chat template.
StopSet BuildStopSet(const std::string& model_dir, const Tokenizer& tokenizer, const std::string& template_name,
                     const std::vector<int>& extra_ids = {}, const std::vector<std::string>& extra_strings = {});

// True when a stop string occurs in the decoding (special tokens included) of the
// last tokens: enough of them to cover the longest stop string (each token
// decodes to >= 1 byte). Call after each new token.
bool EndsInStopString(const Tokenizer& tokenizer, const std::vector<int32_t>& tokens,
                      const std::vector<std::string>& stops);

// A sample's text: `body` decoded with special tokens, cut at the first stop
// string, then the special tokens' texts removed (as skip_special_tokens would).
std::string SampleText(const Tokenizer& tokenizer, const std::vector<int32_t>& body,
                       const std::vector<std::string>& stops);

// The tokenizer's eos token id from tokenizer_config.json's "eos_token" (a string
// or {"content": ...}); -1 when absent or not in the vocabulary.
int32_t TokenizerEosId(const std::string& model_dir, const Tokenizer& tokenizer);

}  // namespace upt::lm
