"""Evaluate an Ant actor of ours in pybullet 3.2.7's AntBulletEnv-v0 (docs/ant.md).

Two steps, two virtual environments (PyTorch is not in the gym-0.18 one):
  python ant_cross_engine.py export ACTOR.pth WEIGHTS.npz   # in the torch venv: the state_dict as arrays
  python ant_cross_engine.py run WEIGHTS.npz EPISODES       # in the gym-0.18 venv: episodes in pybullet
The actor is PruVer's FeedForwardActorNN layout (layer1 … layerN, ReLU between, the mean as the
action), as `--test` runs it. Seeds 0 … EPISODES-1. Prints one JSON line: mean and std of the return,
mean length.
"""
import json
import sys

import numpy as np


def export(actor, out):
    import torch

    state = torch.load(actor, map_location="cpu", weights_only=True)
    np.savez(out, **{k: v.double().numpy() for k, v in state.items()})


def run(weights, episodes):
    import gym
    import pybullet_envs  # noqa: F401  (registers the Bullet ids)

    w = np.load(weights)
    layers = sorted({k.split(".")[0] for k in w.files}, key=lambda n: int(n[5:]))

    def act(obs):
        x = np.asarray(obs, dtype=np.float64)
        for i, name in enumerate(layers):
            x = w[name + ".weight"] @ x
            if name + ".bias" in w.files:
                x = x + w[name + ".bias"]
            if i < len(layers) - 1:
                x = np.maximum(x, 0.0)
        return x

    env = gym.make("AntBulletEnv-v0")
    returns, lengths = [], []
    for ep in range(episodes):
        env.seed(ep)
        obs = env.reset()
        total, n = 0.0, 0
        while True:
            obs, r, done, _ = env.step(act(obs))
            total += r
            n += 1
            if done or n >= 1000:
                break
        returns.append(total)
        lengths.append(n)
    print(
        json.dumps(
            {
                "return": float(np.mean(returns)),
                "return_std": float(np.std(returns)),
                "length": float(np.mean(lengths)),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2], sys.argv[3])
    else:
        run(sys.argv[2], int(sys.argv[3]))
