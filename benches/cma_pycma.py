"""The pycma side of `cargo bench --bench cma`: evaluations until the best f < 1e-8 (or the cap) on
sphere, Rosenbrock and Rastrigin, one run per seed, pycma 4.x with its defaults (λ = 4 + ⌊3 ln n⌋;
400 on Rastrigin).

usage: cma_pycma.py N RUNS CAP; prints JSON {function: [evaluations or null, ...]}.
"""
import json
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
import cma  # noqa: E402

FUNCS = {
    # name: (f, x0 in every coordinate, sigma0, popsize (None: the default))
    "sphere": (lambda x: float(np.sum(x * x)), 3.0, 2.0, None),
    "rosenbrock": (lambda x: float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)), 0.0, 0.5,
                   None),
    # The default λ = 10 almost never finds Rastrigin's global minimum (λ = 100, σ0 = 2: 3 and 6 runs in
    # 21); λ = 400 with σ0 = 3 mostly does.
    "rastrigin": (lambda x: float(10.0 * len(x) + np.sum(x * x - 10.0 * np.cos(2.0 * np.pi * x))), 3.0, 3.0,
                  400),
}


def main():
    n, runs, cap = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    out = {}
    for name, (f, x0, sigma0, popsize) in FUNCS.items():
        evals = []
        for seed in range(runs):
            es = cma.CMAEvolutionStrategy(n * [x0], sigma0, {"seed": seed + 1, "verbose": -9, "tolfun": 0,
                                                              "tolx": 0, "tolfunhist": 0, "tolstagnation": 1e9,
                                                              "tolflatfitness": 1e9, "maxfevals": cap,
                                                              "popsize": popsize or "4 + 3 * np.log(N)"})
            used, hit = 0, None
            while used < cap:
                xs = es.ask()
                fs = [f(np.asarray(x)) for x in xs]
                used += len(xs)
                if min(fs) < 1e-8:
                    hit = used
                    break
                es.tell(xs, fs)
                if es.stop() and "maxfevals" not in es.stop():
                    break
            evals.append(hit)
        out[name] = evals
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
