#!/usr/bin/env python3
"""Generates a JSONL file for `upt verify --cases` benchmarking: N lines of
{"gold", "pred"} with ~2 KB completions modelled on real reasoning traces
(filler reasoning, intermediate numbers, a final \\boxed{} or answer phrase).
Mix: 55% boxed, 15% "The final answer is $..$", 10% <think>..</think> + boxed,
10% no answer (last-number fallback), 10% multiple choice. About 40% of the
answers are wrong. Deterministic (seeded).

usage: gen_cases.py OUT.jsonl [N=100000] [SEED=1]
"""
import json, random, sys

GOLDS = ["204", "70", "\\frac{14}{3}", "3\\sqrt{13}", "(3, \\frac{\\pi}{2})", "1,-2", "x^3+3x-6",
         "\\frac{1}{2}", "(3,4]", "90^\\circ", "\\text{Evelyn}", "2^{1009}", "4.5e33", "0.25",
         "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "y=2x+1", "\\binom{2n}{n}", "6-5i", "1000", "-7"]
RIGHT = {"204": ["204", "204.0"], "70": ["70"], "\\frac{14}{3}": ["\\dfrac{14}{3}", "14/3", "4\\frac{2}{3}"],
         "3\\sqrt{13}": ["\\sqrt{117}", "3\\sqrt{13}"], "(3, \\frac{\\pi}{2})": ["\\left(3,\\frac{\\pi}{2}\\right)"],
         "1,-2": ["-2, 1"], "x^3+3x-6": ["3x+x^3-6"], "\\frac{1}{2}": ["0.5", "1/2"], "(3,4]": ["(3,4]"],
         "90^\\circ": ["90"], "\\text{Evelyn}": ["Evelyn"], "2^{1009}": ["2\\cdot 2^{1008}"], "4.5e33": ["4.5\\times 10^{33}"],
         "0.25": ["\\frac14"], "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}": ["\\begin{bmatrix}1\\\\2\\end{bmatrix}"],
         "y=2x+1": ["2x+1"], "\\binom{2n}{n}": ["\\frac{(2n)!}{(n!)^2}"], "6-5i": ["-5i+6"], "1000": ["1,000"], "-7": ["-7"]}
WRONG = ["205", "\\frac{13}{3}", "(4,3]", "x^3-3x+6", "2, 1", "\\sqrt{13}", "0.51", "Eve", "71", "-2"]
WORDS = ("we consider the equation and substitute the value so that both sides agree then we "
         "simplify the expression using the identity and check the boundary cases carefully").split()

def filler(rng, size):
    out, n = [], 0
    while n < size:
        if rng.random() < 0.15:
            w = "$%d + %d = %d$" % (a := rng.randint(1, 99), b := rng.randint(1, 99), a + b)
        elif rng.random() < 0.05:
            w = "\\frac{%d}{%d}" % (rng.randint(1, 9), rng.randint(2, 9))
        else:
            w = rng.choice(WORDS)
        out.append(w)
        n += len(w) + 1
        if rng.random() < 0.03:
            out.append("\n\n")
    return " ".join(out)

def line(rng):
    r = rng.random()
    if r < 0.10:
        gold = rng.choice("ABCD")
        pick = gold if rng.random() < 0.6 else rng.choice("ABCD")
        pred = filler(rng, 1900) + ("\n\nANSWER: %s" % pick if rng.random() < 0.5 else "\n\nThe answer is (%s)." % pick)
        return {"gold": gold, "pred": pred, "mc": True}
    gold = rng.choice(GOLDS)
    ans = rng.choice(RIGHT[gold]) if rng.random() < 0.6 else rng.choice(WRONG)
    body = filler(rng, 1900)
    if r < 0.65:
        pred = body + "\n\nTherefore, the final answer is $\\boxed{%s}$." % ans
    elif r < 0.80:
        pred = body + "\n\nThe final answer is $%s$. I hope it is correct." % ans
    elif r < 0.90:
        pred = "<think>\n" + body + "\n</think>\n\nSo the answer is $\\boxed{%s}$." % ans
    else:
        pred = body + " so we get " + str(rng.randint(1, 999))
    return {"gold": gold, "pred": pred}

def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    with open(out, "w") as f:
        for _ in range(n):
            f.write(json.dumps(line(rng)) + "\n")

if __name__ == "__main__":
    main()
