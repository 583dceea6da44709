"""pybullet 3.2.7's AntBulletEnv-v0 (pybullet_envs on gym 0.18), measured the way benches/ant.rs
measures ours, for the side-by-side table of docs/ant.md.

Usage: python ant_pybullet.py EPISODES ZERO_STEPS
Prints one JSON line: the zero-action run (torso height after ZERO_STEPS steps, the lowest height,
the episode's length), and EPISODES random-action episodes (actions U(-1, 1) from
np.random.RandomState(1000 + episode), env seed = episode): mean return, mean of each reward term per
episode, mean length, and microseconds per step.
"""
import json
import sys
import time

import gym
import numpy as np
import pybullet_envs  # noqa: F401  (registers the Bullet ids)


def main():
    episodes, zero_steps = int(sys.argv[1]), int(sys.argv[2])
    env = gym.make("AntBulletEnv-v0")
    inner = env.unwrapped

    env.seed(0)
    env.reset()
    heights, length = [], 0
    for _ in range(zero_steps):
        _, _, done, _ = env.step(np.zeros(8))
        heights.append(float(inner.robot.body_real_xyz[2]))
        length += 1
        if done:
            break
    zero = {"z_end": heights[-1], "z_min": min(heights), "length": length}

    returns, lengths = [], []
    terms = np.zeros(4)
    steps, seconds = 0, 0.0
    for ep in range(episodes):
        rng = np.random.RandomState(1000 + ep)
        env.seed(ep)
        env.reset()
        total, n = 0.0, 0
        t = time.perf_counter()
        while True:
            _, r, done, _ = env.step(rng.uniform(-1, 1, 8))
            total += r
            terms += np.array(inner.rewards[:4])
            n += 1
            if done or n >= 1000:
                break
        seconds += time.perf_counter() - t
        steps += n
        returns.append(total)
        lengths.append(n)
    print(
        json.dumps(
            {
                "zero": zero,
                "return": float(np.mean(returns)),
                "return_std": float(np.std(returns)),
                "terms": (terms / episodes).tolist(),
                "length": float(np.mean(lengths)),
                "us_per_step": seconds / steps * 1e6,
            }
        )
    )


if __name__ == "__main__":
    main()
