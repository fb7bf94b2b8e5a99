// `upt._upt`: the pybind11 extension behind `import upt` (python/upt/__init__.py
// adds the trainer adapters). Torch-free: links only upt_verifiers, upt_eval and
// upt_datasets. Every call that verifies or bootstraps releases the GIL; batches
// run on TBB inside a task_arena sized by `threads` (no process-wide limit).
// Errors: upt::Error becomes upt.Error (a ValueError) whose str() is exactly
// what `upt` prints after "upt: error: ".
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <tbb/task_arena.h>

#include "core/error.h"
#include "core/strings.h"
#include "core/version.h"
#include "datasets/registry.h"
#include "eval/passk.h"
#include "eval/report.h"
#include "verifiers/verify.h"

namespace py = pybind11;
namespace uv = upt::verifiers;

namespace {

// The same check and message as `upt verify --policy` (cli/verifiers/cmd_verify.cpp).
uv::GradeOptions MakeOptions(const std::string& policy, double rel_tol, long long step_budget) {
  uv::ParseExtractionPolicy(policy, "--policy");  // throws, listing the valid names
  uv::GradeOptions g;
  g.extract.policy = policy;
  g.verify.rel_tol = rel_tol;
  g.verify.step_budget = step_budget;
  return g;
}

uv::Verdict VerifyOne(const std::string& gold, const std::string& pred, const std::string& policy, bool mc,
                      const std::optional<std::vector<std::string>>& choices, double rel_tol, long long budget) {
  const uv::GradeOptions opts = MakeOptions(policy, rel_tol, budget);
  const std::vector<std::string> ch = choices.value_or(std::vector<std::string>{});
  py::gil_scoped_release release;
  return uv::GradeAnswer(uv::KindOf(mc, ch), gold, pred, ch, opts);
}

// mc / choices: one value for all items, or one per item (None = not given).
std::vector<uv::Verdict> VerifyBatch(const std::vector<std::string>& golds, const std::vector<std::string>& preds,
                                     int threads, const std::string& policy, const py::object& mc,
                                     const py::object& choices, double rel_tol, long long budget) {
  if (golds.size() != preds.size())
    throw upt::Error("golds and preds differ in length (" + std::to_string(golds.size()) + " vs " +
                         std::to_string(preds.size()) + ")",
                     "verify_batch", "pass one gold per prediction");
  const uv::GradeOptions opts = MakeOptions(policy, rel_tol, budget);
  std::vector<uv::GradeItem> items(golds.size());
  const bool mc_list = py::isinstance<py::sequence>(mc) && !py::isinstance<py::str>(mc);
  const auto mcs = mc_list ? mc.cast<std::vector<bool>>() : std::vector<bool>{};
  const auto chs = choices.is_none() ? std::vector<std::vector<std::string>>{}
                                     : choices.cast<std::vector<std::vector<std::string>>>();
  if ((mc_list && mcs.size() != golds.size()) || (!chs.empty() && chs.size() != golds.size()))
    throw upt::Error("mc / choices lists must have one entry per item", "verify_batch",
                     "pass a bool for all items, or a list as long as golds");
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].gold = golds[i];
    items[i].completion = preds[i];
    items[i].mc = mc_list ? mcs[i] : mc.cast<bool>();
    if (!chs.empty()) items[i].choices = chs[i];
  }
  py::gil_scoped_release release;
  if (threads <= 0) return uv::GradeBatch(items, opts);
  tbb::task_arena arena(threads);
  std::vector<uv::Verdict> out;
  arena.execute([&] { out = uv::GradeBatch(items, opts); });
  return out;
}

std::optional<std::string> ExtractAnswer(const std::string& pred, const std::string& policy) {
  const uv::GradeOptions opts = MakeOptions(policy, 1e-4, 200000);
  py::gil_scoped_release release;
  const auto cands = uv::Extract(pred, opts.extract);
  if (cands.empty()) return std::nullopt;
  return cands[0].text;
}

double PassAtK(long long n, long long c, long long k) {
  if (n < 1 || c < 0 || c > n || k < 1 || k > n)
    throw upt::Error("pass_at_k needs 0 <= c <= n and 1 <= k <= n (got n=" + std::to_string(n) +
                         ", c=" + std::to_string(c) + ", k=" + std::to_string(k) + ")",
                     "pass_at_k", "k can be at most the number of samples");
  return upt::eval::PassAtK(n, c, k);
}

// `upt passk --counts F --k ks --bootstrap-k bks --format json` on one table, as JSON text.
std::string PassAtKTableJson(const std::vector<std::string>& ids, const std::vector<long long>& ns,
                             const std::vector<long long>& cs, const std::string& ks_text,
                             const std::string& boot_ks_text, int bootstrap, long long seed, double level) {
  std::vector<upt::eval::Counts> counts(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) counts[i] = {ids[i], ns.at(i), cs.at(i)};
  if (counts.empty()) throw upt::Error("no scored problems", "pass_at_k_table", "pass at least one (n, c)");
  upt::eval::BootstrapOptions bo;
  bo.replicates = bootstrap;
  bo.seed = static_cast<uint64_t>(seed);
  bo.level = level;
  py::gil_scoped_release release;
  long long n_min = counts[0].n;
  for (const auto& p : counts) n_min = std::min(n_min, p.n);
  const auto ks = upt::eval::ParseKs(ks_text, n_min);
  const auto boot_ks = boot_ks_text == "same" ? ks : upt::eval::ParseKs(boot_ks_text, n_min);
  const auto table = upt::eval::ComputePassKTable("counts", counts, ks, boot_ks, bo);
  return upt::eval::RenderPassK({table}, "json");
}

// True for upt's bundled multiple-choice benchmarks (gpqa_diamond, arc_c, ...).
bool IsMultipleChoiceBenchmark(const std::string& name) {
  return upt::datasets::IsBenchmarkName(name) &&
         upt::datasets::GetBenchmarkInfo(name).kind == upt::datasets::Kind::kMultipleChoice;
}

}  // namespace

PYBIND11_MODULE(_upt, m) {
  m.doc() = "upt's verifier and Pass@k (torch-free); see docs/python.md";
  m.attr("__version__") = upt::VersionString();
  m.attr("git_revision") = upt::GitRevision();
  py::register_exception<upt::Error>(m, "Error", PyExc_ValueError);

  py::class_<uv::Verdict>(m, "Verdict", "correct: bool; extracted: str | None; reason: rule name")
      .def(py::init([](bool correct, std::optional<std::string> extracted, std::string reason) {
             return uv::Verdict{correct, std::move(extracted), std::move(reason)};
           }),
           py::arg("correct"), py::arg("extracted") = py::none(), py::arg("reason") = "")
      .def_readonly("correct", &uv::Verdict::correct)
      .def_readonly("extracted", &uv::Verdict::extracted)
      .def_readonly("reason", &uv::Verdict::reason)
      .def("__bool__", [](const uv::Verdict& v) { return v.correct; })
      .def("__eq__", [](const uv::Verdict& a, const uv::Verdict& b) {
        return a.correct == b.correct && a.extracted == b.extracted && a.reason == b.reason;
      })
      .def("__repr__", [](const uv::Verdict& v) {
        return "Verdict(correct=" + std::string(v.correct ? "True" : "False") + ", extracted=" +
               (v.extracted ? py::repr(py::str(*v.extracted)).cast<std::string>() : std::string("None")) +
               ", reason='" + v.reason + "')";
      });

  m.def("verify", &VerifyOne, py::arg("gold"), py::arg("pred"), py::arg("policy") = "default",
        py::arg("mc") = false, py::arg("choices") = py::none(), py::arg("rel_tol") = 1e-4,
        py::arg("step_budget") = 200000,
        "Grade one completion against a gold answer (as `upt verify --gold G --pred P`).");
  m.def("verify_batch", &VerifyBatch, py::arg("golds"), py::arg("preds"), py::arg("threads") = 0,
        py::arg("policy") = "default", py::arg("mc") = false, py::arg("choices") = py::none(),
        py::arg("rel_tol") = 1e-4, py::arg("step_budget") = 200000,
        "Grade many completions in parallel (TBB, GIL released); threads=0 uses all cores.");
  m.def("extract", &ExtractAnswer, py::arg("pred"), py::arg("policy") = "default",
        "The answer the verifier compares first (None when nothing is extracted).");
  m.def("canonical_key",
        [](const std::string& answer) { return uv::CanonicalKey(answer); }, py::arg("answer"),
        "Grouping key of an extracted answer: equal keys are judged equal (majority voting).");
  m.def("policies", &uv::ExtractionPolicies, "The extraction policy names.");
  m.def("is_multiple_choice_benchmark", &IsMultipleChoiceBenchmark, py::arg("name"),
        "True when `name` is one of upt's bundled multiple-choice benchmarks.");
  m.def("pass_at_k", &PassAtK, py::arg("n"), py::arg("c"), py::arg("k"),
        "Unbiased pass@k of one problem with n samples, c correct (Chen et al. 2021).");
  m.def("_pass_at_k_table_json", &PassAtKTableJson, py::arg("ids"), py::arg("ns"), py::arg("cs"),
        py::arg("ks"), py::arg("bootstrap_ks"), py::arg("bootstrap"), py::arg("seed"), py::arg("level"));
}
