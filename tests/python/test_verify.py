"""upt.verify / verify_batch / extract against `upt verify` (same verdicts, same errors)."""
import json
import os
import tempfile
import threading
import time
import unittest

import upt
from upt_test_util import case_rows, cli_error, run_upt


class VerifyTest(unittest.TestCase):
    def test_verify_returns_verdict_fields_as_the_readme_example(self):
        v = upt.verify("\\frac{1}{2}", "So $x = 0.5$ and the answer is $\\boxed{0.5}$.")
        self.assertEqual((v.correct, v.extracted, v.reason), (True, "0.5", "equal_rational"))
        self.assertTrue(v)
        w = upt.verify("(3, -1)", "The point is \\boxed{(3,-2)}")
        self.assertEqual((w.correct, w.extracted, w.reason), (False, "(3,-2)", "not_equal"))
        self.assertFalse(w)
        self.assertEqual(w, upt.Verdict(False, "(3,-2)", "not_equal"))
        self.assertIn("not_equal", repr(w))

    def test_multiple_choice_by_letter_and_by_choices(self):
        self.assertTrue(upt.verify("B", "The answer is (B).", mc=True).correct)
        self.assertFalse(upt.verify("B", "The answer is (C).", mc=True).correct)
        v = upt.verify("B", "The answer is blue.", choices=["red", "blue", "green", "yellow"])
        self.assertEqual(v, upt.verify("B", "The answer is blue.", mc=True, choices=["red", "blue", "green", "yellow"]))

    def test_policy_changes_extraction(self):
        self.assertEqual(sorted(upt.policies()), ["boxed", "default", "strict"])
        self.assertTrue(upt.verify("7", "so we get 7", policy="default").correct)
        self.assertFalse(upt.verify("7", "so we get 7", policy="boxed").correct)

    def test_canonical_key_groups_equal_answers_and_separates_close_ones(self):
        keys = {upt.canonical_key(a) for a in ["\\frac12", "0.5", "1/2"]}
        self.assertEqual(len(keys), 1)
        self.assertNotIn(upt.canonical_key("0.50001"), keys)

    def test_extract_gives_the_first_candidate_or_none(self):
        self.assertEqual(upt.extract("first \\boxed{1} then \\boxed{42}"), "42")
        self.assertIsNone(upt.extract("no answer here", policy="boxed"))
        self.assertEqual(upt.extract("The answer is 12.", policy="default"), "12")

    def test_verdicts_equal_the_cli_on_every_case_table_row(self):
        rows = case_rows()
        self.assertGreater(len(rows), 1000)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "cases.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps({k: r[k] for k in ("gold", "pred", "mc", "choices") if k in r}) + "\n")
            code, out, err = run_upt("verify", "--cases", path, "--threads", "2")
        self.assertEqual(code, 0, err)
        cli = [json.loads(l) for l in out.splitlines()]
        self.assertEqual(len(cli), len(rows))
        batch = upt.verify_batch([r["gold"] for r in rows], [r["pred"] for r in rows], threads=2,
                                 mc=[bool(r.get("mc", False)) for r in rows],
                                 choices=[r.get("choices", []) for r in rows])
        for i, (r, c, b) in enumerate(zip(rows, cli, batch)):
            one = upt.verify(r["gold"], r["pred"], mc=bool(r.get("mc", False)), choices=r.get("choices"))
            expected = upt.Verdict(c["correct"], c["extracted"], c["reason"])
            self.assertEqual(one, expected, f"row {i}: {r}")
            self.assertEqual(b, expected, f"row {i}: {r}")

    def test_verify_batch_results_do_not_depend_on_threads(self):
        rows = case_rows()[:400]
        golds, preds = [r["gold"] for r in rows], [r["pred"] for r in rows]
        self.assertEqual(upt.verify_batch(golds, preds, threads=1), upt.verify_batch(golds, preds, threads=2))
        self.assertEqual(upt.verify_batch([], []), [])

    def test_unknown_policy_raises_the_message_the_cli_prints(self):
        code, message = cli_error("verify", "--gold", "1", "--pred", "1", "--policy", "nope")
        self.assertEqual(code, 2)
        for call in (lambda: upt.verify("1", "1", policy="nope"),
                     lambda: upt.verify_batch(["1"], ["1"], policy="nope"),
                     lambda: upt.extract("1", policy="nope")):
            with self.assertRaises(upt.Error) as cm:
                call()
            self.assertEqual(str(cm.exception), message)
            self.assertIsInstance(cm.exception, ValueError)

    def test_verify_batch_rejects_lists_of_different_lengths(self):
        with self.assertRaisesRegex(upt.Error, "differ in length"):
            upt.verify_batch(["1", "2"], ["1"])
        with self.assertRaisesRegex(upt.Error, "one entry per item"):
            upt.verify_batch(["1", "2"], ["1", "2"], mc=[True])
        with self.assertRaises(TypeError):
            upt.verify_batch(["1"], [2])


class GilTest(unittest.TestCase):
    def test_another_python_thread_runs_while_a_batch_verifies(self):
        # A ticker thread stamps the time every millisecond. If verify_batch held
        # the GIL, no stamp could fall in the middle of the call.
        rows = case_rows()
        golds, preds = [r["gold"] for r in rows], [r["pred"] for r in rows]
        t = time.perf_counter()
        upt.verify_batch(golds, preds, threads=1)
        repeat = max(1, int(0.3 / max(time.perf_counter() - t, 1e-3)) + 1)  # a batch of >= ~0.3 s
        golds, preds = golds * repeat, preds * repeat
        stamps, stop = [], threading.Event()

        def ticker():
            while not stop.is_set():
                stamps.append(time.perf_counter())
                time.sleep(0.001)

        t = threading.Thread(target=ticker)
        t.start()
        time.sleep(0.05)
        t0 = time.perf_counter()
        upt.verify_batch(golds, preds, threads=1)
        t1 = time.perf_counter()
        stop.set()
        t.join()
        self.assertGreater(t1 - t0, 0.05, "batch too short to observe")
        lo, hi = t0 + 0.25 * (t1 - t0), t0 + 0.75 * (t1 - t0)
        inside = [s for s in stamps if lo < s < hi]
        self.assertGreaterEqual(len(inside), 3, f"{len(inside)} ticks in the middle of a {t1 - t0:.3f}s batch")


if __name__ == "__main__":
    unittest.main()
