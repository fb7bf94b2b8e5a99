"""upt.pass_at_k against brute force; pass_at_k_table against `upt passk`."""
import itertools
import json
import math
import os
import tempfile
import unittest

import upt
from upt_test_util import cli_error, run_upt

COUNTS = [("p0", 8, 0), ("p1", 8, 3), ("p2", 8, 8), ("p3", 8, 1), ("p4", 8, 5), ("p5", 8, 2)]


def brute_pass_at_k(n, c, k):
    """Fraction of k-subsets of n samples (c correct) holding a correct one."""
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(i < c for i in s) for s in subsets) / len(subsets)


class PassAtKTest(unittest.TestCase):
    def test_pass_at_k_equals_brute_force_enumeration(self):
        for n in range(1, 9):
            for c in range(n + 1):
                for k in range(1, n + 1):
                    self.assertAlmostEqual(upt.pass_at_k(n, c, k), brute_pass_at_k(n, c, k), places=12)
        self.assertAlmostEqual(upt.pass_at_k(100, 7, 10), 1 - math.comb(93, 10) / math.comb(100, 10), places=12)

    def test_pass_at_k_rejects_impossible_counts(self):
        for n, c, k in [(4, 5, 1), (4, 1, 5), (4, 1, 0), (0, 0, 1), (4, -1, 1)]:
            with self.assertRaisesRegex(upt.Error, "pass_at_k needs"):
                upt.pass_at_k(n, c, k)

    def _cli_table(self, d, *args):
        path = os.path.join(d, "counts.csv")
        with open(path, "w") as f:
            f.write("id,n,c\n" + "".join(f"{i},{n},{c}\n" for i, n, c in COUNTS))
        code, out, err = run_upt("passk", "--counts", path, "--format", "json", *args)
        self.assertEqual(code, 0, err)
        return json.loads(out)

    def test_table_equals_upt_passk_json(self):
        with tempfile.TemporaryDirectory() as d:
            cli = self._cli_table(d, "--k", "1,2,4,8", "--bootstrap", "300", "--seed", "7")
            cli_pow2 = self._cli_table(d)
        self.assertEqual(upt.pass_at_k_table(COUNTS, ks=[1, 2, 4, 8], bootstrap=300, seed=7), cli)
        # The same counts given as (n, c) pairs, as a mapping and as dicts.
        self.assertEqual(upt.pass_at_k_table([(n, c) for _, n, c in COUNTS], ks=[8, 4, 2, 1], bootstrap=300, seed=7), cli)
        self.assertEqual(upt.pass_at_k_table({i: (n, c) for i, n, c in COUNTS}, "1,2,4,8", 300, 7), cli)
        self.assertEqual(upt.pass_at_k_table([{"id": i, "n": n, "c": c} for i, n, c in COUNTS]), cli_pow2)
        # The unbiased column is the mean of per-problem pass@k (fractions, not percent).
        self.assertEqual(cli["k"], [1, 2, 4, 8])
        for k, v in zip(cli["k"], cli["pass_at_k"]):
            self.assertAlmostEqual(v, sum(upt.pass_at_k(n, c, k) for _, n, c in COUNTS) / len(COUNTS), places=12)
        self.assertEqual(cli["bootstrap"]["B"], 300)

    def test_table_bad_k_raises_the_message_the_cli_prints(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "counts.csv")
            with open(path, "w") as f:
                f.write("id,n,c\na,4,1\n")
            code, message = cli_error("passk", "--counts", path, "--k", "0")
        self.assertEqual(code, 2)
        with self.assertRaises(upt.Error) as cm:
            upt.pass_at_k_table([(4, 1)], ks=[0])
        self.assertEqual(str(cm.exception), message)
        with self.assertRaisesRegex(upt.Error, "no scored problems"):
            upt.pass_at_k_table([])


if __name__ == "__main__":
    unittest.main()
