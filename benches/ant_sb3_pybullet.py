"""An Ant actor trained in pybullet 3.2.7 with Stable-Baselines3, for the cross-engine table of
docs/ant.md (issue "3-D bodies on rapier3d": an actor trained here and one trained in pybullet, each
evaluated in both engines).

It runs in the torch venv (SB3, PyTorch, Gymnasium) with the gym-0.18 venv's site-packages on
PYTHONPATH (gym 0.18 and pybullet_envs), as benches/ant_sb3_pybullet.sh sets it up:

  ant_sb3_pybullet.sh train DIR [STEPS]     # SB3 PPO, rl-baselines3-zoo's AntBulletEnv-v0 settings
  ant_sb3_pybullet.sh export DIR ACTOR.pth  # the policy's mean as our actor (layer1..3, ReLU)
  ant_sb3_pybullet.sh evaluate DIR EPISODES # SB3's deterministic policy in pybullet, seeds 0..N-1

The settings are the zoo's (hyperparams/ppo.yml, AntBulletEnv-v0), the ones our own `--ppo default`
entry copies: 16 environments x 512 steps, minibatch 128, 20 epochs, gamma 0.99, GAE 0.9, clip 0.4,
lr 3e-5, gSDE resampled every 4 steps, log std -2, ReLU 256-256 (separate policy and value), no
orthogonal init, VecNormalize on observations and rewards, 2 M steps, seed 0, one torch thread.

`export` folds VecNormalize's observation statistics into layer1 (W / sigma, b - W mu / sigma; the
normaliser's +-10 clip is not folded, as our own `normalize_obs` is not clipped), so the actor takes
raw observations; its output is the Gaussian's mean, the action SB3's deterministic policy takes
(clipped to +-1 by the environment in both engines).
"""
import json
import os
import sys
import time

import gym
import gymnasium
import numpy as np
import pybullet_envs  # noqa: F401  (registers the Bullet ids)
import torch


class Adapter(gymnasium.Env):
    """pybullet_envs' gym-0.18 AntBulletEnv-v0 behind Gymnasium's API (SB3 2.x)."""

    def __init__(self):
        self.env = gym.make("AntBulletEnv-v0")
        self.observation_space = gymnasium.spaces.Box(
            -np.inf, np.inf, self.env.observation_space.shape, np.float32
        )
        self.action_space = gymnasium.spaces.Box(-1.0, 1.0, self.env.action_space.shape, np.float32)

    def reset(self, seed=None, options=None):
        if seed is not None:
            self.env.seed(seed)
        return np.asarray(self.env.reset(), dtype=np.float32), {}

    def step(self, action):
        obs, reward, done, info = self.env.step(action)
        limit = info.get("TimeLimit.truncated", False)
        return np.asarray(obs, dtype=np.float32), float(reward), done and not limit, limit, {}


def venv(n, seed):
    from stable_baselines3.common.vec_env import DummyVecEnv

    env = DummyVecEnv([Adapter for _ in range(n)])
    env.seed(seed)
    return env


def train(out, steps):
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecNormalize

    torch.set_num_threads(1)
    os.makedirs(out, exist_ok=True)
    env = VecNormalize(venv(16, 0), norm_obs=True, norm_reward=True)
    model = PPO(
        "MlpPolicy",
        env,
        n_steps=512,
        batch_size=128,
        n_epochs=20,
        gamma=0.99,
        gae_lambda=0.9,
        clip_range=0.4,
        learning_rate=3e-5,
        use_sde=True,
        sde_sample_freq=4,
        policy_kwargs=dict(
            log_std_init=-2,
            ortho_init=False,
            activation_fn=torch.nn.ReLU,
            net_arch=dict(pi=[256, 256], vf=[256, 256]),
        ),
        seed=0,
        verbose=0,
    )
    clock = time.perf_counter()
    model.learn(total_timesteps=steps)
    seconds = time.perf_counter() - clock
    model.save(os.path.join(out, "model.zip"))
    env.save(os.path.join(out, "vecnormalize.pkl"))
    print(json.dumps({"steps": steps, "seconds": seconds}))


def load(out):
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecNormalize

    model = PPO.load(os.path.join(out, "model.zip"), device="cpu")
    norm = VecNormalize.load(os.path.join(out, "vecnormalize.pkl"), venv(1, 0))
    norm.training = False
    norm.norm_reward = False
    return model, norm


def export(out, actor):
    model, norm = load(out)
    net = model.policy.mlp_extractor.policy_net
    linears = [m for m in net if isinstance(m, torch.nn.Linear)] + [model.policy.action_net]
    mu = torch.tensor(norm.obs_rms.mean, dtype=torch.float64)
    sigma = torch.sqrt(torch.tensor(norm.obs_rms.var, dtype=torch.float64) + norm.epsilon)
    state = {}
    for i, lin in enumerate(linears):
        w, b = lin.weight.detach().double(), lin.bias.detach().double()
        if i == 0:
            b = b - (w / sigma) @ mu
            w = w / sigma
        state[f"layer{i + 1}.weight"] = w.float().contiguous()
        state[f"layer{i + 1}.bias"] = b.float().contiguous()
    torch.save(state, actor)
    print(json.dumps({"actor": actor, "layers": len(linears)}))


def evaluate(out, episodes):
    model, norm = load(out)
    env = gym.make("AntBulletEnv-v0")
    returns, lengths = [], []
    for ep in range(episodes):
        env.seed(ep)
        obs, total, n, done = env.reset(), 0.0, 0, False
        while not done:
            a, _ = model.predict(norm.normalize_obs(np.asarray(obs, np.float32)), deterministic=True)
            obs, r, done, _ = env.step(a)
            total += r
            n += 1
        returns.append(total)
        lengths.append(n)
    print(json.dumps({"mean": float(np.mean(returns)), "std": float(np.std(returns)),
                      "length": float(np.mean(lengths))}))


if __name__ == "__main__":
    cmd, out = sys.argv[1], sys.argv[2]
    if cmd == "train":
        train(out, int(sys.argv[3]) if len(sys.argv) > 3 else 2_000_000)
    elif cmd == "export":
        export(out, sys.argv[3])
    elif cmd == "evaluate":
        evaluate(out, int(sys.argv[3]))
    else:
        sys.exit(f"unknown command {cmd}")
