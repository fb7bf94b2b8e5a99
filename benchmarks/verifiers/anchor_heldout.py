# usage: anchor_heldout.py ALL_CASES.json CASES_DIR OUT.jsonl: drops pairs already in any case file
import json, glob, sys
ALL, CASES, OUT = sys.argv[1:4]
cases = json.load(open(ALL))
seen = set()
for f in glob.glob(CASES + "/**/*.jsonl", recursive=True):
    if f.endswith("heldout_anchor_suites.jsonl"): continue
    for l in open(f):
        j = json.loads(l); seen.add((j["gold"], j["pred"]))
# lighteval's NativeLetters gold is a choice string; lighteval extracts its letter with the same
# extraction config, so the gold letter is that letter (recorded with the original in source_gold).
letter_of = {"(D) Alina": "D", "(A) Cecile": "A", "C Cecile": "C", "Alina and the answer is\n(C) Cecile": "C",
             "Alina and the answer is\nC Cecile": "C", "A Peter\nCelina bum": "A"}
rows, dup, dup_in_set = [], 0, 0
mine = set()
for c in cases:
    key = (c["gold"], c["pred"])
    if key in seen: dup += 1; continue
    if key in mine: dup_in_set += 1; continue
    mine.add(key)
    r = {"gold": c["gold"], "pred": c["pred"], "expected": c["expected"], "kind": "heldout", "source": c["source"]}
    opts = {"match": c["match"]}
    if c.get("lang") and c["lang"] != "ENGLISH": opts["language"] = c["lang"]
    if c.get("precision") is not None: opts["precision"] = c["precision"]
    r["anchor_options"] = opts
    if c["match"] == ["NativeLetters"]:
        r["mc"] = True
        if c["gold"] in letter_of: r["source_gold"] = c["gold"]; r["gold"] = letter_of[c["gold"]]
    rows.append(r)
with open(OUT, "w") as f:
    for r in rows: f.write(json.dumps(r, ensure_ascii=False) + "\n")
print("kept", len(rows), "dup with existing", dup, "dup within", dup_in_set, "false", sum(not r["expected"] for r in rows))
