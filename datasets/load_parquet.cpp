// Parquet benchmark/training files: verl's layout (the HPT/LUFFY training and
// validation sets) or any flat layout chosen by column paths. Rows are read one
// row group at a time and handed to the collector; row numbers (1-based) play
// the role of line numbers in messages.
//
// verl layout -> canonical row (HPT data/prepare_train.py and LUFFY
// scripts/data/prepare_openr1_data_v6.py, see docs/datasets.md):
//   problem = content of the first "user" message of `prompt` (system messages dropped),
//   answer  = reward_model.ground_truth, target = target[0].content,
//   meta    = {data_source, ability, extra_info} when present.
#include <algorithm>

#include <fmt/format.h>

#include "core/error.h"
#include "core/json_path.h"
#include "core/strings.h"
#include "datasets/collector.h"
#include "datasets/load.h"
#include "datasets/parquet/reader.h"

namespace upt::datasets {
namespace {

using detail::Collector;
using detail::RawRow;

const Json* AtPath(const Json& row, const std::string& path) { return JsonAtPath(row, path); }

bool IsMessages(const Json& v) {
  return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const Json& m) {
           return m.is_null() || (m.is_object() && m.contains("content"));
         });
}

// A cell as text: strings verbatim, numbers printed, chat messages resolved by
// `role` ("user": the first user turn; "": the first message). False when absent.
bool CellText(const Json* v, const char* role, std::string* out, std::string* why) {
  if (!v || v->is_null()) return false;
  if (v->is_string()) {
    *out = v->get<std::string>();
    return true;
  }
  if (v->is_number()) {
    *out = v->dump();
    return true;
  }
  if (IsMessages(*v)) {
    for (const auto& m : *v) {
      bool match = !*role || (m.is_object() && m.contains("role") && m["role"] == role);
      if (match && m.is_object() && m["content"].is_string()) {
        *out = m["content"].get<std::string>();
        return true;
      }
      if (match || !*role) break;  // the first matching message decides; "" = the first message
    }
    *why = *role ? std::string("no '") + role + "' message with text content" : "the first message has no text content";
    return false;
  }
  *why = std::string("expected text or a list of {role, content} messages, got ") + v->type_name();
  return false;
}

struct Mapping {
  std::string id, problem, answer, target, choices;
  bool verl = false;
};

Mapping ChooseMapping(const parquet::ParquetFile& f, const LoadOptions& o) {
  auto names = f.TopLevelNames();
  auto has = [&](const char* n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  bool verl = o.format == "verl" || (has("prompt") && has("reward_model"));
  Mapping m{o.id_col, o.problem_col, o.answer_col, o.target_col, o.choices_col, verl};
  if (verl) {  // verl's columns unless the user chose others
    if (m.problem == "problem") m.problem = "prompt";
    if (m.answer == "answer") m.answer = "reward_model.ground_truth";
  }
  std::string root_problem = Split(m.problem, '.')[0], root_answer = Split(m.answer, '.')[0];
  for (const auto& col : {root_problem, root_answer})
    if (!has(col.c_str()))
      throw Error("missing column '" + col + "'", f.name(),
                  "the columns are: " + Join(names, ", ") + "; choose them with --problem-col / --answer-col "
                  "(dotted paths such as reward_model.ground_truth work)");
  return m;
}

void ConvertRow(Collector& c, const Json& row, int64_t index, const Mapping& m, const std::string& stem) {
  long line = static_cast<long>(index + 1);
  c.SeeRow();
  RawRow r;
  r.line = line;
  std::string why;
  const Json* id = AtPath(row, m.id);
  if (id && id->is_string()) r.id = id->get<std::string>();
  else if (id && id->is_number_integer()) r.id = id->dump();
  else r.id = stem + "-" + std::to_string(index);
  if (!CellText(AtPath(row, m.problem), "user", &r.problem, &why))
    return c.Bad(BadLineKind::kMissingField, line, m.problem, why.empty() ? "missing problem" : why,
                 "verl rows carry the problem as the user message of `prompt`; else pass --problem-col");
  if (!CellText(AtPath(row, m.answer), "", &r.answer, &why))
    return c.Bad(BadLineKind::kMissingField, line, m.answer, why.empty() ? "missing answer" : why,
                 "verl rows carry the answer in reward_model.ground_truth; else pass --answer-col");
  CellText(AtPath(row, m.target), "", &r.target, &why);
  if (const Json* ch = AtPath(row, m.choices); ch && ch->is_array()) {
    r.has_choices = true;
    for (const auto& e : *ch) r.choices.push_back(e.is_string() ? e.get<std::string>() : e.dump());
  }
  for (const char* key : {"data_source", "ability", "extra_info"})
    if (m.verl && row.contains(key) && !row[key].is_null()) r.meta[key] = row[key];
  c.Accept(std::move(r));
}

}  // namespace

Benchmark ParseParquet(const std::string& path, const LoadOptions& opts, LoadReport* report,
                       const std::function<void(Problem&&)>& sink) {
  LoadReport local;
  if (!report) report = &local;
  parquet::ParquetFile f(path);
  Mapping m = ChooseMapping(f, opts);
  std::vector<std::string> cols;
  for (const auto& p : {m.id, m.problem, m.answer, m.target, m.choices}) cols.push_back(Split(p, '.')[0]);
  cols.insert(cols.end(), {"data_source", "ability", "extra_info"});
  std::vector<std::string> present;
  auto names = f.TopLevelNames();
  for (const auto& c : cols)
    if (std::find(names.begin(), names.end(), c) != names.end() &&
        std::find(present.begin(), present.end(), c) == present.end())
      present.push_back(c);
  Collector c(path, opts, report);
  if (sink) c.SetSink(sink);
  std::string stem = opts.name.empty() ? detail::StemOf(path) : opts.name;
  f.ForEachRow([&](Json& row, int64_t index) {
    ConvertRow(c, row, index, m, stem);
    return true;
  }, present);
  return c.Finish(stem);
}

}  // namespace upt::datasets
