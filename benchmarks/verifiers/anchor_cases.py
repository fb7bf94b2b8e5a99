# Builds the fresh held-out set from three anchors' public test suites (labels as stated there).
import ast, json, math, sys, glob, os
# usage: anchor_cases.py LIGHTEVAL_TEST MARIO_TEST HENDRYCKS_TEST OUT.json (files as read from the
# repositories at the commits in tests/verifiers/cases/heldout_anchor_suites.md)
LFILE, MFILE, HFILE, OUTFILE = sys.argv[1:5]
out = []
def lit(node):
    if isinstance(node, ast.Attribute): return node.attr
    try: return ast.literal_eval(node)
    except Exception: return eval(compile(ast.Expression(node), "x", "eval"), {"math": math})
# lighteval parametrize lists
LREPO, LPATH = "huggingface/lighteval", "tests/unit/metrics/test_extractive_match.py"
src = open(LFILE).read()
tree = ast.parse(src)
for fn in tree.body:
    if not isinstance(fn, ast.FunctionDef): continue
    for dec in fn.decorator_list:
        if not (isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") == "parametrize"): continue
        names = [n.strip() for n in dec.args[0].value.split(",")]
        for el in dec.args[1].elts:
            vals = dict(zip(names, [lit(e) for e in el.elts]))
            mt = vals.get("match_type")
            if "NativeLetters" in ast.get_source_segment(src, fn): mt = ["NativeLetters"]
            out.append(dict(gold=vals["gold"], pred=vals["pred"], expected=bool(vals["expected"]),
                            source=f"{LREPO}:{LPATH}:{el.lineno}::{fn.name}",
                            lang=vals.get("language", "ENGLISH"), match=mt, precision=vals.get("precision")))
# unittest bodies: test_in/test_out assignments followed by assertTrue/assertFalse
def unittest_cases(path, repo, rpath, negators):
    src = open(path).read(); tree = ast.parse(src)
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef): continue
        for fn in cls.body:
            if not isinstance(fn, ast.FunctionDef): continue
            env = {}
            def visit(stmts, loop_pairs=None):
                for st in stmts:
                    if isinstance(st, ast.Assign) and isinstance(st.targets[0], ast.Name):
                        try: env[st.targets[0].id] = (lit(st.value), st.lineno, st.value)
                        except Exception: pass
                    elif isinstance(st, ast.For):
                        visit(st.body, loop_pairs=env[st.iter.id])
                    elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and getattr(st.value.func, "attr", "") in ("assertTrue", "assertFalse"):
                        call = st.value.args[0]
                        inner = call.func.id if isinstance(call.func, ast.Name) else call.func.attr
                        truth = st.value.func.attr == "assertTrue"
                        if inner in negators: truth = not truth  # assertFalse(_is_not_equiv) = not equivalent
                        label = truth
                        if loop_pairs:
                            for el in loop_pairs[2].elts:
                                a, b = lit(el.elts[0]), lit(el.elts[1])
                                out.append(dict(gold=a, pred=b, expected=label, source=f"{repo}:{rpath}:{el.lineno}::{fn.name}", lang="ENGLISH", match=[inner]))
                        else:
                            a, b = env["test_in"][0], env["test_out"][0]
                            out.append(dict(gold=a, pred=b, expected=label, source=f"{repo}:{rpath}:{st.lineno}::{fn.name}", lang="ENGLISH", match=[inner]))
            visit(fn.body)
unittest_cases(MFILE, "MARIO-Math-Reasoning/MARIO_EVAL", "math_evaluation/tests/test_is_equiv.py", set())
unittest_cases(HFILE, "hendrycks/math", "modeling/math_equivalence_test.py", set())
# MARIO: _test_is_not_equiv returns is_equiv itself (it only prints), so assertFalse(...) means not equivalent.
print(len(out), file=sys.stderr)
json.dump(out, open(OUTFILE, "w"), ensure_ascii=False, indent=0)
