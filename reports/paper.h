// The paper's reported Pass@1 numbers (HPT arXiv 2509.04419 Tables 2 and 3,
// transcribed in reports/paper/*.csv and linked into the binary).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace upt::reports {

struct PaperRow {
  std::string model, section;            // section: base, baseline, ours, other
  std::map<std::string, double> values;  // benchmark key or avg_id/avg_ood -> percent
};

struct PaperTable {
  std::string key;      // e.g. "qwen2.5-math-7b"
  std::string caption;  // e.g. "HPT paper, Table 2 (Qwen2.5-Math-7B)"
  std::vector<std::string> columns;  // benchmark keys in file order (incl. avg_*)
  std::vector<PaperRow> rows;
};

// Parses one paper CSV (header: model,section,<keys...>).
PaperTable ParsePaperCsv(const std::string& key, const std::string& caption, const std::string& text);

// The embedded tables: keys "qwen2.5-math-7b", "qwen2.5-math-1.5b", "llama3.1-8b".
std::vector<std::string> PaperTableKeys();
// Throws upt::Error listing the valid keys for an unknown one.
const PaperTable& GetPaperTable(const std::string& key);

// Label normalisation for matching a run to a paper row: lower case, alphanumerics
// only, trailing '*' ignored ("SFT→GRPO", "sft-grpo" -> "sftgrpo").
std::string MatchKey(const std::string& label);

}  // namespace upt::reports
