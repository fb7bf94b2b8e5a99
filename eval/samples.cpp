#include "eval/samples.h"

#include "core/error.h"
#include "core/fs.h"
#include "core/jsonl.h"
#include "core/strings.h"
#include "datasets/load.h"
#include "eval/formats_internal.h"

namespace upt::eval {

namespace {

Registry<SampleFormat> BuildRegistry() {
  Registry<SampleFormat> reg("sample format");
  for (const auto& f : formats::JsonFormats()) {
    auto fn = f.parse;
    auto fast = f.fast;
    reg.Add(f.name, SampleFormat{[fn, fast](const std::string& path, const FieldMap& fields) {
              return formats::OpenJsonl(path, fields, fn, fast);
            }},
            f.help);
  }
  reg.Add("csv", SampleFormat{formats::OpenCsv},
          "CSV with a header: problem_id,sample_index,text[,finish_reason,num_tokens] (or mapped by flags)");
  reg.Add("verl_parquet", SampleFormat{formats::OpenParquet},
          "verl generation Parquet: prompt (messages) + responses (list), matched by prompt; --text-field/--id-field map others");
  return reg;
}

}  // namespace

const Registry<SampleFormat>& SampleFormats() {
  static const Registry<SampleFormat> reg = BuildRegistry();
  return reg;
}

std::string DetectFormat(const std::string& path, const FieldMap& fields) {
  std::string lower = ToLower(path);
  if (EndsWith(lower, ".csv")) return "csv";
  if (datasets::IsParquetPath(path)) return "verl_parquet";
  LineReader lines(path);
  std::string line;
  while (lines.Next(&line)) {
    if (Trim(line).empty()) continue;
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw Error("cannot detect the sample format: the first record is not a JSON object", Where(path, lines.line_number()),
                  "pass --format (" + Join(SampleFormats().Names(), ", ") + ")");
    if (!fields.id_field.empty() && !fields.text_field.empty()) return "jsonl";
    for (const auto& f : formats::JsonFormats())
      if (f.detect(j)) return f.name;
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    throw Error("cannot detect the sample format from the fields {" + Join(keys, ", ") + "}",
                Where(path, lines.line_number()),
                "pass --format (" + Join(SampleFormats().Names(), ", ") +
                    "), or --id-field and --text-field to map the fields");
  }
  throw Error("empty sample file", path, "the file has no records");
}

std::unique_ptr<SampleReader> OpenSamples(const std::string& path, const std::string& format, const FieldMap& fields,
                                          std::string* resolved) {
  if (!FileExists(path)) throw Error("sample file not found", path, "check the --samples path");
  std::string name = format.empty() || format == "auto" ? DetectFormat(path, fields) : format;
  if (resolved) *resolved = name;
  return SampleFormats().Get(name).open(path, fields);
}

std::vector<RawSample> ReadAllSamples(const std::string& path, const std::string& format, const FieldMap& fields) {
  auto reader = OpenSamples(path, format, fields);
  std::vector<RawSample> out;
  std::vector<RawRecord> recs;
  ParsedRecord parsed;
  while (reader->ReadBatch(&recs, 1024)) {
    for (const auto& r : recs) {
      reader->Parse(r, &parsed);
      if (!parsed.error.empty()) throw Error(parsed.error, Where(path, r.line));
      for (auto& s : parsed.samples) out.push_back(std::move(s));
    }
    recs.clear();
  }
  return out;
}

}  // namespace upt::eval
