"""Gymnasium side of `cargo bench --bench box2d`: the Box2D environments measured in Gymnasium 1.4
(pybox2d 2.3.10), so the Rust side can run the very same episodes and compare.

For episode i (seed = i, `env.reset(seed=i)`), it records:
  * heuristic: Gymnasium's own controller (`heuristic()` of LunarLander, the walking state machine of
    BipedalWalker): return, length, whether the lander came to rest between the flags;
  * random: open-loop actions drawn from `np.random.default_rng(10_000 + i)` (`uniform(-1, 1, size=d)`
    per step for boxes, `integers(0, n)` for discrete), so both sides feed the same actions whatever
    the state: return, length, and every observation (the divergence curve);
  * actor: a PruVer-layout actor (`--actor FILE.pth`), deterministic: return and length.
and the steps per second of one core under the random actions and under a 128x128 actor, and the
time per step spent inside Box2D's C++ `world.Step` alone (what a bit-exact engine cannot avoid).

    python box2d_fidelity.py measure ENV_ID --episodes 100 [--actor A.pth] > out.json
    python box2d_fidelity.py train ENV_ID OUT.pth --steps 300000 [--seed 0]   # SB3 PPO, ReLU 64-64
    python box2d_fidelity.py seeds ENV_ID --seeds 50 --steps 10 > out.json   # tests/env_box2d.rs
"""

import argparse
import json
import math
import sys
import time

import gymnasium as gym
import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)


def heuristic_walker():
    """Gymnasium's BipedalWalker demo controller (bipedal_walker.py `__main__`), as a closure."""
    STAY_ON_ONE_LEG, PUT_OTHER_DOWN, PUSH_OFF = 1, 2, 3
    SPEED = 0.29
    st = dict(state=STAY_ON_ONE_LEG, moving_leg=0, supporting_leg=1, supporting_knee_angle=0.1)
    SUPPORT_KNEE_ANGLE = +0.1

    def act(s):
        a = np.array([0.0, 0.0, 0.0, 0.0])
        state, moving_leg, supporting_leg = st["state"], st["moving_leg"], st["supporting_leg"]
        supporting_knee_angle = st["supporting_knee_angle"]
        contact0 = s[8]
        contact1 = s[13]
        moving_s_base = 4 + 5 * moving_leg
        supporting_s_base = 4 + 5 * supporting_leg

        hip_targ = [None, None]
        knee_targ = [None, None]
        hip_todo = [0.0, 0.0]
        knee_todo = [0.0, 0.0]

        if state == STAY_ON_ONE_LEG:
            hip_targ[moving_leg] = 1.1
            knee_targ[moving_leg] = -0.6
            supporting_knee_angle += 0.03
            if s[2] > SPEED:
                supporting_knee_angle += 0.03
            supporting_knee_angle = min(supporting_knee_angle, SUPPORT_KNEE_ANGLE)
            knee_targ[supporting_leg] = supporting_knee_angle
            if s[supporting_s_base + 0] < 0.10:  # supporting leg is behind
                state = PUT_OTHER_DOWN
        if state == PUT_OTHER_DOWN:
            hip_targ[moving_leg] = +0.1
            knee_targ[moving_leg] = SUPPORT_KNEE_ANGLE
            knee_targ[supporting_leg] = supporting_knee_angle
            if s[moving_s_base + 4]:
                state = PUSH_OFF
                supporting_knee_angle = min(s[moving_s_base + 2], SUPPORT_KNEE_ANGLE)
        if state == PUSH_OFF:
            knee_targ[moving_leg] = supporting_knee_angle
            knee_targ[supporting_leg] = +1.0
            if s[supporting_s_base + 2] > 0.88 or s[2] > 1.2 * SPEED:
                state = STAY_ON_ONE_LEG
                moving_leg = 1 - moving_leg
                supporting_leg = 1 - moving_leg

        if hip_targ[0]:
            hip_todo[0] = 0.9 * (hip_targ[0] - s[4]) - 0.25 * s[5]
        if hip_targ[1]:
            hip_todo[1] = 0.9 * (hip_targ[1] - s[9]) - 0.25 * s[10]
        if knee_targ[0]:
            knee_todo[0] = 4.0 * (knee_targ[0] - s[6]) - 0.25 * s[7]
        if knee_targ[1]:
            knee_todo[1] = 4.0 * (knee_targ[1] - s[11]) - 0.25 * s[12]

        hip_todo[0] -= 0.9 * (0 - s[0]) - 1.5 * s[1]  # PID to keep head strait
        hip_todo[1] -= 0.9 * (0 - s[0]) - 1.5 * s[1]
        knee_todo[0] -= 15.0 * s[3]  # vertical speed, to damp oscillations
        knee_todo[1] -= 15.0 * s[3]

        a[0] = hip_todo[0]
        a[1] = knee_todo[0]
        a[2] = hip_todo[1]
        a[3] = knee_todo[1]
        a = np.clip(0.5 * a, -1.0, 1.0)
        st.update(state=state, moving_leg=moving_leg, supporting_leg=supporting_leg,
                  supporting_knee_angle=supporting_knee_angle)
        return a

    return act


def controller(env_id, env):
    if env_id.startswith("LunarLander"):
        from gymnasium.envs.box2d.lunar_lander import heuristic

        return lambda s: heuristic(env, s)
    return heuristic_walker()


class Actor(nn.Module):
    """PruVer's FeedForwardActorNN: layer1..layer3 with ReLU between."""

    def __init__(self, sizes):
        super().__init__()
        self.layer1 = nn.Linear(sizes[0], sizes[1])
        self.layer2 = nn.Linear(sizes[1], sizes[2])
        self.layer3 = nn.Linear(sizes[2], sizes[3])

    def forward(self, x):
        return self.layer3(torch.relu(self.layer2(torch.relu(self.layer1(x)))))


def load_actor(path):
    sd = torch.load(path, map_location="cpu")
    sizes = [sd["layer1.weight"].shape[1], sd["layer1.weight"].shape[0],
             sd["layer2.weight"].shape[0], sd["layer3.weight"].shape[0]]
    a = Actor(sizes)
    a.load_state_dict(sd)
    return a.eval()


def actor_action(actor, obs, discrete):
    with torch.no_grad():
        out = actor(torch.as_tensor(obs, dtype=torch.float32))
    return int(out.argmax()) if discrete else out.numpy()


def landed(obs, terminated, reward):
    """At rest (Box2D put the lander to sleep: the +100 ending) between the flags (|x| <= 0.2)."""
    return bool(terminated and reward == 100 and abs(float(obs[0])) <= 0.2)


def episode(env_id, env, seed, policy):
    obs, _ = env.reset(seed=seed)
    total, n, observations = 0.0, 0, [obs.astype(float).tolist()]
    while True:
        obs, r, term, trunc, _ = env.step(policy(obs))
        total += float(r)
        n += 1
        observations.append(obs.astype(float).tolist())
        if term or trunc:
            return total, n, landed(obs, term, r), observations


def random_policy(env, seed):
    rng = np.random.default_rng(10_000 + seed)
    space = env.action_space
    if isinstance(space, gym.spaces.Discrete):
        return lambda _obs: int(rng.integers(0, space.n))
    d = space.shape[0]
    return lambda _obs: rng.uniform(-1.0, 1.0, size=d).astype(np.float32)


def measure(args):
    env = gym.make(args.env)
    discrete = isinstance(env.action_space, gym.spaces.Discrete)
    out = {"env": args.env, "gymnasium": gym.__version__, "episodes": args.episodes,
           "heuristic": [], "random": [], "actor": []}
    for i in range(args.episodes):
        # A fresh environment per episode (see `seeds`).
        env = gym.make(args.env)
        ctl = controller(args.env, env)
        ret, n, land, _ = episode(args.env, env, i, ctl)
        out["heuristic"].append({"return": ret, "length": n, "landed": land})
        # Fresh again: the heuristic's episode would otherwise leave its history in the world.
        env = gym.make(args.env)
        ret, n, land, obs = episode(args.env, env, i, random_policy(env, i))
        out["random"].append({"return": ret, "length": n, "landed": land,
                              "observations": obs if i < args.traces else None})
    if args.actor:
        actor = load_actor(args.actor)
        for i in range(args.episodes):
            env = gym.make(args.env)
            ret, n, land, _ = episode(args.env, env, i,
                                      lambda o: actor_action(actor, o, discrete))
            out["actor"].append({"return": ret, "length": n, "landed": land})

    def drive(policy, steps, on_reset=lambda: None):
        """`steps` steps of `policy`, resetting to the next seed as episodes end."""
        obs, _ = env.reset(seed=0)
        on_reset()
        n, ep = 0, 0
        while n < steps:
            obs, _r, term, trunc, _ = env.step(policy(obs))
            n += 1
            if term or trunc:
                ep += 1
                obs, _ = env.reset(seed=ep)
                on_reset()

    # Throughput on one core: random actions, then a 128x128 actor in PyTorch (1 thread).
    def rate(policy, steps):
        t = time.perf_counter()
        drive(policy, steps)
        return steps / (time.perf_counter() - t)

    def engine_seconds_per_step(policy, steps):
        """Seconds per step spent inside Box2D's C++ `world.Step` alone (a separate run: the timing
        wrapper costs Python time that must not count in the rates above)."""
        spent = [0.0]

        def timed():
            world = env.unwrapped.world  # LunarLander makes a new world per reset
            if getattr(world, "_synapt_timed", False):
                return
            step = world.Step

            def wrapper(*a):
                t = time.perf_counter()
                step(*a)
                spent[0] += time.perf_counter() - t
            world.Step = wrapper
            world._synapt_timed = True

        drive(policy, steps, timed)
        return spent[0] / steps

    obs_dim = env.observation_space.shape[0]
    act_dim = env.action_space.n if discrete else env.action_space.shape[0]
    big = Actor([obs_dim, 128, 128, act_dim]).eval()
    out["steps_per_second"] = {
        "random": rate(random_policy(env, 0), args.rate_steps),
        "actor128": rate(lambda o: actor_action(big, o, discrete), args.rate_steps),
    }
    out["box2d_step_seconds"] = engine_seconds_per_step(random_policy(env, 0), args.rate_steps)
    json.dump(out, sys.stdout)


def seeds(args):
    """Per seed: the terrain `reset(seed=s)` drew (LunarLander's smoothed chunk heights, BipedalWalker's
    terrain_x/terrain_y), and the observations and rewards of the first steps under the random
    actions of `random_policy`."""
    out = []
    for s in range(args.seeds):
        # A fresh environment per seed: BipedalWalker reuses its Box2D world across resets, and a
        # reused world's recycled proxy ids reorder contacts (synapt-safety builds a fresh world).
        env = gym.make(args.env)
        u = env.unwrapped
        obs, _ = env.reset(seed=s)
        if args.env.startswith("LunarLander"):
            terrain = [float(p[0][1]) for p in u.sky_polys] + [float(u.sky_polys[-1][1][1])]
        else:
            terrain = [float(v) for v in u.terrain_x] + [float(v) for v in u.terrain_y]
        policy = random_policy(env, s)
        observations, rewards = [obs.astype(float).tolist()], []
        for _ in range(args.steps):
            obs, r, term, trunc, _ = env.step(policy(obs))
            observations.append(obs.astype(float).tolist())
            rewards.append(float(r))
            if term or trunc:
                break
        out.append({"seed": s, "terrain": terrain, "observations": observations, "rewards": rewards})
    json.dump({"env": args.env, "seeds": out}, sys.stdout)


def train(args):
    """SB3 PPO (RL Zoo-like hyperparameters, ReLU 64-64 so the actor is PruVer's layout), exported as
    a PruVer state_dict: layer1/layer2 = mlp_extractor.policy_net, layer3 = action_net."""
    from stable_baselines3 import PPO
    from stable_baselines3.common.env_util import make_vec_env

    torch.manual_seed(args.seed)
    env = make_vec_env(args.env, n_envs=8, seed=args.seed)
    model = PPO("MlpPolicy", env, n_steps=1024, batch_size=256, n_epochs=10, gamma=0.999,
                gae_lambda=0.98, ent_coef=0.01, learning_rate=3e-4, seed=args.seed, verbose=0,
                policy_kwargs=dict(activation_fn=nn.ReLU, net_arch=dict(pi=[64, 64], vf=[64, 64])),
                device="cpu")
    t = time.time()
    model.learn(total_timesteps=args.steps)
    p = model.policy
    sd = {
        "layer1.weight": p.mlp_extractor.policy_net[0].weight, "layer1.bias": p.mlp_extractor.policy_net[0].bias,
        "layer2.weight": p.mlp_extractor.policy_net[2].weight, "layer2.bias": p.mlp_extractor.policy_net[2].bias,
        "layer3.weight": p.action_net.weight, "layer3.bias": p.action_net.bias,
    }
    torch.save({k: v.detach().clone().contiguous() for k, v in sd.items()}, args.out)
    print(json.dumps({"env": args.env, "steps": args.steps, "seconds": time.time() - t}), file=sys.stderr)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("env")
    m.add_argument("--episodes", type=int, default=100)
    m.add_argument("--traces", type=int, default=100, help="episodes whose random-action observations are kept")
    m.add_argument("--actor")
    m.add_argument("--rate-steps", type=int, default=20000)
    t = sub.add_parser("train")
    t.add_argument("env")
    t.add_argument("out")
    t.add_argument("--steps", type=int, default=300000)
    t.add_argument("--seed", type=int, default=0)
    sd = sub.add_parser("seeds")
    sd.add_argument("env")
    sd.add_argument("--seeds", type=int, default=50)
    sd.add_argument("--steps", type=int, default=10)
    a = ap.parse_args()
    {"measure": measure, "train": train, "seeds": seeds}[a.cmd](a)
