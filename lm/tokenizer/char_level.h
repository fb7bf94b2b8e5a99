// Small byte-level BPE tokenizer.json files for character-level vocabularies
// (the toy world), so toy checkpoints are ordinary Hugging Face directories that
// both upt and transformers.js load.
#pragma once

#include <string>
#include <vector>

namespace upt::lm {

// Builds a tokenizer.json (model BPE, no normalizer, ByteLevel pre-tokenizer
// with use_regex=false, ByteLevel decoder) whose vocabulary is:
//   ids 0..S-1   the special tokens (default {"<pad>", "<bos>", "<eos>"}),
//                registered as special added tokens;
//   then         the byte-level stand-in of every byte used by `symbols`, in
//                first-use order;
//   then         for each multi-byte symbol, its prefixes (left to right)
//                ending with the whole symbol, each made by one merge
//                (prefix + next byte), e.g. `\boxed{` -> `\b`, `\bo`, ..., `\boxed{`.
// Contract: a text that is a concatenation of symbols encodes to one id per
// symbol provided no symbol's proper prefix chain also occurs across symbol
// boundaries (true for the toy vocabulary; checked by the tests). Bytes that
// no symbol uses have no id and are dropped by Encode (no unk token).
// Throws upt::Error on an empty or duplicate symbol.
std::string MakeCharLevelTokenizerJson(const std::vector<std::string>& symbols,
                                       const std::vector<std::string>& special_tokens = {"<pad>", "<bos>",
                                                                                         "<eos>"});

}  // namespace upt::lm
