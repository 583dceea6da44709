"""HyperNCA's growth in PyTorch: an oracle for src/policy/nca/mod.rs.

A plain statement of the authors' NCA_3D.py (enajx/HyperNCA, CellCAModel3D with CellPerceptionNet and
SmallerCellUpdateNet) and of utils_and_wrappers.generate_seeds3D for the deterministic seed types, in
float64, written from their semantics (not copied):

- perception: Conv3d(C, 3C, kernel 3, padding 1, groups C, bias=NCA_bias);
- update: Conv3d(3C, D, 1) tanh Conv3d(D, D, 1) tanh Conv3d(D, C, 1), bias=NCA_bias;
- parameters loaded with torch.nn.utils.vector_to_parameters in module order;
- one step: life masks before and after (max_pool3d of the living channel against
  alpha * max, NaN threshold -> -inf), x + out / out.max() (or replace / no normalise), the
  "exploding" check at 1e5, x * mask, then x[:, :, -1, out_rows:, :] = 0.

Usage: hypernca_nca.py CASES.json  ->  prints JSON: per case, the grid after every step (or the step at
which it exploded), and the seed the oracle builds for deterministic seed types.
"""

import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


class Nca(torch.nn.Module):
    def __init__(self, c, d, bias):
        super().__init__()
        self.perception = torch.nn.Conv3d(c, 3 * c, kernel_size=3, stride=1, padding=1,
                                          groups=c, bias=bias)
        self.update_net = torch.nn.Sequential(
            torch.nn.Conv3d(3 * c, d, kernel_size=1, bias=bias), torch.nn.Tanh(),
            torch.nn.Conv3d(d, d, kernel_size=1, bias=bias), torch.nn.Tanh(),
            torch.nn.Conv3d(d, c, kernel_size=1, bias=bias))


def life(x, living, alpha):
    pooled = F.max_pool3d(x[:, living, :, :, :], kernel_size=3, stride=1, padding=1)
    threshold = alpha * pooled.max()
    if torch.isnan(threshold):
        threshold = -np.inf
    return pooled > threshold


def step(nca, x, k):
    alpha = -np.inf if k["living_threshold"] == 0 else k["living_threshold"]
    pre = life(x, k["living_channel"], alpha)
    out = nca.update_net(nca.perception(x))
    if k["normalise"]:
        x = out / out.max() if k["replace"] else x + out / out.max()
    else:
        x = out if k["replace"] else x + out
    if x.max() > 100000:
        raise OverflowError
    post = life(x, k["living_channel"], alpha)
    x = x * (pre & post)
    x[:, :, -1, k["out_rows"]:, :] = 0.0
    return x


def seed(kind, c, l, s, out_rows, env):
    """generate_seeds3D for the seed types that draw nothing."""
    g = torch.zeros(1, c, l, s, s)
    h = s // 2
    if kind == "ones":
        g = torch.ones(1, c, l, s, s)
    elif kind == "-ones":
        g = -torch.ones(1, c, l, s, s)
    elif kind == "single_seed":
        if "Lander" in env:
            g[:, :, :l - 1, h, h] = 1.0
        else:
            g[:, :, :, h, h] = 1.0
    elif kind == "single_seed_big":
        g[:, :, :, h - 1:h + 1, h - 1:h + 1] = 1.0
    elif kind == "two_seeds":
        g[:, :, :, h, s // 3] = 1.0
        g[:, :, :, h, s - s // 3] = 1.0
    elif kind == "three_seeds":
        g[:, :, :, h, s // 4] = 1.0
        g[:, :, :, h, h] = 1.0
        g[:, :, :, h, s - s // 4] = 1.0
    elif kind == "four_seeds":
        g[:, :, :, s - s // 4, s - s // 3] = 1.0
        g[:, :, :, s // 4, s - s // 3] = 1.0
        g[:, :, :, s - s // 4, s // 3] = 1.0
        g[:, :, :, s // 4, s // 3] = 1.0
    elif kind == "1single_seed":
        g[:, 0, :, h, h] = 1.0
    elif kind != "zeros":
        return None
    g[:, :, -1, out_rows:, :] = 0.0
    return g


def run(k):
    c, l, s, d = k["channels"], k["layers"], k["size"], k["hidden"]
    nca = Nca(c, d, k["bias"])
    n = sum(p.numel() for p in nca.parameters())
    params = torch.tensor(k["params"][:n])
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(params, nca.parameters())
        out = {"n_params": n}
        if k.get("seed_type"):
            g = seed(k["seed_type"], c, l, s, k["out_rows"], k["env"])
            out["seed"] = None if g is None else g.flatten().tolist()
        x = torch.tensor(k["grid"]).reshape(1, c, l, s, s)
        grids, exploded = [], None
        for t in range(k["steps"]):
            try:
                x = step(nca, x, k)
            except OverflowError:
                exploded = t + 1
                break
            grids.append(x.flatten().tolist())
        out["grids"] = grids
        out["exploded_at"] = exploded
    return out


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    print(json.dumps([run(k) for k in cases]))


if __name__ == "__main__":
    main()
