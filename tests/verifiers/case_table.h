// Loads the public case table tests/verifiers/cases/*.jsonl (fields gold,
// pred, expected, kind; optional mc, choices) and grades one row.
#pragma once

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/jsonl.h"
#include "verifiers/verify.h"

namespace upt::verifiers::testing {

struct Case {
  std::string file, kind, gold, pred;
  bool expected = false, mc = false;
  std::vector<std::string> choices;
  long line = 0;
};

inline std::string SourceDir() {
  const char* env = std::getenv("UPT_SOURCE_DIR");
  return env ? env : UPT_SOURCE_DIR;
}

// The rows of one case file (fields gold, pred, expected; kind optional).
inline std::vector<Case> LoadCaseFile(const std::string& f) {
  std::vector<Case> out;
  JsonlReader r(f);
  JsonlRecord rec;
  while (r.Next(&rec)) {
    if (!rec.error.empty()) throw std::runtime_error(f + ": " + rec.error);
    const Json& j = rec.value;
    Case c;
    c.file = f;
    c.line = rec.line;
    c.kind = j.value("kind", std::string());
    c.gold = j.at("gold").get<std::string>();
    c.pred = j.at("pred").get<std::string>();
    c.expected = j.at("expected").get<bool>();
    c.mc = j.value("mc", false);
    if (j.contains("choices")) c.choices = j["choices"].get<std::vector<std::string>>();
    out.push_back(std::move(c));
  }
  return out;
}

// Every case of the files in tests/verifiers/cases whose name starts (or not,
// with heldout=false) with "heldout_". Subfolders (external/) are not read.
inline std::vector<Case> LoadCases(bool heldout) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(SourceDir() + "/tests/verifiers/cases")) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".jsonl") continue;
    if ((name.rfind("heldout_", 0) == 0) == heldout) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Case> out;
  for (const auto& f : files) {
    std::vector<Case> part = LoadCaseFile(f);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

// One gold of a bundled benchmark file (datasets/data/*.jsonl; GPQA skipped:
// encrypted, letters only).
struct Gold {
  std::string file, id, answer;
  std::vector<std::string> choices;
};

// Every gold of the bundled benchmark files, multiple-choice ones (mc) or math ones.
inline std::vector<Gold> LoadBundledGolds(bool mc) {
  std::vector<Gold> out;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(SourceDir() + "/datasets/data")) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".jsonl" || name.find("gpqa") != std::string::npos) continue;
    files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    JsonlReader r(f);
    JsonlRecord rec;
    while (r.Next(&rec)) {
      if (!rec.error.empty()) continue;
      bool is_mc = rec.value.contains("choices");
      if (is_mc != mc) continue;
      Gold g{f, rec.value.value("id", ""), rec.value.at("answer").get<std::string>(), {}};
      if (is_mc) g.choices = rec.value["choices"].get<std::vector<std::string>>();
      out.push_back(std::move(g));
    }
  }
  return out;
}

inline Verdict GradeCase(const Case& c) {
  GradeOptions o;
  if (c.mc || !c.choices.empty()) return GradeChoice(c.gold, c.pred, c.choices, o);
  return Grade(c.gold, c.pred, o);
}

}  // namespace upt::verifiers::testing
