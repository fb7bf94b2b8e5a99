#!/usr/bin/python3
"""Float64 reference logits for checkpoints that lm/model tests write at test time.
Usage: decoder_logits.py REQUEST.json OUT.json, where REQUEST is
{"cases": [{"dir": checkpoint dir (config.json + model.safetensors), "tokens": [[...]],
"mask": [[...]]}]} and OUT is {"logits": [[flat B*T*V floats] per case]}.
The model is qwen2_ref.Qwen2 (Qwen2 and LLaMA formulas, llama3 RoPE scaling)."""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qwen2_ref import Qwen2, read_safetensors  # noqa: E402


def main(request_path, out_path):
    req = json.load(open(request_path))
    out = []
    for case in req["cases"]:
        cfg = json.load(open(os.path.join(case["dir"], "config.json")))
        weights = read_safetensors(os.path.join(case["dir"], "model.safetensors"))
        model = Qwen2(cfg, weights, dtype=torch.float64)
        with torch.no_grad():
            logits = model.forward(torch.tensor(case["tokens"]), torch.tensor(case["mask"]))
        out.append(logits.reshape(-1).tolist())
    with open(out_path, "w") as f:
        json.dump({"logits": out}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
