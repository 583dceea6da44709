"""The Python side of `cargo bench --bench foundation`: the same work in PyTorch + Gymnasium.

Prints one JSON object: per-call microseconds of the actor's forward pass and of env.step, and the
wall time of a PruVer-style deterministic evaluation (no interpreter start-up counted).
"""

import json
import sys
import time
import timeit

import gymnasium as gym
import numpy as np
import torch

sys.path.insert(0, sys.argv[1])  # tests/oracle
from torch_actors import FeedForwardActorNN, run_episodes  # noqa: E402

actor_path, episodes = sys.argv[2], int(sys.argv[3])
torch.set_num_threads(1)
actor = FeedForwardActorNN(4, 2, 128, discrete=True)
actor.load_state_dict(torch.load(actor_path))
obs = np.array([0.01, -0.02, 0.03, 0.04], dtype=np.float32)


def forward():
    with torch.no_grad():
        actor(obs)


def per_call_us(fn, n):
    return min(timeit.repeat(fn, number=n, repeat=5)) / n * 1e6


out = {"forward_us": per_call_us(forward, 2000)}
for env_id, action in (("CartPole-v1", 1), ("Pendulum-v1", np.array([0.5], dtype=np.float32))):
    env = gym.make(env_id)
    env.reset(seed=0)

    def step():
        _, _, term, trunc, _ = env.step(action)
        if term or trunc:
            env.reset()

    out[env_id + "_step_us"] = per_call_us(step, 5000)


class Args:
    env, actor, seed, float64 = "CartPole-v1", actor_path, 0, False


Args.episodes = episodes
start = time.perf_counter()
eps = run_episodes(Args)
out["eval_seconds"] = time.perf_counter() - start
out["eval_steps"] = sum(e["length"] for e in eps)
print(json.dumps(out))
