"""The reference environments' own trajectories, for tests/env_gymnasium.rs and tests/env_legacy.rs to
replay in Rust and compare.

Gymnasium ids run on Gymnasium (`reset(seed=s)`); the gym-0.18-era ids (Pendulum-v0, CartPoleSwingUp-*,
the pybullet swing-up and balance task) run on gym 0.18.0 with the PyPI packages (`env.seed(s); env.reset()`), in the
interpreter of tests/oracle/legacy_setup.sh. The NumPy of the interpreter decides the promotion rules.

Every float is printed as a string holding Python's repr (shortest round-trip, "inf" for infinity), so the
Rust side parses back exactly the same f64 (JSON numbers would go through serde_json's inexact parser).

Modes (JSON on stdout):
  traces ENV_ID SEED...   episodes per seed: reset(seed), on odd seeds a perturbation (state and physical
                          parameters, set as attributes the way the Rust perturbation defines them), run
                          to the end and a few steps past it, then reset() (RNG not reseeded) and a
                          second episode with another policy (the pybullet balance task: a balancing
                          controller, see balance_action, whose feed-forward part and gains are recorded
                          so that the Rust side can close the same loop)
  resets ENV_ID SEED...   reset(seed) observation and internal state per seed
  spaces ENV_ID...        observation and action spaces
  rng SEED...             NumPy's SeedSequence/PCG64 state and a mixed sequence of Generator draws
"""

import importlib.util  # noqa: F401  (gym-cartpole-swingup needs it imported on Python >= 3.10)
import json
import math
import os
import sys
import tempfile
import warnings

import numpy as np

# Stepping past termination is deliberate here; so is CartPole-v0.
warnings.filterwarnings("ignore")

LEGACY = ("Pendulum-v0", "CartPoleSwingUp-v0", "CartPoleSwingUp-v1", "InvertedPendulumBulletEnv-v0",
          "InvertedPendulumSwingupBulletEnv-v0", "InvertedPendulumSwingupLongRailBulletEnv-v0")
BULLET_STEPS = 300  # steps per pybullet swing-up episode (its limit is 1000)
BALANCE = "InvertedPendulumBulletEnv-v0"  # runs to its end: termination or the 1000-step limit
BULLET_FAMILIES = ("InvertedPendulumSwingup", "InvertedPendulum")


def is_legacy(env_id):
    return env_id in LEGACY


def gymnasium():
    import gymnasium as gym
    return gym

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


def mountain_car_action(rng, obs, pump):
    """A float32 force in [-1.5, 1.5] (beyond the clip), sometimes a special value; or energy pumping
    (force along the velocity), which reaches the goal and the left wall."""
    r = rng.random()
    u = rng.uniform(-1.5, 1.5)
    special = [-1.0, 1.0, 0.0, -0.0, -1.0000001, 1.0000001, 0.99999994][int(rng.integers(0, 7))]
    if r < 0.1:
        u = special
    elif pump:
        u = np.sign(obs[1]) * (1.0 if obs[1] != 0 else -1.0) + 0.2 * u
    return np.array([u], dtype=np.float32)


def swingup_action(rng, obs, t, pump):
    """Random forces in [-1.5, 1.5]; or long pushes one way then the other (hard swings, the cart leaves
    the track or hits the pybullet rail ends)."""
    u = rng.uniform(-1.5, 1.5)
    if rng.random() < 0.05:
        u = [-1.0, 1.0, 0.0, -0.0, 2.0][int(rng.integers(0, 5))]
    elif pump:
        u = (1.0 if (t // 45) % 2 == 0 else -1.0) + 0.3 * u
    return np.array([u], dtype=np.float32)


# The balance controller's gains on (x, x_dot, sin_theta, theta_dot); theta > 0 leans towards +x.
BALANCE_GAINS = (0.3, 0.5, 8.0, 1.0)


def balance_action(rng, obs, t, to_rail):
    """A linear balancing controller plus random pushes in [-0.3, 0.3]: it holds the pole up to the time
    limit; with `to_rail` its cart target alternates between +-1.5 m every 150 steps, beyond the rail's
    ends, so the cart hits an end and the pole falls (the episode terminates). Returns the float32
    action and its feed-forward part u0: the action is float32(u0 + gains . (x, x_dot, sin, theta_dot)),
    summed left to right, which the Rust side recomputes from its own observations."""
    kx, kv, ks, kw = BALANCE_GAINS
    target = (1.5 if (t // 150) % 2 == 0 else -1.5) if to_rail else 0.0
    u0 = 0.3 * rng.uniform(-1.0, 1.0) - kx * target
    u = u0 + kx * obs[0] + kv * obs[1] + ks * obs[3] + kw * obs[4]
    return np.array([u], dtype=np.float32), u0


# Perturbation values the oracle draws on odd seeds: (name, low, high), the Rust parameter names.
PERTURBATIONS = {
    "CartPole": [("x", -0.05, 0.05), ("x_dot", -0.05, 0.05), ("theta", -0.05, 0.05),
                 ("theta_dot", -0.05, 0.05), ("masscart", 0.5, 1.5), ("masspole", 0.05, 0.15),
                 ("length", 0.4, 0.6), ("force_mag", 8.0, 12.0)],
    "Pendulum": [("cos_theta", -1.0, 1.0), ("sin_theta", 0.0, 1.0), ("theta_dot", -1.0, 1.0),
                 ("g", 8.0, 12.0), ("m", 0.8, 1.2), ("l", 0.8, 1.2)],
    "MountainCarContinuous": [("position", -0.6, -0.4), ("velocity", -0.02, 0.02), ("power", 0.0012, 0.0018)],
    "CartPoleSwingUp": [("x", -0.2, 0.2), ("x_dot", -0.2, 0.2), ("theta", -0.2, 0.2), ("theta_dot", -0.2, 0.2),
                        ("cart_mass", 0.25, 0.75), ("pole_mass", 0.25, 0.75), ("pole_length", 0.4, 0.8),
                        ("friction", 0.05, 0.15)],
    "InvertedPendulumSwingup": [("x", -0.2, 0.2), ("x_dot", -0.2, 0.2), ("theta", -0.2, 0.2),
                                ("theta_dot", -0.2, 0.2)],
    "InvertedPendulum": [("x", -0.2, 0.2), ("x_dot", -0.2, 0.2), ("theta", -0.1, 0.1),
                         ("theta_dot", -0.2, 0.2)],
}


def family(env_id):
    return env_id.split("-")[0].replace("LongRail", "").replace("BulletEnv", "")


def apply_perturbation(env, env_id, p):
    """Set the perturbation as attributes, exactly as the Rust side defines it; returns the observation."""
    u = env.unwrapped
    fam = family(env_id)
    if fam == "CartPole":
        u.state = np.array([p["x"], p["x_dot"], p["theta"], p["theta_dot"]])
        u.masscart, u.masspole, u.length, u.force_mag = p["masscart"], p["masspole"], p["length"], p["force_mag"]
        # Gymnasium derives these once in __init__; the perturbation follows the new masses.
        u.total_mass = u.masspole + u.masscart
        u.polemass_length = u.masspole * u.length
        return np.array(u.state, dtype=np.float32)
    if fam == "Pendulum":
        # math.atan2 is libm's (NumPy 1 may take SVML's arctan2 on AVX-512).
        u.state = np.array([math.atan2(p["sin_theta"], p["cos_theta"]), p["theta_dot"]])
        u.g, u.m, u.l = p["g"], p["m"], p["l"]
        return u._get_obs()
    if fam == "MountainCarContinuous":
        u.state = np.array([p["position"], p["velocity"]])
        u.power = p["power"]
        return np.array(u.state, dtype=np.float32)
    if fam == "CartPoleSwingUp":
        from gym_cartpole_swingup.envs.cartpole_swingup import (CartParams, CartPoleSwingUpParams,
                                                                 PoleParams, State)
        off = np.array([p["x"], p["x_dot"], p["theta"], p["theta_dot"]])
        u.state = State(*(np.array(u.state, dtype=np.float64) + off))
        u.params = CartPoleSwingUpParams(
            friction=p["friction"], cart=CartParams(mass=p["cart_mass"]),
            pole=PoleParams(length=p["pole_length"], mass=p["pole_mass"]))
        return u._get_obs(u.state)
    if fam in BULLET_FAMILIES:
        r = u.robot
        x, vx = r.slider.current_position()
        th, thd = r.j1.current_position()
        r.slider.reset_current_position(x + p["x"], vx + p["x_dot"])
        r.j1.reset_current_position(th + p["theta"], thd + p["theta_dot"])
        return r.calc_state()
    raise SystemExit(f"no perturbation for {env_id}")


PHYSICAL = ("masscart", "masspole", "length", "force_mag", "total_mass", "polemass_length",
            "g", "m", "l", "power", "params")


def physics(env):
    """The physical attributes a perturbation may replace (the Rust side restores them on reset)."""
    u = env.unwrapped
    return {k: getattr(u, k) for k in PHYSICAL if hasattr(u, k)}


def restore_physics(env, saved):
    for k, v in saved.items():
        setattr(env.unwrapped, k, v)


def internal_state(env, env_id):
    u = env.unwrapped
    if family(env_id) in BULLET_FAMILIES:
        x, vx = u.robot.slider.current_position()
        th, thd = u.robot.j1.current_position()
        return [x, vx, th, thd]
    return list(u.state)


LONG_RAIL_DIR = None


def long_rail_data_path():
    """pybullet_data with the slider range (and the drawn rail) made -2..2, as the Synaptolysis README does."""
    global LONG_RAIL_DIR
    import pybullet_data
    if LONG_RAIL_DIR is None:
        src = os.path.join(pybullet_data.getDataPath(), "mjcf", "inverted_pendulum.xml")
        xml = open(src).read()
        assert 'range="-1 1"' in xml and 'size="0.02 1"' in xml
        xml = xml.replace('range="-1 1"', 'range="-2 2"').replace('size="0.02 1"', 'size="0.02 2"')
        LONG_RAIL_DIR = tempfile.mkdtemp(prefix="longrail")
        os.makedirs(os.path.join(LONG_RAIL_DIR, "mjcf"))
        with open(os.path.join(LONG_RAIL_DIR, "mjcf", "inverted_pendulum.xml"), "w") as fh:
            fh.write(xml)
    return LONG_RAIL_DIR


def make(env_id):
    if not is_legacy(env_id):
        return gymnasium().make(env_id)
    import gym
    if env_id.startswith("CartPoleSwingUp"):
        import gym_cartpole_swingup  # noqa: F401  (registers the ids)
    if "Bullet" in env_id:
        import pybullet_data
        import pybullet_envs  # noqa: F401  (registers the ids)
        if "LongRail" in env_id:
            path = long_rail_data_path()
            pybullet_data.getDataPath = lambda: path
        return gym.make(BALANCE if env_id == BALANCE else "InvertedPendulumSwingupBulletEnv-v0")
    return gym.make(env_id)


def reset(env, env_id, seed):
    if is_legacy(env_id):
        if seed is not None:
            env.seed(seed)
        return env.reset()
    obs, _ = env.reset(seed=seed)
    return obs


def step(env, env_id, action):
    if is_legacy(env_id):
        obs, reward, done, info = env.step(action)
        # gym 0.18's TimeLimit marks a cut-off episode; otherwise `done` is the environment's own.
        truncated = bool(info.get("TimeLimit.truncated", False))
        terminated = bool(done) and not truncated
        return obs, reward, terminated, truncated
    obs, reward, terminated, truncated, _ = env.step(action)
    return obs, reward, bool(terminated), bool(truncated)


def choose_action(env_id, rng, obs, t, second):
    fam = family(env_id)
    if fam == "CartPole":
        a = cartpole_action(rng, obs, balance=second)
        return a, a
    if fam == "Pendulum":
        a = pendulum_action(rng, obs, pump=second)
    elif fam == "MountainCarContinuous":
        a = mountain_car_action(rng, obs, pump=second)
    else:
        a = swingup_action(rng, obs, t, pump=second)
    return a, f(a[0])  # the float32 value, exactly


def record_step(env, env_id, action, json_action):
    obs, reward, terminated, truncated = step(env, env_id, action)
    return obs, {
        "action": json_action,
        "obs": fl(obs),
        "reward": f(reward),
        "terminated": terminated,
        "truncated": truncated,
        "state": fl(internal_state(env, env_id)),
    }


def episode(env, env_id, seed, policy_rng, second, perturb, to_rail=False):
    obs = reset(env, env_id, seed)
    ep = {"seed": seed, "reset_obs": fl(obs), "reset_state": fl(internal_state(env, env_id)), "steps": []}
    nominal = physics(env)
    if perturb:
        p = {name: float(policy_rng.uniform(lo, hi)) for name, lo, hi in PERTURBATIONS[family(env_id)]}
        obs = apply_perturbation(env, env_id, p)
        ep["perturbation"] = {k: f(v) for k, v in p.items()}
        ep["perturbed_obs"] = fl(obs)
        ep["perturbed_state"] = fl(internal_state(env, env_id))
    bullet = "Bullet" in env_id and env_id != BALANCE
    controlled = env_id == BALANCE and second
    if controlled:
        ep["gains"] = fl(BALANCE_GAINS)
    past_end = None
    t = 0
    while past_end is None or past_end < EXTRA_STEPS:
        if controlled:
            action, u0 = balance_action(policy_rng, obs, t, to_rail)
            json_action = f(action[0])
        else:
            action, json_action = choose_action(env_id, policy_rng, obs, t, second)
        obs, st = record_step(env, env_id, action, json_action)
        if controlled:
            st["u0"] = f(u0)
        ep["steps"].append(st)
        t += 1
        if past_end is not None:
            past_end += 1
        elif st["terminated"] or st["truncated"] or (bullet and t >= BULLET_STEPS):
            past_end = 0
    restore_physics(env, nominal)
    return ep


def traces(env_id, seeds):
    out = []
    for seed in seeds:
        env = make(env_id)
        policy_rng = np.random.default_rng(1234 + seed)
        out.append(
            {
                "seed": seed,
                "episodes": [
                    episode(env, env_id, seed, policy_rng, second=False, perturb=seed % 2 == 1),
                    episode(env, env_id, None, policy_rng, second=True, perturb=False,
                            to_rail=seed % 2 == 1),
                ],
            }
        )
        env.close()
    return out


def resets(env_id, seeds):
    env = make(env_id)
    out = []
    for seed in seeds:
        obs = reset(env, env_id, seed)
        out.append({"seed": seed, "obs": fl(obs), "state": fl(internal_state(env, env_id))})
    return out


def space(s):
    gym = gymnasium()
    if isinstance(s, gym.spaces.Discrete):
        return {"discrete": int(s.n)}
    return {"low": fl(s.low), "high": fl(s.high), "dtype": str(s.dtype)}


def spaces(env_ids):
    out = {}
    for env_id in env_ids:
        env = gymnasium().make(env_id)
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
    # pybullet prints to the C stdout; keep the real stdout for the JSON alone.
    json_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
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
    json.dump(result, json_out)
    json_out.flush()


if __name__ == "__main__":
    main(sys.argv)
