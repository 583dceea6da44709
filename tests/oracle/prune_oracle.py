"""PyTorch + SciPy side of tests/prune_pytorch.rs: actors to prune, the reference masks, and loading what
synapt-safety writes.

    python prune_oracle.py make-actors DIR            # random actors (widths 64, 128) and actors with ties
    python prune_oracle.py pruver --k K... ACTOR...     # PruVer's prune.py rule, with SciPy
    python prune_oracle.py magnitude --k K... ACTOR...  # torch.nn.utils.prune.l1_unstructured, per layer
    python prune_oracle.py global --k K... ACTOR...     # torch.nn.utils.prune.global_unstructured (L1)
    python prune_oracle.py load ACTOR... [--inputs X]   # torch.load + load_state_dict; forward on inputs

Masks are printed as JSON, one entry per actor, in order:
[{"<k>": {"layer1": [flat indices pruned, ascending], ...}, ...}, ...].
"""

import argparse
import json
import sys

import numpy as np
import scipy.stats
import torch
from torch import nn
from torch.nn.utils import prune


class FeedForwardActorNN(nn.Module):
    """PruVer's actor with any widths: layer1..layerN nn.Linear, ReLU between them. The test compares the
    last layer's raw output (the softmax head of discrete actors is monotone and left out)."""

    def __init__(self, sizes, dtype=torch.float32):
        super().__init__()
        self.n = len(sizes) - 1
        for i in range(self.n):
            setattr(self, f"layer{i + 1}", nn.Linear(sizes[i], sizes[i + 1], dtype=dtype))

    def layers(self):
        return [getattr(self, f"layer{i + 1}") for i in range(self.n)]

    def forward(self, x):
        for i, layer in enumerate(self.layers()):
            x = layer(x)
            if i < self.n - 1:
                x = torch.relu(x)
        return x


def emit(obj):
    json.dump(obj, sys.stdout)
    sys.stdout.write("\n")


def load_module(path):
    """The module whose shapes the file's state_dict has, loaded with load_state_dict (strict)."""
    sd = torch.load(path)
    n = len(sd) // 2
    sizes = [sd["layer1.weight"].shape[1]] + [sd[f"layer{i + 1}.weight"].shape[0] for i in range(n)]
    m = FeedForwardActorNN(sizes, dtype=sd["layer1.weight"].dtype)
    m.load_state_dict(sd, strict=True)
    return m, sizes


def bits(t):
    return t.detach().to(torch.float64).contiguous().reshape(-1).numpy().view(np.uint64).tolist()


def cmd_make_actors(a):
    """Random actors initialised as nn.Linear does, at PruVer's width (128) and its predecessor's (64), for
    CartPole-like (4 → 2) and LunarLander-like (8 → 2) shapes, one float64; and actors whose weights are
    rounded to a few distinct values, so dense ranking has many ties (zeros included)."""
    made = []
    specs = [
        ("w64_cartpole", [4, 64, 64, 2], torch.float32, 1, None),
        ("w128_cartpole", [4, 128, 128, 2], torch.float32, 2, None),
        ("w64_lunar", [8, 64, 64, 2], torch.float32, 3, None),
        ("w128_lunar_f64", [8, 128, 128, 2], torch.float64, 4, None),
        ("w128_ties8", [4, 128, 128, 2], torch.float32, 5, 8.0),
        ("w64_ties32", [8, 64, 64, 2], torch.float32, 6, 32.0),
    ]
    for name, sizes, dtype, seed, levels in specs:
        torch.manual_seed(seed)
        m = FeedForwardActorNN(sizes, dtype=dtype)
        if levels is not None:
            with torch.no_grad():
                for layer in m.layers():
                    # Multiples of 1/levels, times the layer's init bound: few distinct magnitudes.
                    bound = 1.0 / np.sqrt(layer.in_features)
                    layer.weight.copy_(torch.round(layer.weight / bound * levels) / levels * bound)
        path = f"{a.dir}/{name}.pth"
        torch.save(m.state_dict(), path)
        made.append(name)
    emit(made)


def pruned_indices(mask):
    """Flat indices where a boolean keep-mask is False."""
    return np.flatnonzero(~np.asarray(mask, dtype=bool).reshape(-1)).tolist()


def cmd_pruver(a):
    emit([pruver_masks(path, a.k) for path in a.actor])


def pruver_masks(actor, ks):
    """PruVer's prune.py, per weight matrix: dense ranks of |W| minus one, threshold ceil(max(rank) * k),
    every weight with rank <= threshold set to zero."""
    sd = torch.load(actor)
    out = {}
    for k in ks:
        layers = {}
        for name, t in sd.items():
            if not name.endswith(".weight"):
                continue
            w = t.numpy()
            rank = scipy.stats.rankdata(np.abs(w), method="dense").reshape(w.shape) - 1
            threshold = np.ceil(np.max(rank) * k)
            layers[name.removesuffix(".weight")] = pruned_indices(~(rank <= threshold))
        out[str(k)] = layers
    return out


def cmd_magnitude(a):
    emit([magnitude_masks(path, a.k) for path in a.actor])


def magnitude_masks(actor, ks):
    out = {}
    for k in ks:
        m, _ = load_module(actor)
        layers = {}
        for i, layer in enumerate(m.layers()):
            prune.l1_unstructured(layer, name="weight", amount=k)
            layers[f"layer{i + 1}"] = pruned_indices(layer.weight_mask.numpy() != 0)
        out[str(k)] = layers
    return out


def cmd_global(a):
    emit([global_masks(path, a.k) for path in a.actor])


def global_masks(actor, ks):
    out = {}
    for k in ks:
        m, _ = load_module(actor)
        params = [(layer, "weight") for layer in m.layers()]
        prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=k)
        out[str(k)] = {
            f"layer{i + 1}": pruned_indices(layer.weight_mask.numpy() != 0) for i, layer in enumerate(m.layers())
        }
    return out


def cmd_load(a):
    emit([load_one(path, a.inputs) for path in a.actor])


def load_one(path, inputs):
    m, sizes = load_module(path)
    res = {
        "sizes": sizes,
        "dtype": str(m.layer1.weight.dtype).removeprefix("torch."),
        "weights": {f"layer{i + 1}": bits(l.weight) for i, l in enumerate(m.layers())},
        "biases": {f"layer{i + 1}": bits(l.bias) for i, l in enumerate(m.layers())},
        "zeros": {f"layer{i + 1}": int((l.weight == 0).sum()) for i, l in enumerate(m.layers())},
    }
    if inputs:
        x = torch.tensor(json.loads(inputs), dtype=torch.float64)
        with torch.no_grad():
            res["outputs"] = m.double()(x).tolist()
    return res


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("make-actors")
    s.add_argument("dir")
    for name in ["pruver", "magnitude", "global"]:
        s = sub.add_parser(name)
        s.add_argument("--k", type=float, nargs="+", required=True)
        s.add_argument("actor", nargs="+")
    s = sub.add_parser("load")
    s.add_argument("actor", nargs="+")
    s.add_argument("--inputs", help="JSON list of input vectors")
    a = p.parse_args()
    {
        "make-actors": cmd_make_actors,
        "pruver": cmd_pruver,
        "magnitude": cmd_magnitude,
        "global": cmd_global,
        "load": cmd_load,
    }[a.cmd](a)


if __name__ == "__main__":
    main()
