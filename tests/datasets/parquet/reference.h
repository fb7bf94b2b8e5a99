// The JavaScript reference (hyparquet / hyparquet-writer, installed into
// .cache/npm by scripts/setup) for the Parquet reader tests.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/json.h"

namespace upt::datasets::parquet::testing {

inline std::string SourceDir() {
  const char* env = std::getenv("UPT_SOURCE_DIR");
  return env && *env ? env : UPT_SOURCE_DIR;
}

inline std::string ReferenceScript() { return SourceDir() + "/tests/datasets/parquet_reference/fixtures.mjs"; }

// Runs a shell command; returns stdout, sets *code to the exit status.
inline std::string Shell(const std::string& cmd, int* code) {
  std::string out;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    *code = -1;
    return out;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

inline std::string MissingReferenceMessage() {
  return "hyparquet-writer/hyparquet not runnable (node " + ReferenceScript() +
         "); run ./scripts/setup (installs node and the npm packages in scripts/npm-packages.txt)";
}

// The fixture files, written once per test process by hyparquet-writer.
inline const std::string& FixtureDir() {
  static const std::string dir = [] {
    std::string d = (std::filesystem::temp_directory_path() / ("upt_parquet_fixtures_" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(d);
    int code = 0;
    std::string out = Shell("node " + ReferenceScript() + " write " + d + " 2>&1", &code);
    if (code != 0) ADD_FAILURE() << MissingReferenceMessage() << "\n" << out;
    return d;
  }();
  return dir;
}

inline std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  std::string index = FixtureDir() + "/index.json";
  if (!std::filesystem::exists(index)) return names;
  std::FILE* f = std::fopen(index.c_str(), "rb");
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  Json j = Json::parse(text);
  for (auto it = j.begin(); it != j.end(); ++it) names.push_back(it.key());
  return names;
}

// The rows of `file` as hyparquet reads them (INT64 as numbers).
inline std::vector<Json> HyparquetRows(const std::string& file) {
  int code = 0;
  std::string out = Shell("node " + ReferenceScript() + " read " + file, &code);
  std::vector<Json> rows;
  if (code != 0) {
    ADD_FAILURE() << MissingReferenceMessage() << "\n" << out;
    return rows;
  }
  size_t pos = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    if (nl > pos) rows.push_back(Json::parse(out.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return rows;
}

}  // namespace upt::datasets::parquet::testing
