"""The reference side of `cargo bench --bench convert`: PyTorch's own ONNX export of the same actors,
as PruVer's `--convert` does it (torch.onnx.export, the TorchScript exporter), timed in this process;
then onnxruntime runs our file and PyTorch's on the same 1,000 inputs.

    convert_torch.py OUT_DIR ACTOR.pth OURS.onnx [ACTOR.pth OURS.onnx ...]

Prints JSON: {actor: {"export_ms": median, "bytes": size, "max_diff": largest |ours - torch| output}}.
Actors are PruVer's layout (layer1..layerN, ReLU between, no head).
"""

import io
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np
import onnxruntime as ort
import torch

warnings.filterwarnings("ignore")


def module(sd):
    n = len(sd) // 2
    layers = []
    for k in range(1, n + 1):
        w = sd[f"layer{k}.weight"]
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        lin.weight.data = w.clone()
        lin.bias.data = sd[f"layer{k}.bias"].clone()
        layers.append(lin)
        if k < n:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers).eval()


def export(net, d_in):
    f = io.BytesIO()
    torch.onnx.export(
        net,
        (torch.zeros(1, d_in),),
        f,
        opset_version=13,
        dynamo=False,
        input_names=["obs"],
        output_names=["action"],
        dynamic_axes={"obs": {0: "batch"}, "action": {0: "batch"}},
    )
    return f.getvalue()


def run(path, x):
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return sess.run(None, {"obs": x})[0]


def main():
    out_dir, pairs = sys.argv[1], sys.argv[2:]
    torch.set_num_threads(1)
    result = {}
    for actor, ours in zip(pairs[::2], pairs[1::2]):
        net = module(torch.load(actor, weights_only=True))
        d_in = net[0].in_features
        export(net, d_in)  # warm-up: the exporter's first call loads TorchScript
        times, data = [], None
        for _ in range(5):
            t = time.perf_counter()
            data = export(net, d_in)
            times.append(time.perf_counter() - t)
        theirs = os.path.join(out_dir, os.path.basename(actor) + ".torch.onnx")
        with open(theirs, "wb") as f:
            f.write(data)
        x = np.random.default_rng(0).uniform(-1, 1, (1000, d_in)).astype(np.float32)
        diff = float(np.max(np.abs(run(ours, x) - run(theirs, x))))
        result[actor] = {
            "export_ms": 1e3 * statistics.median(times),
            "bytes": len(data),
            "max_diff": diff,
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
