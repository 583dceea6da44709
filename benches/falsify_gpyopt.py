"""GPyOpt's side of `cargo bench --bench falsify`: PruVer's NeurIPS 2021 predecessor's falsifier.

    python benches/falsify_gpyopt.py run    ENV ACTOR.json SPEC FORMULA SEED [--init 5] [--max-iter 200]
    python benches/falsify_gpyopt.py random ENV ACTOR.json SPEC FORMULA SEED [--init 5] [--max-iter 200]
    python benches/falsify_gpyopt.py check ENV ACTOR.json SPEC FORMULA POINTS.json

Runs in the GPyOpt virtual environment (benches/gpyopt_setup.sh: GPyOpt 1.2.6, GPy, NumPy 1.26,
Gymnasium), not the project's: GPy needs NumPy < 2, and torch is not installed there, so the actor
comes as JSON (the bench exports the `.pth` with synapt-safety's own loader).

`run`: the predecessor's BO, as its code does it,

    np.random.seed(SEED)
    bo = GPyOpt.methods.BayesianOptimization(f, domain, acquisition_type='EI', exact_feval=True,
                                             de_duplication=True)       # 5 random initial points
    bo.run_optimization(max_iter=200, eps=1e-6)

over the same box as `synapt-safety --falsify` (the environment's initial-state parameters), with the
same objective: reset Gymnasium's environment, set the initial state from the point, run the
deterministic actor, and compute the robustness of the same specification. `random`: the baseline,
init + max-iter points drawn uniformly from the box with NumPy (`np.random.seed(SEED)`). `check`: the robustness
at given points, which the bench compares with synapt-safety's evaluations of the same points.

Prints one JSON object on stdout.
"""

import json
import math
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")

import gymnasium as gym  # noqa: E402

# The searched parameters per environment, in synapt-safety's order and with its default bounds
# (`synapt-safety --list-envs`: the "set" parameters; the bench passes no --params).
BOXES = {
    "CartPole-v0": [
        ("x", -0.05, 0.05),
        ("x_dot", -0.05, 0.05),
        ("theta", -0.05, 0.05),
        ("theta_dot", -0.05, 0.05),
    ],
    "Pendulum-v1": [
        ("cos_theta", -1.0, 1.0),
        ("sin_theta", 0.0, 1.0),
        ("theta_dot", -1.0, 1.0),
    ],
    # Offsets of the lander with its legs, rigidly (synapt-safety's LunarLander parameters).
    "LunarLanderContinuous-v3": [
        ("x", -2.0, 2.0),
        ("y", -3.0, 0.0),
        ("vx", -2.0, 2.0),
        ("vy", -2.0, 1.0),
        ("angle", -0.3, 0.3),
    ],
}

# The robustness of each specification of specifications.yml this script knows, written out over the
# recorded episode. Signals are sampled at every observation (the initial one included), as
# synapt-safety's `falsify::catalog::signals` does; `return` is the running sum from 0.0.
SPECS = {
    "position": (
        "always(abs(x) <= 2.4)",
        lambda obs, rets: min(2.4 - abs(o[0]) for o in obs),
    ),
    "upright": (
        "always(abs(theta) <= 0.2)",
        lambda obs, rets: min(0.2 - abs(o[2]) for o in obs),
    ),
    "return_300": (
        "at_end(return >= -300)",
        lambda obs, rets: rets[-1] - (-300.0),
    ),
    "return_nonnegative": (
        "at_end(return >= 0)",
        lambda obs, rets: rets[-1],
    ),
    "flags": (
        "always(abs(x) <= 0.4)",
        lambda obs, rets: min(0.4 - abs(o[0]) for o in obs),
    ),
}


def lunar_perturb(u, values):
    """synapt-safety's LunarLander perturbation: move the lander and its legs together by (x, y), turn
    them by `angle` about the lander's origin, and add (vx, vy) to their velocities; then the
    observation, computed as LunarLander.step computes it."""
    dx, dy, dvx, dvy, da = (float(v) for v in values)
    lander = u.lander
    lx, ly = float(lander.position[0]), float(lander.position[1])
    c, s = math.cos(da), math.sin(da)
    for b in [lander] + list(u.legs):
        rx, ry = float(b.position[0]) - lx, float(b.position[1]) - ly
        b.transform = ((lx + dx + c * rx - s * ry, ly + dy + s * rx + c * ry), float(b.angle) + da)
        v = b.linearVelocity
        b.linearVelocity = (float(v[0]) + dvx, float(v[1]) + dvy)
    W, H = 600 / 30, 400 / 30
    pos, vel = lander.position, lander.linearVelocity
    state = [
        (pos.x - W / 2) / (W / 2),
        (pos.y - (u.helipad_y + 18 / 30)) / (H / 2),
        vel.x * (W / 2) / 50,
        vel.y * (H / 2) / 50,
        lander.angle,
        20.0 * lander.angularVelocity / 50,
        1.0 if u.legs[0].ground_contact else 0.0,
        1.0 if u.legs[1].ground_contact else 0.0,
    ]
    return np.array(state, dtype=np.float32)


class Actor:
    """PruVer's FeedForwardActorNN as synapt-safety runs it: float64 arithmetic on the float32
    observation, ReLU between layers; the argmax (first on ties) for discrete actions, the mean as a
    float32 array for continuous ones (the environment clips it)."""

    def __init__(self, path, discrete):
        with open(path) as f:
            layers = json.load(f)["layers"]
        self.layers = [
            (np.asarray(l["weight"], dtype=np.float64), np.asarray(l["bias"], dtype=np.float64))
            for l in layers
        ]
        self.discrete = discrete

    def act(self, obs):
        a = np.asarray(obs, dtype=np.float64)
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            a = w @ a + b
            if i < last:
                a = np.maximum(a, 0.0)
        if self.discrete:
            return int(np.argmax(a))
        return a.astype(np.float32)


class Objective:
    """The robustness of one episode from the perturbed initial state; records every evaluation and
    the time spent in it (the simulation)."""

    def __init__(self, env_id, actor_path, spec, formula, seed):
        if env_id not in BOXES:
            raise SystemExit(f"falsify_gpyopt.py: no box for {env_id}; known: {sorted(BOXES)}")
        if spec not in SPECS:
            raise SystemExit(f"falsify_gpyopt.py: unknown specification {spec}; known: {sorted(SPECS)}")
        if SPECS[spec][0] != formula:
            raise SystemExit(
                f"falsify_gpyopt.py: specification {spec} is `{formula}` in synapt-safety but "
                f"`{SPECS[spec][0]}` here; update SPECS"
            )
        self.env_id = env_id
        self.spec = spec
        self.env = gym.make(env_id)
        self.actor = Actor(actor_path, isinstance(self.env.action_space, gym.spaces.Discrete))
        self.robustness = SPECS[spec][1]
        self.seed = seed
        self.box = BOXES[env_id]
        self.evaluations = []
        self.sim_seconds = 0.0

    def domain(self):
        return [{"name": n, "type": "continuous", "domain": (lo, hi)} for n, lo, hi in self.box]

    def episode(self, values):
        env = self.env
        env.reset(seed=self.seed)
        u = env.unwrapped
        if self.env_id.startswith("CartPole"):
            # The predecessor's CartpoleBO.py: assign the state after reset.
            u.state = np.array([float(v) for v in values], dtype=np.float64)
            obs = np.array(u.state, dtype=np.float32)
        elif self.env_id.startswith("LunarLander"):
            obs = lunar_perturb(u, values)
        else:
            c, s, thdot = (float(v) for v in values)
            u.state = np.array([math.atan2(s, c), thdot])
            obs = u._get_obs()
        observations = [[float(v) for v in obs]]
        ret, rets = 0.0, [0.0]
        while True:
            obs, r, terminated, truncated, _ = env.step(self.actor.act(obs))
            observations.append([float(v) for v in obs])
            ret += float(r)
            rets.append(ret)
            if terminated or truncated:
                break
        return self.robustness(observations, rets), ret, len(rets) - 1

    def __call__(self, X):
        out = []
        for x in np.atleast_2d(X):
            t = time.perf_counter()
            rob, ret, length = self.episode(x)
            self.sim_seconds += time.perf_counter() - t
            self.evaluations.append(
                {"values": [float(v) for v in x], "robustness": rob, "return": ret, "length": length}
            )
            out.append([rob])
        return np.array(out)


def run(env_id, actor, spec, formula, seed, init, max_iter):
    import GPyOpt

    t0 = time.perf_counter()
    f = Objective(env_id, actor, spec, formula, seed)
    np.random.seed(seed)
    bo = GPyOpt.methods.BayesianOptimization(
        f,
        f.domain(),
        acquisition_type="EI",
        exact_feval=True,
        de_duplication=True,
        initial_design_numdata=init,
    )
    bo.run_optimization(max_iter=max_iter, eps=1e-6)
    out = result(f"GPyOpt {GPyOpt.__version__}", f, time.perf_counter() - t0)
    out["init_points"] = init
    out["iterations"] = len(f.evaluations) - init
    out["robustness"] = [e["robustness"] for e in f.evaluations]
    return out


def result(tool, f, wall):
    """What every campaign reports: its wall and simulation time, failures, the first, the minimum."""
    evals = f.evaluations
    failures = [i for i, e in enumerate(evals) if e["robustness"] < 0]
    return {
        "tool": tool,
        "env": f.env_id,
        "spec": f.spec,
        "seed": f.seed,
        "wall_seconds": wall,
        "simulation_seconds": f.sim_seconds,
        "evaluations": len(evals),
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
        "min_robustness": min(e["robustness"] for e in evals),
        "points": [e["values"] for e in evals],
    }


def run_random(env_id, actor, spec, formula, seed, init, max_iter):
    t0 = time.perf_counter()
    f = Objective(env_id, actor, spec, formula, seed)
    np.random.seed(seed)
    lo = np.array([b[1] for b in f.box])
    hi = np.array([b[2] for b in f.box])
    f(lo + (hi - lo) * np.random.uniform(size=(init + max_iter, len(f.box))))
    return result(f"NumPy {np.__version__} uniform", f, time.perf_counter() - t0)


def check(env_id, actor, spec, formula, points_path):
    with open(points_path) as fh:
        pts = json.load(fh)
    out = []
    for p in pts:
        f = Objective(env_id, actor, spec, formula, int(p["seed"]))
        rob, ret, length = f.episode(p["values"])
        out.append({"robustness": rob, "return": ret, "length": length})
    return {"evaluations": out}


def versions():
    import GPy
    import GPyOpt
    import scipy

    return {
        "python": sys.version.split()[0],
        "GPyOpt": GPyOpt.__version__,
        "GPy": GPy.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "gymnasium": gym.__version__,
    }


def main(argv):
    if len(argv) >= 1 and argv[0] == "versions":
        print(json.dumps(versions()))
        return
    if len(argv) >= 6 and argv[0] in ("run", "random"):
        opts = {"--init": 5, "--max-iter": 200}
        rest = argv[6:]
        for k, v in zip(rest[::2], rest[1::2]):
            opts[k] = int(v)
        search = run if argv[0] == "run" else run_random
        print(json.dumps(search(argv[1], argv[2], argv[3], argv[4], int(argv[5]), opts["--init"], opts["--max-iter"])))
        return
    if len(argv) == 6 and argv[0] == "check":
        print(json.dumps(check(*argv[1:6])))
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
