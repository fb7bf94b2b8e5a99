# verl custom reward function backed by upt's verifier (docs/python.md):
#   custom_reward_function.path=examples/verl/upt_reward.py
#   custom_reward_function.name=compute_score          (reward_model.reward_manager=naive)
#   custom_reward_function.name=compute_score_batch    (reward_model.reward_manager=batch)
from upt import compute_score, compute_score_batch  # noqa: F401
