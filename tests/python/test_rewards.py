"""The trainer adapters: verl compute_score(_batch), TRL reward_func, upt.math_verify."""
import os
import subprocess
import sys
import tempfile
import unittest

import upt
from upt.math_verify import parse, verify

GOOD = "Adding them, $\\frac{3}{6} = \\frac12$, so the answer is $\\boxed{\\frac{1}{2}}$."
BAD = "So the answer is $\\boxed{2}$."


class VerlTest(unittest.TestCase):
    def test_compute_score_returns_float_or_dict(self):
        self.assertEqual(upt.compute_score("math500", GOOD, "0.5"), 1.0)
        self.assertEqual(upt.compute_score("math500", BAD, "0.5", extra_info={"index": 3}), 0.0)
        d = upt.compute_score("math500", GOOD, "0.5", return_dict=True)
        self.assertEqual(d, {"score": 1.0, "acc": True, "pred": "\\frac{1}{2}", "reason": d["reason"]})
        self.assertEqual(upt.compute_score("x", BAD, "1/2", None, return_dict=True)["acc"], False)

    def test_compute_score_accepts_verl_keyword_call_and_gold_lists(self):
        kw = dict(data_source="aime24", solution_str=BAD, ground_truth=["7", "2"], extra_info=None)
        self.assertEqual(upt.compute_score(**kw), 1.0)
        self.assertEqual(upt.compute_score(**{**kw, "ground_truth": ["7"]}), 0.0)

    def test_compute_score_grades_multiple_choice_sources_by_letter(self):
        self.assertEqual(upt.compute_score("gpqa_diamond", "I pick (C).", "C"), 1.0)
        self.assertEqual(upt.compute_score("gpqa_diamond", "I pick (C).", "D"), 0.0)
        self.assertTrue(upt.is_multiple_choice_benchmark("arc_c"))
        self.assertFalse(upt.is_multiple_choice_benchmark("aime24"))
        choices = {"choices": ["12", "15", "18", "21"]}
        self.assertEqual(upt.compute_score("custom", "The answer is (B).", "B", choices), 1.0)

    def test_compute_score_batch_equals_one_by_one(self):
        sources = ["math500", "math500", "gpqa_diamond", "aime24", "custom"]
        sols = [GOOD, BAD, "Answer: (A)", BAD, "The answer is (B)."]
        golds = ["1/2", "1/2", "A", ["9", "2"], "B"]
        infos = [None, {"i": 1}, None, None, {"choices": ["a", "b", "c", "d"]}]
        batch = upt.compute_score_batch(data_sources=sources, solution_strs=sols, ground_truths=golds,
                                        extra_infos=infos)
        self.assertEqual(batch, [upt.compute_score(s, p, g, e) for s, p, g, e in zip(sources, sols, golds, infos)])
        self.assertEqual(batch, [1.0, 0.0, 1.0, 1.0, 1.0])

    def test_worked_example_reward_file_loads_the_way_verl_loads_it(self):
        # verl/trainer/ppo/reward.py get_custom_reward_fn: spec_from_file_location + getattr(name).
        import importlib.util
        src = os.path.join(os.environ.get("UPT_SOURCE_DIR", "../.."), "examples", "verl", "upt_reward.py")
        spec = importlib.util.spec_from_file_location("custom_module", src)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        fn = getattr(module, "compute_score")
        self.assertEqual(fn(data_source="math500", solution_str=GOOD, ground_truth="0.5", extra_info=None), 1.0)


class TrlTest(unittest.TestCase):
    def test_reward_func_on_strings_and_chat_messages(self):
        self.assertEqual(upt.reward_func([GOOD, BAD], answer=["1/2", "1/2"]), [1.0, 0.0])
        conv = [[{"role": "assistant", "content": GOOD}], [{"role": "assistant", "content": BAD}]]
        self.assertEqual(upt.reward_func(completions=conv, answer=["0.5", "2"], prompts=["p", "q"],
                                         completion_ids=[[1], [2]]), [1.0, 1.0])

    def test_reward_func_rejects_mismatched_answers(self):
        with self.assertRaisesRegex(upt.Error, "2 completions but 1 answers"):
            upt.reward_func([GOOD, BAD], answer=["1/2"])


class MathVerifyCompatTest(unittest.TestCase):
    def test_parse_extracts_and_verify_grades_the_original_texts(self):
        gold, pred = parse("$\\frac{1}{2}$"), parse(GOOD)
        self.assertEqual(pred, ["\\frac{1}{2}"])
        self.assertTrue(verify(gold, pred))
        self.assertFalse(verify(gold, parse(BAD)))
        self.assertEqual(parse("nothing to see", extraction_config=None), [])
        self.assertFalse(verify(gold, parse("nothing to see")))

    def test_verify_of_lists_is_any_pair(self):
        self.assertTrue(verify(["3", "0.5"], ["\\frac12"], float_rounding=6, timeout_seconds=5))
        self.assertFalse(verify(["3"], ["\\frac12"]))
        self.assertTrue(verify("0.5", GOOD))


class InstallTest(unittest.TestCase):
    def test_cmake_install_puts_the_module_on_debians_default_path(self):
        build = os.environ.get("UPT_BINARY_DIR")
        if not build:
            self.skipTest("UPT_BINARY_DIR not set (run via ctest)")
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run(["cmake", "--install", build, "--component", "python"], capture_output=True,
                               text=True, env={**os.environ, "DESTDIR": d})
            self.assertEqual(r.returncode, 0, r.stderr)
            dirs = [os.path.dirname(root) for root, _, files in os.walk(d) if "__init__.py" in files]
            self.assertEqual(len(dirs), 1, dirs)
            site_dir = "/" + os.path.relpath(dirs[0], d)
            default_path = subprocess.run(["/usr/bin/python3", "-c", "import sys; print('\\n'.join(sys.path))"],
                                          capture_output=True, text=True, env={}).stdout.split()
            self.assertIn(site_dir, default_path)
            r = subprocess.run(["/usr/bin/python3", "-c", "import upt; print(upt.__file__); "
                                "print(upt.verify('2', 'so \\\\boxed{2}').correct)"],
                               capture_output=True, text=True, env={"PYTHONPATH": dirs[0]})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.split(), [os.path.join(dirs[0], "upt", "__init__.py"), "True"])


if __name__ == "__main__":
    unittest.main()
