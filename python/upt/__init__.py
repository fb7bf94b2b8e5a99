"""upt's verifier and Pass@k for Python trainers (torch-free). See docs/python.md.

    import upt
    upt.verify("\\\\frac{1}{2}", "so the answer is $\\\\boxed{0.5}$")  # Verdict(correct=True, ...)

Reward functions with the signatures the trainers call:
  compute_score        verl, one sample (custom_reward_function.name=compute_score)
  compute_score_batch  verl's BatchRewardManager (lists in, list of floats out)
  reward_func          TRL (GRPOTrainer reward_funcs=[upt.reward_func])
  upt.math_verify      parse / verify with Math-Verify's signatures
"""
import json as _json
from collections.abc import Mapping as _Mapping

from ._upt import (Error, Verdict, __version__, canonical_key, extract, git_revision, is_multiple_choice_benchmark,
                   pass_at_k, policies, verify, verify_batch)
from ._upt import _pass_at_k_table_json


__all__ = ["Error", "Verdict", "verify", "verify_batch", "extract", "canonical_key", "policies", "pass_at_k",
           "pass_at_k_table", "compute_score", "compute_score_batch", "reward_func", "math_verify",
           "is_multiple_choice_benchmark", "__version__", "git_revision"]


def _counts_columns(counts):
    """ids, ns, cs from {id: (n, c)}, [(n, c)], [(id, n, c)] or [{"id", "n", "c"}]."""
    ids, ns, cs = [], [], []
    items = counts.items() if isinstance(counts, _Mapping) else enumerate(counts)
    for key, row in items:
        if isinstance(row, _Mapping):
            pid, n, c = row.get("id", key), row["n"], row["c"]
        elif len(row) == 3:
            pid, n, c = row
        elif len(row) == 2:
            (n, c), pid = row, key
        else:
            raise Error(f"counts row {key!r} is not (n, c), (id, n, c) or a dict with n and c")
        ids.append(str(pid))
        ns.append(int(n))
        cs.append(int(c))
    return ids, ns, cs


def _ks_text(ks):
    return ks if isinstance(ks, str) else ",".join(str(int(k)) for k in ks)


def pass_at_k_table(counts, ks="pow2", bootstrap=1000, seed=0, level=0.95, bootstrap_ks="same"):
    """The table of `upt passk --counts F --k KS --bootstrap B --seed S --format json`, as a dict:
    {"k": [...], "pass_at_k": [...], "ci_low": [...], "ci_high": [...], "bootstrap": {...}}.

    counts: {id: (n, c)}, [(n, c)], [(id, n, c)] or [{"id", "n", "c"}]; ks: "pow2", "all" or ints.
    """
    ids, ns, cs = _counts_columns(counts)
    text = _pass_at_k_table_json(ids, ns, cs, _ks_text(ks), _ks_text(bootstrap_ks), int(bootstrap),
                                 int(seed), float(level))
    return _json.loads(text)


def _is_gold_list(ground_truth):
    """A list / tuple / numpy array of golds (verl stores non-tensor columns as numpy arrays)."""
    return not isinstance(ground_truth, (str, bytes, int, float)) and hasattr(ground_truth, "__iter__")


def _golds(ground_truth):
    return [str(g) for g in ground_truth] if _is_gold_list(ground_truth) else [str(ground_truth)]


def _verdict(data_source, solution_str, ground_truth, extra_info, policy, mc):
    """The verdict for one sample; a list of golds is correct when any gold matches."""
    choices = None
    if isinstance(extra_info, _Mapping) and extra_info.get("choices") is not None:
        choices = [str(c) for c in extra_info["choices"]]
    if mc is None:
        mc = choices is not None or (isinstance(data_source, str) and is_multiple_choice_benchmark(data_source))
    last = None
    for gold in _golds(ground_truth):
        last = verify(gold, solution_str, policy=policy, mc=mc, choices=choices)
        if last.correct:
            return last
    return last if last is not None else Verdict(False, None, "no_gold")


def compute_score(data_source, solution_str, ground_truth, extra_info=None, *, return_dict=False,
                  policy="default", mc=None):
    """verl's custom reward function (loaded by verl/trainer/ppo/reward.py:25-57 @03023e2, which
    appends custom_reward_function.reward_kwargs): 1.0 when correct, else 0.0.

    With return_dict=True (set it in custom_reward_function.reward_kwargs) returns
    {"score", "acc", "pred", "reason"}; verl's reward managers log the extra keys.
    mc=None: multiple choice when extra_info has "choices" or data_source is one of
    upt's multiple-choice benchmarks (gpqa_diamond, arc_c).
    """
    v = _verdict(data_source, solution_str, ground_truth, extra_info, policy, mc)
    score = 1.0 if v.correct else 0.0
    if return_dict:
        return {"score": score, "acc": bool(v.correct), "pred": v.extracted or "", "reason": v.reason}
    return score


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, *, threads=0,
                        policy="default", mc=None):
    """verl's BatchRewardManager signature (verl/workers/reward_manager/batch.py:46-51 @0ffc057):
    lists in, one float per sample out.

    Samples with a single gold are verified in one parallel batch (GIL released).
    """
    n = len(solution_strs)
    extra_infos = list(extra_infos) if extra_infos is not None else [None] * n
    scores = [0.0] * n
    batch = []
    for i in range(n):
        single = not _is_gold_list(ground_truths[i])
        info = extra_infos[i]
        has_choices = isinstance(info, _Mapping) and info.get("choices") is not None
        if single and not has_choices:
            batch.append(i)
        else:
            v = _verdict(data_sources[i], solution_strs[i], ground_truths[i], info, policy, mc)
            scores[i] = 1.0 if v.correct else 0.0
    if batch:
        mcs = [bool(mc) if mc is not None else is_multiple_choice_benchmark(str(data_sources[i])) for i in batch]
        verdicts = verify_batch([str(ground_truths[i]) for i in batch], [solution_strs[i] for i in batch],
                                threads=threads, policy=policy, mc=mcs)
        for i, v in zip(batch, verdicts):
            scores[i] = 1.0 if v.correct else 0.0
    return scores


def _completion_text(completion):
    """TRL passes a string (standard format) or a list of chat messages (conversational)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, _Mapping):
        return str(completion.get("content", ""))
    return "".join(str(m.get("content", "")) for m in completion if m.get("role", "assistant") == "assistant")


def reward_func(completions, answer, **kwargs):
    """TRL reward function: 1.0 per correct completion, else 0.0.

    `answer` is the dataset column of gold answers (TRL passes every column as a
    keyword argument). Optional keyword columns: `mc` (bools) and `choices`.
    """
    texts = [_completion_text(c) for c in completions]
    if len(answer) != len(texts):
        raise Error(f"reward_func: {len(texts)} completions but {len(answer)} answers")
    mc = kwargs.get("mc")
    verdicts = verify_batch([str(a) for a in answer], texts, threads=kwargs.get("threads", 0),
                            mc=list(mc) if mc is not None else False, choices=kwargs.get("choices"))
    return [1.0 if v.correct else 0.0 for v in verdicts]


from . import math_verify  # noqa: E402  (needs verify above)
