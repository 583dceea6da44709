"""Gymnasium's own trajectories, for tests/env_gymnasium.rs to replay in Rust and compare exactly.

Every float is printed as a string holding Python's repr (shortest round-trip, "inf" for infinity), so the
Rust side parses back exactly the same f64 (JSON numbers would go through serde_json's inexact parser).

Modes (JSON on stdout):
  traces ENV_ID SEED...   episodes per seed: reset(seed), run to the end and a few steps past it, then
                          reset() (RNG not reseeded) and a second episode with another policy
  resets ENV_ID SEED...   reset(seed) observation and internal state per seed
  spaces ENV_ID...        observation and action spaces
  rng SEED...             NumPy's SeedSequence/PCG64 state and a mixed sequence of Generator draws
"""

import json
import sys
import warnings

import gymnasium as gym
import numpy as np

# Stepping past termination is deliberate here; so is CartPole-v0.
warnings.filterwarnings("ignore")

EXTRA_STEPS = 3  # steps taken past the end of an episode (terminated or truncated)


def f(x):
    return repr(float(x))


def fl(xs):
    return [f(x) for x in xs]


def cartpole_action(rng, obs, balance):
    """Random actions (the pole falls within tens of steps), or a crude balancing controller with 25%
    random actions (episodes run long, many to the time limit, some end with the cart off the track)."""
    r = rng.random()
    a = int(rng.integers(0, 2))
    if balance and r >= 0.25:
        x, x_dot, theta, theta_dot = obs
        a = int(theta + 0.5 * theta_dot > 0)
    return a


SPECIAL_TORQUES = [-3.0, 3.0, -2.0, 2.0, 0.0, -0.0, 2.5e-8, 1.9999999, -2.0000002]


def pendulum_action(rng, obs, pump):
    """A float32 torque in [-3, 3] (so beyond the [-2, 2] clip), sometimes a special value; or
    energy pumping (torque along theta_dot), which drives |theta_dot| to the 8.0 clip."""
    r = rng.random()
    u = rng.uniform(-3.0, 3.0)
    special = SPECIAL_TORQUES[int(rng.integers(0, len(SPECIAL_TORQUES)))]
    if r < 0.1:
        u = special
    elif pump:
        u = 2.5 * np.sign(obs[2]) + 0.5 * u
    return np.array([u], dtype=np.float32)


def record_step(env, action, json_action):
    obs, reward, terminated, truncated, _ = env.step(action)
    return obs, {
        "action": json_action,
        "obs": fl(obs),
        "reward": f(reward),
        "terminated": bool(terminated),
        "truncated": bool(truncated),
        "state": fl(env.unwrapped.state),
    }


def episode(env, seed, policy_rng, second):
    obs, _ = env.reset(seed=seed)
    ep = {"seed": seed, "reset_obs": fl(obs), "reset_state": fl(env.unwrapped.state), "steps": []}
    past_end = None
    while past_end is None or past_end < EXTRA_STEPS:
        if env.spec.id.startswith("CartPole"):
            action = cartpole_action(policy_rng, obs, balance=second)
            json_action = action
        else:
            action = pendulum_action(policy_rng, obs, pump=second)
            json_action = f(action[0])  # the float32 value, exactly
        obs, step = record_step(env, action, json_action)
        ep["steps"].append(step)
        if past_end is not None:
            past_end += 1
        elif step["terminated"] or step["truncated"]:
            past_end = 0
    return ep


def traces(env_id, seeds):
    out = []
    for seed in seeds:
        env = gym.make(env_id)
        policy_rng = np.random.default_rng(1234 + seed)
        out.append(
            {
                "seed": seed,
                "episodes": [
                    episode(env, seed, policy_rng, second=False),
                    episode(env, None, policy_rng, second=True),
                ],
            }
        )
        env.close()
    return out


def resets(env_id, seeds):
    env = gym.make(env_id)
    out = []
    for seed in seeds:
        obs, _ = env.reset(seed=seed)
        out.append({"seed": seed, "obs": fl(obs), "state": fl(env.unwrapped.state)})
    return out


def space(s):
    if isinstance(s, gym.spaces.Discrete):
        return {"discrete": int(s.n)}
    return {"low": fl(s.low), "high": fl(s.high), "dtype": str(s.dtype)}


def spaces(env_ids):
    out = {}
    for env_id in env_ids:
        env = gym.make(env_id)
        out[env_id] = {
            "observation": space(env.observation_space),
            "action": space(env.action_space),
            "max_episode_steps": env.spec.max_episode_steps,
        }
    return out


def rng_draws(seeds):
    out = []
    for seed in seeds:
        ss = np.random.SeedSequence(seed)
        g = np.random.Generator(np.random.PCG64(ss))
        st = g.bit_generator.state["state"]
        # A fixed mix of calls that exercises the buffered 32-bit draws between 64-bit ones.
        draws = []
        for _ in range(20):
            draws.append(["random", f(g.random())])
            draws.append(["integers", 0, 10, int(g.integers(0, 10))])
            draws.append(["uniform", "-1.5", "2.5", f(g.uniform(-1.5, 2.5))])
            draws.append(["integers", -3, 2**32 - 3, int(g.integers(-3, 2**32 - 3))])
            draws.append(["integers", 5, 6, int(g.integers(5, 6))])
            draws.append(["integers", -(2**40), 2**50 + 3, int(g.integers(-(2**40), 2**50 + 3))])
            draws.append(["next_u64", str(int(g.bit_generator.random_raw()))])
            draws.append(["integers", 7, 1000007, int(g.integers(7, 1000007))])
        out.append(
            {
                "seed": seed,
                "seed_seq_state": [int(w) for w in ss.generate_state(8, np.uint32)],
                "pcg_state": hex(st["state"]),
                "pcg_inc": hex(st["inc"]),
                "draws": draws,
            }
        )
    return out


def main(argv):
    mode, args = argv[1], argv[2:]
    if mode == "traces":
        result = traces(args[0], [int(s) for s in args[1:]])
    elif mode == "resets":
        result = resets(args[0], [int(s) for s in args[1:]])
    elif mode == "spaces":
        result = spaces(args)
    elif mode == "rng":
        result = rng_draws([int(s) for s in args])
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
