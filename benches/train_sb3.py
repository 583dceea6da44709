"""Stable-Baselines3 side of `cargo bench --bench train`: SB3's PPO (from PyPI) with the RL Zoo's
tuned hyperparameters (rl-baselines3-zoo, hyperparams/ppo.yml), trained until the mean return of 100
deterministic episodes (seeds 0..99, Gymnasium's env.reset(seed=i)) first reaches the threshold.

Evaluations run every --eval-every environment steps and are not counted in the wall time (the clock
is paused), exactly as on the Rust side. Prints one JSON object per environment.

usage: train_sb3.py ENV_ID THRESHOLD MAX_STEPS EVAL_EVERY SEED

InvertedPendulumSwingupLongRailBulletEnv-v0 is pybullet's own swing-up (pybullet 3.2.7 from PyPI,
installed here on first use) with the slider range made -2..2 as tests/oracle/gym_traces.py does it,
adapted to Gymnasium's API: `pybullet_envs` imports the retired `gym` package, which this environment
replaces with the Gymnasium pieces it uses.
"""

import json
import os
import subprocess
import sys
import time
import types

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import VecNormalize


def lin(v):
    """The zoo's `lin_<v>`: linear decay from v to 0 over training."""
    return lambda progress_remaining: progress_remaining * v


# rl-baselines3-zoo hyperparams/ppo.yml ("# Tuned" entries).
ZOO = {
    "CartPole-v1": dict(
        n_envs=8, n_timesteps=1e5, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98,
        n_epochs=20, ent_coef=0.0, learning_rate=lin(0.001), clip_range=lin(0.2),
    ),
    "Pendulum-v1": dict(
        n_envs=4, n_timesteps=1e5, n_steps=1024, gae_lambda=0.95, gamma=0.9, n_epochs=10,
        ent_coef=0.0, learning_rate=1e-3, clip_range=0.2, use_sde=True, sde_sample_freq=4,
    ),
    "MountainCarContinuous-v0": dict(
        normalize=True, n_envs=1, n_timesteps=20000, batch_size=256, n_steps=8, gamma=0.9999,
        learning_rate=7.77e-05, ent_coef=0.00429, clip_range=0.1, n_epochs=10, gae_lambda=0.9,
        max_grad_norm=5, vf_coef=0.19, use_sde=True,
        policy_kwargs=dict(log_std_init=-3.29, ortho_init=False),
    ),
    "LunarLanderContinuous-v3": dict(
        normalize=True, n_envs=16, n_timesteps=1e6, n_steps=1024, batch_size=64, gae_lambda=0.98,
        gamma=0.999, n_epochs=4, ent_coef=0.01,
    ),
    "BipedalWalker-v3": dict(
        normalize=True, n_envs=32, n_timesteps=5e6, n_steps=2048, batch_size=64, gae_lambda=0.95,
        gamma=0.999, n_epochs=10, ent_coef=0.0, learning_rate=3e-4, clip_range=0.18,
    ),
    # The zoo's InvertedPendulumSwingupBulletEnv-v0 entry (not marked tuned), on the long rail.
    "InvertedPendulumSwingupLongRailBulletEnv-v0": dict(
        normalize=True, n_envs=8, n_timesteps=2e6, n_steps=2048, batch_size=64, gae_lambda=0.95,
        gamma=0.99, n_epochs=10, ent_coef=0.0, learning_rate=2.5e-4, clip_range=0.2,
    ),
}

LONG_RAIL = "InvertedPendulumSwingupLongRailBulletEnv-v0"


def gym_from_gymnasium():
    """Make `import gym` give pybullet_envs what it uses of gym 0.18 (Env, spaces, utils.seeding, a
    registry with `env_specs`, `__version__`), taken from Gymnasium; and `pkg_resources.parse_version`."""
    if "gym" in sys.modules:
        return
    reg = types.ModuleType("gym.envs.registration")
    reg.registry = types.SimpleNamespace(env_specs={})
    reg.register = lambda *args, **kwargs: None
    reg.make, reg.spec = gym.make, gym.spec
    envs = types.ModuleType("gym.envs")
    envs.registration = reg
    shim = types.ModuleType("gym")
    shim.__version__ = "0.18.0"
    shim.Env, shim.spaces, shim.utils, shim.envs = gym.Env, gym.spaces, gym.utils, envs
    pkg = types.ModuleType("pkg_resources")
    pkg.parse_version = lambda v: tuple(int(x) for x in v.split(".")[:3] if x.isdigit())
    sys.modules.update({
        "gym": shim, "gym.envs": envs, "gym.envs.registration": reg, "gym.spaces": gym.spaces,
        "gym.utils": gym.utils, "gym.utils.seeding": gym.utils.seeding, "pkg_resources": pkg,
    })


class LongRailSwingup(gym.Env):
    """pybullet's InvertedPendulumSwingupBulletEnv on the -2..2 rail, with Gymnasium's API; episodes
    end at 1000 steps as the registered id's TimeLimit ends them."""

    def __init__(self):
        try:
            import pybullet  # noqa: F401
        except ImportError:
            subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pybullet==3.2.7"])
        gym_from_gymnasium()
        oracle = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "oracle")
        if oracle not in sys.path:
            sys.path.insert(0, oracle)
        from gym_traces import long_rail_data_path
        import pybullet_data
        path = long_rail_data_path()
        pybullet_data.getDataPath = lambda: path
        from pybullet_envs.gym_pendulum_envs import InvertedPendulumSwingupBulletEnv
        self.env = InvertedPendulumSwingupBulletEnv()
        self.observation_space = self.env.observation_space
        self.action_space = self.env.action_space
        self.t = 0

    def reset(self, seed=None, options=None):
        if seed is not None:
            self.env.seed(seed)
        self.t = 0
        return np.asarray(self.env.reset(), dtype=np.float32), {}

    def step(self, action):
        obs, reward, done, info = self.env.step(action)
        self.t += 1
        return np.asarray(obs, dtype=np.float32), float(reward), bool(done), self.t >= 1000, info


gym.register(LONG_RAIL, entry_point=LongRailSwingup)

# PruVer's ids that Gymnasium 1.x no longer registers, and the ones that replace them.
RENAMED = {"LunarLanderContinuous-v2": "LunarLanderContinuous-v3"}


def evaluate(model, env_id, norm, episodes=100):
    """100 deterministic episodes, episode i from reset(seed=i), stepped as one batch. The action is
    the policy's mean as it is, as `synapt-safety --test` steps an actor: `model.predict` would clip it
    to the action space, which only MountainCarContinuous's reward (-0.1 a^2 of the unclipped action)
    can tell apart."""
    envs = [gym.make(env_id) for _ in range(episodes)]
    obs = np.array([e.reset(seed=i)[0] for i, e in enumerate(envs)])
    ret = np.zeros(episodes)
    active = np.ones(episodes, dtype=bool)
    while active.any():
        o = norm.normalize_obs(obs) if norm is not None else obs
        with torch.no_grad():
            act = model.policy._predict(model.policy.obs_to_tensor(o)[0], deterministic=True)
        act = act.cpu().numpy()
        for i in np.flatnonzero(active):
            ob, r, term, trunc, _ = envs[i].step(act[i])
            obs[i] = ob
            ret[i] += r
            if term or trunc:
                active[i] = False
    return float(ret.mean()), float(ret.std())


class Race(BaseCallback):
    def __init__(self, env_id, threshold, eval_every, max_steps):
        super().__init__()
        self.env_id, self.threshold, self.eval_every = env_id, threshold, eval_every
        self.max_steps = max_steps
        self.next_eval = eval_every
        self.train_time = 0.0
        self.t0 = None
        self.reached = None
        self.last_eval = None

    def _on_training_start(self):
        self.t0 = time.perf_counter()

    def _on_step(self):
        if self.num_timesteps < self.next_eval:
            return True
        self.train_time += time.perf_counter() - self.t0
        self.next_eval += self.eval_every
        norm = self.model.get_vec_normalize_env()
        mean, std = evaluate(self.model, self.env_id, norm)
        self.last_eval = (self.num_timesteps, mean, std)
        print(f"SB3 {self.env_id}: {self.num_timesteps} steps, {self.train_time:.1f} s training: "
              f"{mean:.1f} ± {std:.1f}", file=sys.stderr, flush=True)
        self.t0 = time.perf_counter()
        if mean >= self.threshold:
            self.reached = (self.num_timesteps, self.train_time, mean, std)
            return False
        return self.num_timesteps < self.max_steps


def main():
    env_id, threshold, max_steps, eval_every, seed = (
        sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    env_id = RENAMED.get(env_id, env_id)
    # One thread: for networks this small PyTorch's intra-op threads only cost (as on the Rust side).
    torch.set_num_threads(1)
    hp = dict(ZOO[env_id])
    n_envs = hp.pop("n_envs")
    hp.pop("n_timesteps")
    normalize = hp.pop("normalize", False)
    venv = make_vec_env(env_id, n_envs=n_envs, seed=seed)
    if normalize:
        venv = VecNormalize(venv, gamma=hp.get("gamma", 0.99))
    model = PPO("MlpPolicy", venv, seed=seed, device="cpu", verbose=0, **hp)
    race = Race(env_id, threshold, eval_every, max_steps)
    model.learn(total_timesteps=max_steps, callback=race)
    if race.reached is None:
        race.train_time += time.perf_counter() - race.t0
        norm = model.get_vec_normalize_env()
        mean, std = evaluate(model, env_id, norm)
        race.last_eval = (model.num_timesteps, mean, std)
    steps, mean, std = race.last_eval
    print(json.dumps({
        "env": env_id, "trainer": f"SB3 {__import__('stable_baselines3').__version__} PPO (RL Zoo)",
        "reached": race.reached is not None,
        "steps_to_threshold": race.reached[0] if race.reached else None,
        "seconds_to_threshold": race.reached[1] if race.reached else None,
        "final_steps": steps, "final_mean": mean, "final_std": std,
        "train_seconds": race.train_time,
    }))


if __name__ == "__main__":
    main()
