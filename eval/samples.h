// Sample-file ingestion: a registry of readers for the files other tools write
// (upt generate, vLLM, OpenAI batch, verl, lm-evaluation-harness, DeepMath/Qwen
// one-line-per-problem dumps, CSV), with `auto` detection.
//
// A reader is split in two so ingestion streams in bounded memory and parses in
// parallel: ReadBatch() pulls raw records (lines, or CSV records) serially, and
// Parse() turns one record into samples and is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/registry.h"

namespace upt::eval {

// One completion as read, before matching to a problem.
struct RawSample {
  std::string id;             // problem id as written; "" when the file carries a prompt instead
  std::string prompt;         // prompt / problem text (matched when id is empty or unknown)
  std::string alt_id;         // fallback id (e.g. custom_id "aime-3" -> "aime"), with alt_index
  long long alt_index = -1;
  long long sample_index = -1;  // -1: numbered per problem in order of appearance
  std::string text;
  std::string finish_reason;  // "stop", "length", ... or ""
  long long num_tokens = -1;  // -1 when unknown
};

// One raw record: its first line number and bytes.
struct RawRecord {
  long line = 0;
  std::string text;
};

// The samples of one record, or why it could not be read.
struct ParsedRecord {
  std::vector<RawSample> samples;
  std::string error;  // "" when ok, else e.g. "invalid JSON: ..." / "missing field 'text'"
};

// Field mapping for formats that allow it (csv, jsonl, per_problem).
struct FieldMap {
  std::string id_field;     // dotted path, e.g. "meta.qid"
  std::string text_field;   // string or list of strings
  std::string index_field;  // optional sample index
};

class SampleReader {
 public:
  virtual ~SampleReader() = default;
  // Appends up to `max` records; false when nothing was left.
  virtual bool ReadBatch(std::vector<RawRecord>* out, size_t max) = 0;
  // Thread-safe.
  virtual void Parse(const RawRecord& rec, ParsedRecord* out) const = 0;
  virtual long long bytes_read() const = 0;
};

struct SampleFormat {
  // Opens `path` with the field mapping.
  std::function<std::unique_ptr<SampleReader>(const std::string& path, const FieldMap& fields)> open;
};

// The registry of formats: upt, per_problem, vllm, openai_batch, verl, lm_eval, csv, jsonl.
const Registry<SampleFormat>& SampleFormats();

// Detects the format from the extension and the first record; throws upt::Error
// listing the formats when nothing fits. With id/text fields set, JSON files are "jsonl".
std::string DetectFormat(const std::string& path, const FieldMap& fields);

// Opens `path` as `format` ("auto" detects). *resolved receives the format used.
std::unique_ptr<SampleReader> OpenSamples(const std::string& path, const std::string& format,
                                          const FieldMap& fields, std::string* resolved = nullptr);

// Parses a whole file (for tests and small inputs); records with errors throw.
std::vector<RawSample> ReadAllSamples(const std::string& path, const std::string& format, const FieldMap& fields = {});

}  // namespace upt::eval
