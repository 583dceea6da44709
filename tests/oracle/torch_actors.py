"""PyTorch + Gymnasium oracle for synapt-safety's `--test`.

Trains small actors in PyTorch (behaviour cloning of a hand-written controller: quick, deterministic and
good enough to give long, varied episodes), saves them as PruVer does (`torch.save(actor.state_dict())`),
and evaluates actors in Gymnasium exactly as `synapt-safety --test` does: episode i is
`reset(seed=seed + i)`, the action is the argmax (discrete) or the network output (continuous).

    python torch_actors.py train CartPole-v1 OUT.pth [--width 128] [--seed 0] [--double]
    python torch_actors.py evaluate CartPole-v1 ACTOR.pth --episodes 10 --seed 0 [--float64]  # JSON
    python torch_actors.py make-bad DIR     # state_dicts that are valid files but not usable actors
"""

import argparse
import json
import time

import gymnasium as gym
import numpy as np
import torch
from torch import nn


class FeedForwardActorNN(nn.Module):
    """PruVer's actor: layer1..layer3 Linear with ReLU between; softmax(dim=0) head when discrete."""

    def __init__(self, in_dim, out_dim, width=128, discrete=False):
        super().__init__()
        self.layer1 = nn.Linear(in_dim, width)
        self.layer2 = nn.Linear(width, width)
        self.layer3 = nn.Linear(width, out_dim)
        self.discrete = discrete

    def forward(self, obs):
        if isinstance(obs, np.ndarray):
            obs = torch.tensor(obs, dtype=self.layer1.weight.dtype)
        h = torch.relu(self.layer1(obs))
        h = torch.relu(self.layer2(h))
        out = self.layer3(h)
        return torch.softmax(out, dim=0) if self.discrete else out


def teacher(env_id, obs):
    """A hand-written controller to imitate."""
    if env_id.startswith("CartPole"):
        x, x_dot, th, th_dot = obs
        return int(th + 0.5 * th_dot + 0.05 * x + 0.1 * x_dot > 0)
    cos_th, sin_th, th_dot = obs
    # A smooth, saturating PD law. A bang-bang teacher would give an actor whose returns move by more
    # than 1e-3 under float32 rounding of its actions, in PyTorch itself from one CPU to another.
    return float(2.0 * np.tanh(-2.0 * sin_th - 0.5 * th_dot))


def act(actor, obs, discrete):
    with torch.no_grad():
        out = actor(obs)
    # Continuous actions go to the environment in the action space's dtype, float32.
    return int(torch.argmax(out).item()) if discrete else out.numpy().astype(np.float32)


def train(args):
    torch.manual_seed(args.seed)
    env = gym.make(args.env)
    discrete = isinstance(env.action_space, gym.spaces.Discrete)
    out_dim = env.action_space.n if discrete else env.action_space.shape[0]
    actor = FeedForwardActorNN(env.observation_space.shape[0], out_dim, args.width, discrete)
    if args.double:
        actor = actor.double()
    # States visited by the teacher, with small random exploration so the data covers recoveries.
    rng = np.random.default_rng(args.seed)
    states, targets = [], []
    for ep in range(40):
        obs, _ = env.reset(seed=10_000 + ep)
        done = False
        while not done:
            a = teacher(args.env, obs)
            states.append(obs)
            targets.append(a)
            if rng.random() < 0.2:
                a = env.action_space.sample() if discrete else rng.uniform(-2, 2, size=1).astype(np.float32)
            elif not discrete:
                a = np.array([a], dtype=np.float32)
            obs, _, term, trunc, _ = env.step(a)
            done = term or trunc
    dtype = actor.layer1.weight.dtype
    x = torch.tensor(np.array(states), dtype=dtype)
    opt = torch.optim.Adam(actor.parameters(), lr=1e-3)
    for _ in range(args.epochs):
        if discrete:
            logits = actor.layer3(torch.relu(actor.layer2(torch.relu(actor.layer1(x)))))
            loss = nn.functional.cross_entropy(logits, torch.tensor(targets))
        else:
            loss = nn.functional.mse_loss(actor(x).squeeze(-1), torch.tensor(targets, dtype=dtype))
        opt.zero_grad()
        loss.backward()
        opt.step()
    torch.save(actor.state_dict(), args.out)


def evaluate(args):
    start = time.perf_counter()
    episodes = run_episodes(args)
    if args.time:
        # Seconds of the evaluation loop alone (no interpreter start-up, no imports), for benchmarks.
        print(json.dumps({"seconds": time.perf_counter() - start, "steps": sum(e["length"] for e in episodes)}))
    else:
        print(json.dumps(episodes))


def run_episodes(args):
    env = gym.make(args.env)
    discrete = isinstance(env.action_space, gym.spaces.Discrete)
    sd = torch.load(args.actor)
    widths = [sd[f"layer{i}.weight"].shape[0] for i in (1, 2, 3)]
    actor = FeedForwardActorNN(env.observation_space.shape[0], widths[2], widths[0], discrete)
    if sd["layer1.weight"].dtype == torch.float64 or args.float64:
        # --float64: the same weights, evaluated in float64 arithmetic (as synapt-safety does).
        actor = actor.double()
    actor.load_state_dict(sd)
    episodes = []
    for i in range(args.episodes):
        obs, _ = env.reset(seed=args.seed + i)
        ret, length, done = 0.0, 0, False
        while not done:
            obs, reward, term, trunc, _ = env.step(act(actor, obs, discrete))
            ret += float(reward)
            length += 1
            done = term or trunc
        episodes.append({"seed": args.seed + i, "return": ret, "length": length, "terminated": bool(term)})
    return episodes


def make_bad(args):
    """Real torch.save files that must be refused, each for a reason the error has to name."""
    torch.manual_seed(0)
    good = FeedForwardActorNN(4, 2, 16, discrete=True).state_dict()
    bad = {
        "wrong_keys": {k.replace("layer", "fc"): v for k, v in good.items()},
        "missing_layer": {k: v for k, v in good.items() if not k.startswith("layer2")},
        "nan_weights": {k: (v.clone().fill_(float("nan")) if k == "layer2.weight" else v) for k, v in good.items()},
        "wrong_obs_size": FeedForwardActorNN(5, 2, 16, discrete=True).state_dict(),
        "not_a_state_dict": [1, 2, 3],
    }
    for name, obj in bad.items():
        torch.save(obj, f"{args.dir}/{name}.pth")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("env")
    t.add_argument("out")
    t.add_argument("--width", type=int, default=128)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--epochs", type=int, default=300)
    t.add_argument("--double", action="store_true")
    e = sub.add_parser("evaluate")
    e.add_argument("env")
    e.add_argument("actor")
    e.add_argument("--episodes", type=int, default=10)
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--float64", action="store_true")
    e.add_argument("--time", action="store_true", help="print the loop's wall time instead of the episodes")
    b = sub.add_parser("make-bad")
    b.add_argument("dir")
    args = p.parse_args()
    {"train": train, "evaluate": evaluate, "make-bad": make_bad}[args.cmd](args)


if __name__ == "__main__":
    main()
