"""Shared helpers of the Python tests: the `upt` binary, the case tables, temp files."""
import glob
import json
import os
import subprocess

SOURCE_DIR = os.environ.get("UPT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
UPT_BIN = os.environ.get("UPT_BIN", os.path.join(SOURCE_DIR, "build", "cli", "upt"))


def run_upt(*args, stdin=None):
    """(exit code, stdout, stderr) of `upt ARGS`."""
    p = subprocess.run([UPT_BIN, *args], input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def cli_error(*args):
    """The message `upt ARGS` prints after 'upt: error: ' (exit code 2 asserted by callers)."""
    code, _, err = run_upt(*args)
    prefix = "upt: error: "
    lines = [l for l in err.splitlines() if l.startswith(prefix)]
    return code, (err[err.index(prefix) + len(prefix):].rstrip("\n") if lines else err)


def case_rows():
    """Every row of tests/verifiers/cases/*.jsonl (not external/): dicts with gold, pred[, mc, choices]."""
    rows = []
    for path in sorted(glob.glob(os.path.join(SOURCE_DIR, "tests", "verifiers", "cases", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rows.append(json.loads(line))
    return rows
