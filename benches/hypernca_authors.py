"""The authors' side of `cargo bench --bench hypernca`: HyperNCA's training loop as enajx/HyperNCA's
train_NCA.py and fitness_functions.fitnessRL run it (restated, not copied), on this machine:

- pycma's CMAEvolutionStrategy(x0 ~ U[-1, 1], sigma 0.1, popsize 64), ask/tell, candidates evaluated in
  a multiprocessing pool of PROCESSES (their EvalParallel2 over the physical cores);
- every evaluation builds, as theirs does, the environment (gym.make: Gymnasium's LunarLander-v3, the
  v2 of gym 0.23 being gone), the NCA (the PyTorch statement in tests/oracle/hypernca_nca.py) and the
  MLP, loads the vector, grows NCA_steps steps, and runs one episode with their early-stop rules and an
  unseeded environment;
- torch float64, one torch thread per process, as their script sets.

usage: hypernca_authors.py GENERATIONS PROCESSES  ->  JSON {generations, wall_s, steps, growth_us,
reward_mean, reward_best (per generation), sigma}
"""
import json
import multiprocessing as mp
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "oracle"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

import cma  # noqa: E402
import gymnasium as gym  # noqa: E402
from hypernca_nca import Nca, step  # noqa: E402

C, L, S, D, STEPS, ACT = 2, 5, 8, 4, 20, 4
RULE = {"living_threshold": 0, "living_channel": 1, "normalise": True, "replace": False, "out_rows": ACT}
SEED = 2 * torch.rand(1, C, L, S, S) - 1
SEED[:, :, -1, ACT:, :] = 0.0


def mlp():
    layers = [torch.nn.Linear(S, S, bias=False), torch.nn.Tanh()]
    for _ in range(L - 2):
        layers += [torch.nn.Linear(S, S, bias=False), torch.nn.Tanh()]
    layers.append(torch.nn.Linear(S, ACT, bias=False))
    return torch.nn.Sequential(*layers)


def grow(params):
    nca = Nca(C, D, True)
    n = sum(p.numel() for p in nca.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(params[:n]), nca.parameters())
    x = SEED.clone()
    for _ in range(STEPS):
        x = step(nca, x, RULE)
    return x


def fitness(params):
    with torch.no_grad():
        env = gym.make("LunarLander-v3")
        grid = grow(params)
        p = mlp()
        for i in range(L):
            w = grid[0][0][i][:ACT, :] if i == L - 1 else grid[0][0][i]
            p[2 * i].weight = torch.nn.Parameter(w, requires_grad=False)
        if torch.sum(abs(grid[0])) == 0:
            return np.inf, 0
        obs, _ = env.reset()
        t, low, rew = 0, 0, 0.0
        while True:
            out = p(torch.tensor(obs.astype(np.float64)))
            obs, reward, terminated, truncated, _ = env.step(int(np.argmax(out.numpy())))
            rew += reward
            if t > 100:
                low = low + 1 if reward < 0.01 else 0
                if terminated or truncated or low > 50:
                    break
            t += 1
        env.close()
        return -rew, t + 1


def main():
    gens, procs = int(sys.argv[1]), int(sys.argv[2])
    n = sum(p.numel() for p in Nca(C, D, True).parameters())
    x0 = 2 * np.random.rand(n) - 1
    # Growth alone.
    t0 = time.perf_counter()
    for _ in range(200):
        grow(x0)
    growth_us = (time.perf_counter() - t0) / 200 * 1e6
    es = cma.CMAEvolutionStrategy(x0, 0.1, {"popsize": 64, "verbose": -9, "seed": 1})
    steps = 0
    means, best = [], []
    start = time.perf_counter()
    with mp.Pool(procs) as pool:
        for _ in range(gens):
            xs = es.ask()
            res = pool.map(fitness, xs)
            es.tell(xs, [r[0] for r in res])
            steps += sum(r[1] for r in res)
            # Their two curves: the population's mean reward and the best ever (es.best.f), negated back.
            means.append(-float(np.mean([r[0] for r in res])))
            best.append(-float(es.best.f))
    wall = time.perf_counter() - start
    print(json.dumps({"generations": gens, "wall_s": wall, "steps": steps, "growth_us": growth_us,
                      "reward_mean": means, "reward_best": best, "sigma": float(es.sigma)}))


if __name__ == "__main__":
    main()
