"""Math-Verify's parse / verify pair, decided by upt's verifier.

    from upt.math_verify import parse, verify   # instead of: from math_verify import ...
    verify(parse(gold_text), parse(completion))  # == upt.verify(gold_text, completion).correct

parse() returns a list (empty when nothing is extracted) holding the extracted
answer string; it remembers the text it came from, so verify() of two parse()
results grades the original texts exactly as `upt verify --gold --pred` does.
Math-Verify's tuning keywords (extraction_config, float_rounding, timeout_seconds,
...) are accepted and ignored: upt's rules are fixed (docs/verifiers.md).
Signatures follow huggingface/Math-Verify src/math_verify/parser.py (parse) and
src/math_verify/grader.py (verify).
"""
from . import _upt


class ParseResult(list):
    """[extracted answer] or []; `.text` is the parsed text."""

    def __init__(self, items, text):
        super().__init__(items)
        self.text = text


def parse(pred, extraction_config=None, fallback_mode=None, extraction_mode=None, parsing_timeout=None,
          **kwargs):
    answer = _upt.extract(str(pred))
    return ParseResult([] if answer is None else [answer], str(pred))


def _texts(x):
    if isinstance(x, ParseResult):
        return [x.text] if len(x) else []
    if isinstance(x, (list, tuple)):
        return [str(v) for v in x]
    return [str(x)]


def verify(gold, target, float_rounding=6, numeric_precision=15, strict=True, timeout_seconds=5, **kwargs):
    """True when any gold matches any target (Math-Verify's semantics for lists)."""
    return any(_upt.verify(g, t).correct for g in _texts(gold) for t in _texts(target))
