"""PruVer's refinement (britig/PruVer LunarLanderRefinement.py) in PyTorch + Gymnasium, one step at a
time as PruVer runs it, on the inputs `synapt-safety --refine` takes: a dense and a pruned actor (.pth)
and a failures CSV of `--falsify`. The oracle of tests/refine_cli.rs and the Python side of
`cargo bench --bench refine`.

Scope: CartPole-v0/v1 with specifications of the form `always(abs(<var>) <= <bound>)` (given with
--spec-var and --spec-bound), judged by the specification (`--refine-method spec`, and `pruver` where the
YAML gives no return threshold). The recovery state is the observation just before the first prefix j
from which the dense actor no longer recovers, as synapt-safety defines it. Rollouts evaluate the actors
in float64 (the Rust forward pass accumulates in float64); the gradient is taken in float32, as PruVer
does.

Prints JSON: restored flat indices per layer, restored counts, the first unrecoverable j per failure,
failures fixed, and wall seconds per step.
"""

import argparse
import csv
import json
import math
import time
from collections import OrderedDict

import gymnasium as gym
import numpy as np
import torch
from scipy.stats import rankdata

OBS = ["x", "x_dot", "theta", "theta_dot"]


def load(path):
    sd = torch.load(path, map_location="cpu", weights_only=True)
    n = len(sd) // 2
    return [(sd[f"layer{i}.weight"].clone(), sd[f"layer{i}.bias"].clone()) for i in range(1, n + 1)]


def forward(layers, x):
    for i, (w, b) in enumerate(layers):
        x = x @ w.T + b
        if i < len(layers) - 1:
            x = torch.relu(x)
    return x


class Actor:
    """A deterministic actor evaluated in float64."""

    def __init__(self, layers):
        self.layers = [(w.double(), b.double()) for w, b in layers]

    def __call__(self, obs):
        with torch.no_grad():
            out = forward(self.layers, torch.tensor(obs, dtype=torch.float64))
        return int(torch.argmax(out))


def read_failures(path):
    failures = OrderedDict()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            fid = int(row["failure"])
            if fid not in failures:
                pert = {k[len("perturb."):]: float(v) for k, v in row.items() if k.startswith("perturb.") and v != ""}
                failures[fid] = {"seed": int(row["seed"]), "perturbation": pert, "actions": [], "obs": []}
            failures[fid]["obs"].append([float(row[k]) for k in OBS])
            if row["action"] != "":
                failures[fid]["actions"].append(int(row["action"]))
    return list(failures.values())


def start(env, failure):
    obs, _ = env.reset(seed=failure["seed"])
    if failure["perturbation"]:
        state = np.array(env.unwrapped.state, dtype=np.float64)
        for i, name in enumerate(OBS):
            if name in failure["perturbation"]:
                state[i] = failure["perturbation"][name]
        env.unwrapped.state = state
        obs = np.array(state, dtype=np.float32)
    return obs


def episode_ok(env, failure, prefix, actor, var, bound):
    """Replay `prefix`, let `actor` finish; whether always(abs(var) <= bound) holds."""
    k = OBS.index(var)
    obs = start(env, failure)
    ok = abs(float(obs[k])) <= bound
    done = False
    for a in prefix:
        obs, _, term, trunc, _ = env.step(a)
        ok = ok and abs(float(obs[k])) <= bound
        done = term or trunc
        if done:
            return ok
    while not done:
        obs, _, term, trunc, _ = env.step(actor(obs))
        ok = ok and abs(float(obs[k])) <= bound
        done = term or trunc
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--env", required=True)
    ap.add_argument("--dense", required=True)
    ap.add_argument("--pruned", required=True)
    ap.add_argument("--failures", required=True, action="append",
                    help="a failures CSV; repeat it to refine against several files' failures, in order")
    ap.add_argument("--max-failures", type=int,
                    help="refine against at most N of the failures the dense actor passes, evenly "
                         "spaced (synapt-safety's --refine-max-failures)")
    ap.add_argument("--spec-var", required=True)
    ap.add_argument("--spec-bound", type=float, required=True)
    args = ap.parse_args()

    env = gym.make(args.env)
    dense_layers, pruned_layers = load(args.dense), load(args.pruned)
    dense = Actor(dense_layers)
    failures = [f for path in args.failures for f in read_failures(path)]
    var, bound = args.spec_var, args.spec_bound
    seconds = {}

    # Failures the dense actor fails too are set aside; a cap keeps evenly spaced ones.
    t = time.perf_counter()
    fixable = [f for f in failures if episode_ok(env, f, [], dense, var, bound)]
    dense_fails = len(failures) - len(fixable)
    if args.max_failures is not None and len(fixable) > args.max_failures:
        fixable = [fixable[i * len(fixable) // args.max_failures] for i in range(args.max_failures)]
    failures = fixable
    seconds["dense_check"] = time.perf_counter() - t

    # Recovery states.
    t = time.perf_counter()
    no_return, states = [], []
    for f in failures:
        n = len(f["actions"])
        j_star = None
        for j in range(n + 1):
            if not episode_ok(env, f, f["actions"][:j], dense, var, bound):
                j_star = j
                break
        idx = max(j_star - 1, 0) if j_star is not None else max(n - 1, 0)
        no_return.append(j_star)
        states.append(f["obs"][idx])
    seconds["recovery"] = time.perf_counter() - t

    # One backward pass of MSE(pruned(s), dense(s)), softmax outputs (discrete), float32.
    t = time.perf_counter()
    params = [(w.clone().requires_grad_(True), b.clone()) for w, b in pruned_layers]
    x = torch.tensor(states, dtype=torch.float)
    with torch.no_grad():
        target = torch.softmax(forward(dense_layers, x), dim=-1)
    loss = torch.nn.MSELoss()(torch.softmax(forward(params, x), dim=-1), target)
    loss.backward()
    ranks = [(rankdata(np.abs(w.grad.numpy()), method="dense") - 1).astype(int).reshape(w.shape) for w, _ in params]
    seconds["gradient"] = time.perf_counter() - t

    # Restoration, layer by layer, p = 0.95, 0.93, ...
    t = time.perf_counter()
    cur = [w.detach().clone().numpy() for w, _ in pruned_layers]
    biases = [b for _, b in pruned_layers]
    dense_w = [w.numpy() for w, _ in dense_layers]

    def fixed_count():
        actor = Actor([(torch.from_numpy(w), b) for w, b in zip(cur, biases)])
        return sum(episode_ok(env, f, [], actor, var, bound) for f in failures)

    fixed = fixed_count()
    p = 0.95
    done = fixed == len(failures)
    while p >= 0 and not done:
        for l in range(len(cur)):
            lb = math.ceil(np.max(ranks[l]) * p)
            idx = np.where(ranks[l] >= lb)
            cur[l][idx] = dense_w[l][idx]
            fixed = fixed_count()
            if fixed == len(failures):
                done = True
                break
        p = p - 0.02
    seconds["restoration"] = time.perf_counter() - t

    pruned_w = [w.numpy() for w, _ in pruned_layers]
    restored = [np.flatnonzero((pw == 0) & (cw != 0)).tolist() for pw, cw in zip(pruned_w, cur)]
    print(json.dumps({
        "failures": len(failures),
        "dense_fails": dense_fails,
        "fixed": fixed,
        "no_return": no_return,
        "restored": restored,
        "restored_counts": [len(r) for r in restored],
        "seconds": seconds,
    }))


if __name__ == "__main__":
    main()
