# Builds the second held-out set from three more public answer-checker test files (labels as
# stated there; no selection by verdict). usage:
#   anchor_cases_2.py NEMO_TEST VERL_TEST AREAL_TEST CASES_DIR OUT.jsonl
# (files as read from the repositories at the commits in
# tests/verifiers/cases/heldout_anchor_suites_2.md)
import ast, glob, json, sys

NFILE, VFILE, AFILE, CASES, OUT = sys.argv[1:6]
NEMO = ("NVIDIA/NeMo-Skills", "tests/test_math_equal.py", "Apache-2.0")
VERL = ("volcengine/verl", "tests/utils/reward_score/test_numeric_canonicalization_on_cpu.py", "Apache-2.0")
AREAL = ("inclusionAI/AReaL (fork leandermaben/AReaL)", "tests/test_math_verify_reward.py", "Apache-2.0")
rows, skipped = [], []


def row(repo, gold, pred, expected, line, fn, **extra):
    r = {"gold": gold, "pred": pred, "expected": expected, "kind": "heldout",
         "source": f"{repo[0]}:{repo[1]}:{line}::{fn}", "license": repo[2]}
    r.update(extra)
    rows.append(r)


def as_text(v):  # NeMo passes some ints/floats; math_equal sees str(v) after its own str() call
    return v if isinstance(v, str) else repr(v) if isinstance(v, float) else str(v)


# NeMo-Skills: math_equal(prediction, reference) is asserted in both orders for every pair.
tree = ast.parse(open(NFILE).read())
for fn in tree.body:
    if not isinstance(fn, ast.FunctionDef):
        continue
    label = fn.name == "test_correct_examples"
    for dec in fn.decorator_list:
        for el in dec.args[1].elts:
            a, b = (ast.literal_eval(e) if not isinstance(e, ast.BinOp) else eval(compile(ast.Expression(e), "x", "eval"))
                    for e in el.elts)
            if a is None or b is None:
                skipped.append(f"{NEMO[1]}:{el.lineno} ({a!r}, {b!r}): None is not an answer string")
                continue
            orig = {"source_values": [a, b]} if not (isinstance(a, str) and isinstance(b, str)) else {}
            row(NEMO, as_text(b), as_text(a), label, el.lineno, fn.name + "[pred=first]", **orig)
            row(NEMO, as_text(a), as_text(b), label, el.lineno, fn.name + "[pred=second]", **orig)

# verl: is_equiv(remove_boxed(gt), pred) -> gold is the unboxed gt.
tree = ast.parse(open(VFILE).read())
for fn in tree.body:
    if isinstance(fn, ast.FunctionDef) and fn.name == "test_is_equiv_boxed":
        for el in fn.decorator_list[0].args[1].elts:
            gt, pred = (ast.literal_eval(e) for e in el.elts)
            inner = gt[len("\\boxed{"):-1]
            row(VERL, inner, pred, True, el.lineno, fn.name, source_gold=gt)

# AReaL: reward = gsm8k_reward_fn(completions=..., answer=...) / geometry3k_reward_fn(...), then
# `assert reward == 1.0|0.0`; worker.verify(pred, gold) == 1.0|0.0. Asserts that accept either
# verdict (isinstance, `or`) state no label and are skipped.
tree = ast.parse(open(AFILE).read())
for cls in tree.body:
    if not isinstance(cls, ast.ClassDef):
        continue
    for fn in cls.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        env, calls = {}, {}
        for st in fn.body:
            if isinstance(st, ast.Assign) and isinstance(st.targets[0], ast.Name):
                v = st.value
                if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id.endswith("_reward_fn"):
                    kw = {k.arg: ast.literal_eval(k.value) for k in v.keywords}
                    calls[st.targets[0].id] = (v.func.id, kw)
                else:
                    try:
                        env[st.targets[0].id] = ast.literal_eval(v)
                    except ValueError:
                        pass
            elif isinstance(st, ast.Assert):
                t = st.test
                name = f"{cls.name}::{fn.name}"
                ok = (isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq)
                      and isinstance(t.comparators[0], ast.Constant))
                if not ok:
                    skipped.append(f"{AREAL[1]}:{st.lineno} {name}: assert states no label")
                    continue
                label = t.comparators[0].value == 1.0
                left = t.left
                if isinstance(left, ast.Name) and left.id in calls:
                    f, kw = calls[left.id]
                    if kw["answer"] is None:
                        skipped.append(f"{AREAL[1]}:{st.lineno} {name}: answer=None is not an answer string")
                        continue
                    row(AREAL, kw["answer"], kw["completions"], label, st.lineno, name,
                        anchor_options={"fn": f})
                elif isinstance(left, ast.Call) and getattr(left.func, "attr", "") == "verify":
                    pred, gold = (env[a.id] if isinstance(a, ast.Name) else ast.literal_eval(a) for a in left.args)
                    row(AREAL, gold, pred, label, st.lineno, name, anchor_options={"fn": "MathVerifyWorker.verify"})
                else:
                    skipped.append(f"{AREAL[1]}:{st.lineno} {name}: unrecognised assert")

seen = set()
for f in glob.glob(CASES + "/**/*.jsonl", recursive=True):
    if f.endswith("heldout_anchor_suites_2.jsonl"):
        continue
    for l in open(f):
        j = json.loads(l)
        seen.add((j["gold"], j["pred"]))
out, mine, dup, dup_in = [], set(), [], []
for r in rows:
    key = (r["gold"], r["pred"])
    if key in seen:
        dup.append(r["source"]); continue
    if key in mine:
        dup_in.append(r["source"]); continue
    mine.add(key)
    out.append(r)
with open(OUT, "w") as fo:
    for r in out:
        fo.write(json.dumps(r, ensure_ascii=False) + "\n")
by = {}
for r in out:
    k = r["source"].split(":")[0]
    by.setdefault(k, [0, 0]); by[k][0] += 1; by[k][1] += not r["expected"]
print("transcribed", len(rows), "kept", len(out), "dup with existing", len(dup), "dup within", len(dup_in))
for k, (n, f) in by.items():
    print(f"  {k}: {n} kept, {f} labelled false")
print("duplicates with existing case files:", *dup, sep="\n  ")
print("duplicates within:", *dup_in, sep="\n  ")
print("skipped:", *skipped, sep="\n  ")
