// `upt verify`: check one answer (--gold/--pred) or a JSONL file of cases
// (--cases). Stable contract, see docs/verifiers.md:
//   in : {"gold": str, "pred": str[, "mc": bool, "choices": [str...]]} per line
//   out: {"correct": bool, "extracted": str|null, "reason": str} per line, same
//        order; a malformed line gets {"correct": false, "extracted": null,
//        "reason": "bad_input", "error": "..."}; exit 1 if any line failed.
// Lines are processed in chunks (bounded memory), each chunk in parallel (TBB).
// `--cases -` reads stdin as it arrives and flushes each read's verdicts.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tbb/parallel_for.h>

#include "cli/command.h"
#include "cli/options_cli.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/strings.h"
#include "core/jsonl.h"
#include "core/threads.h"
#include "verifiers/case_line.h"
#include "verifiers/expr.h"
#include "verifiers/verify.h"

namespace upt::cli {
namespace {

namespace uv = upt::verifiers;

struct VerifyCli {
  std::string gold, pred, choices_json, cases, out;
  bool mc = false, explain = false;
  int threads = 0;
  uv::GradeOptions grading;  // the grading group shared with score and train: --policy, --rel-tol, --step-budget
  template <class V>
  void ForEach(V&& v) {
    v("gold", gold, "gold answer (bare, $..$ LaTeX, or a solution with \\boxed{})");
    v("pred", pred, "model completion (or a bare answer)");
    v("mc", mc, "multiple choice: gold is a letter");
    v("choices_json", choices_json, "options as a JSON array (implies --mc)");
    v("explain", explain, "print extraction candidates and the deciding rule");
    v("", grading.extract, "");
    v("", grading.verify, "");
    v("cases", cases, "JSONL file of {gold, pred[, mc, choices]} lines; - reads stdin, one flushed verdict per line");
    v("threads", threads, "worker threads for --cases (0 = all cores)", kOptNoDefault);
    v("out", out, "write --cases output here instead of stdout");
  }
};

constexpr size_t kChunkLines = 8192;

Json VerdictJson(const uv::Verdict& v) {
  Json j;
  j["correct"] = v.correct;
  j["extracted"] = v.extracted ? Json(*v.extracted) : Json(nullptr);
  j["reason"] = v.reason;
  return j;
}

std::string GradeLine(const std::string& line, const uv::GradeOptions& opts, bool* failed) {
  uv::GradeItem item;
  std::string error;
  if (!uv::ParseCaseLine(line, &item, &error)) {
    *failed = true;
    Json j{{"correct", false}, {"extracted", nullptr}, {"reason", "bad_input"}, {"error", error}};
    return DumpLine(j);
  }
  uv::Verdict v = uv::GradeAnswer(uv::KindOf(item.mc, item.choices), item.gold, item.completion, item.choices, opts);
  return DumpLine(VerdictJson(v));
}

// Grades `lines` in parallel; returns their verdict lines in order.
std::string GradeChunk(const std::vector<std::string>& lines, const uv::GradeOptions& opts, bool* any_failed) {
  std::vector<std::string> outs(lines.size());
  std::vector<char> failed(lines.size(), 0);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, lines.size(), 32), [&](const auto& r) {
    for (size_t i = r.begin(); i != r.end(); ++i) {
      bool f = false;
      outs[i] = GradeLine(lines[i], opts, &f);
      failed[i] = f;
    }
  });
  std::string block;
  for (size_t i = 0; i < outs.size(); ++i) {
    block += outs[i];
    block += '\n';
    *any_failed |= failed[i] != 0;
  }
  return block;
}

// `--cases -`: stdin is graded as it arrives. The complete lines of each read()
// are graded together and their verdicts written and flushed before the next
// read, so a client may write one line and wait for its verdict (a verification
// server over a pipe; docs/verifiers.md "Streaming").
void StreamStdin(const uv::GradeOptions& opts, AtomicWriter* writer, bool* any_failed) {
  std::string pending;
  std::vector<std::string> lines;
  char buf[1 << 16];
  for (bool eof = false; !eof;) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(std::string("read error: ") + std::strerror(errno), "--cases -");
    eof = n == 0;
    pending.append(buf, static_cast<size_t>(n));
    if (eof && !pending.empty() && pending.back() != '\n') pending += '\n';
    const size_t end = pending.rfind('\n');
    if (end == std::string::npos) continue;
    lines.clear();
    for (size_t pos = 0; pos <= end;) {
      size_t nl = pending.find('\n', pos);
      size_t len = nl - pos;
      if (len && pending[pos + len - 1] == '\r') --len;
      if (len) lines.push_back(pending.substr(pos, len));
      pos = nl + 1;
    }
    pending.erase(0, end + 1);
    if (lines.empty()) continue;
    const std::string block = GradeChunk(lines, opts, any_failed);
    if (writer) writer->Write(block);
    else {
      WriteStdout(block);
      FlushStdout();
    }
  }
}

int GradeCases(const VerifyCli& o) {
  const uv::GradeOptions& opts = o.grading;
  std::unique_ptr<AtomicWriter> writer;
  if (!o.out.empty()) writer = std::make_unique<AtomicWriter>(o.out);
  bool any_failed = false;
  if (o.cases == "-") {
    StreamStdin(opts, writer.get(), &any_failed);
  } else {
    LineReader reader(o.cases);
    std::vector<std::string> lines;
    std::string line;
    bool more = true;
    while (more) {
      lines.clear();
      while (lines.size() < kChunkLines && (more = reader.Next(&line)))
        if (!line.empty()) lines.push_back(line);
      const std::string block = GradeChunk(lines, opts, &any_failed);
      if (writer) writer->Write(block);
      else WriteStdout(block);  // a full disk or closed pipe is an error, not a short file
    }
  }
  if (writer) writer->Commit();
  return any_failed ? 1 : 0;
}

// Grades with at most o.threads TBB threads: an arena, not a process-wide limit.
int RunCases(const VerifyCli& o) {
  int rc = 0;
  RunWithThreads(o.threads, [&] { rc = GradeCases(o); });
  return rc;
}

void PrintExplain(const VerifyCli& o, const uv::GradeOptions& opts) {
  std::printf("policy: %s\n", uv::PolicyName(opts).c_str());
  std::string gold = uv::GoldAnswer(o.gold);
  std::printf("gold answer: %s\n", gold.c_str());
  std::printf("gold normalized: %s\n", uv::Normalize(gold).c_str());
  uv::ExtractOptions eo = opts.extract;
  if (o.mc && eo.Policy() == uv::ExtractionPolicy::kDefault) eo.policy = "strict";
  std::vector<uv::Candidate> cands = uv::Extract(o.pred, eo);
  std::printf("candidates (first decides): %zu\n", cands.size());
  for (size_t i = 0; i < cands.size(); ++i)
    std::printf("  [%zu] rule=%s offset=%zu text=%s normalized=%s\n", i, cands[i].rule.c_str(),
                cands[i].offset, cands[i].text.c_str(), uv::Normalize(cands[i].text).c_str());
}

int RunSingle(const VerifyCli& o) {
  const uv::GradeOptions& opts = o.grading;
  std::vector<std::string> choices;
  if (!o.choices_json.empty()) {
    Json j = Json::parse(o.choices_json, nullptr, false);
    if (j.is_discarded() || !j.is_array())
      throw Error("--choices-json is not a JSON array", "--choices-json",
                  "pass e.g. '[\"red\", \"blue\", \"green\", \"yellow\"]'");
    for (const auto& c : j) {
      if (!c.is_string())
        throw Error("--choices-json must hold strings", "--choices-json", "quote every option");
      choices.push_back(c.get<std::string>());
    }
  }
  if (o.explain) PrintExplain(o, opts);
  uv::Verdict v = uv::GradeAnswer(uv::KindOf(o.mc, choices), o.gold, o.pred, choices, opts);
  if (o.explain)
    std::printf("decision: %s by rule '%s'\n", v.correct ? "correct" : "incorrect", v.reason.c_str());
  std::printf("%s\n", DumpLine(VerdictJson(v)).c_str());
  return 0;
}

int RunVerify(const VerifyCli& o) {
  verifiers::CheckGradeOptions(o.grading);
  if (o.threads < 0) throw Error("must be >= 0 (0 = all cores)", "--threads");
  if (!o.cases.empty()) return RunCases(o);
  if (o.gold.empty() && o.pred.empty())
    throw Error("nothing to verify", "upt verify", "pass --gold G --pred P, or --cases FILE.jsonl");
  return RunSingle(o);
}

RunFn SetupVerify(CLI::App& app) {
  auto o = std::make_shared<VerifyCli>();
  AddOptions(app, *o);
  return [o] { return RunVerify(*o); };
}

}  // namespace

UPT_COMMAND(verify, "Check answers against gold answers (math and multiple choice)", SetupVerify);

}  // namespace upt::cli
