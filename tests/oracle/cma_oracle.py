"""The oracle of tests/cma_oracle.rs: PyPI `cmaes` 0.13 (CyberAgent) run for G generations.

Prints JSON: the constants (weights, mu_eff, c_sigma, d_sigma, cc, c1, cmu), the initial mean, and per
generation the eigendecomposition B, D the candidates were drawn with, for each candidate the standard
normal vector z of its last draw (the accepted one, or the clipped one under bounds), the candidates,
their fitness, and the mean, sigma and C after `tell`.

usage: cma_oracle.py N SEED POPSIZE(0: default) SIGMA0 OBJECTIVE GENERATIONS MODE(full|sep) [LOW HIGH]
"""
import json
import sys

import numpy as np
from cmaes import CMA, SepCMA


def sphere(x):
    return float(np.sum(x * x))


def rosenbrock(x):
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


def rastrigin(x):
    return float(10.0 * len(x) + np.sum(x * x - 10.0 * np.cos(2.0 * np.pi * x)))


class Recording:
    """NumPy's RandomState, remembering the last vector of normals it gave."""

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)
        self.last = None

    def randn(self, n):
        self.last = self.rng.randn(n)
        return self.last


def main():
    n, seed, popsize = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    sigma0, objective, gens, mode = float(sys.argv[4]), sys.argv[5], int(sys.argv[6]), sys.argv[7]
    f = {"sphere": sphere, "rosenbrock": rosenbrock, "rastrigin": rastrigin}[objective]
    bounds = None
    if len(sys.argv) > 8:
        bounds = np.array([[float(sys.argv[8]), float(sys.argv[9])]] * n)
    if bounds is None:
        mean0 = np.random.RandomState(seed + 1000).uniform(-1.0, 1.0, n)
    else:
        mean0 = np.random.RandomState(seed + 1000).uniform(bounds[:, 0], bounds[:, 1])
    cls = CMA if mode == "full" else SepCMA
    opt = cls(mean=mean0.copy(), sigma=sigma0, bounds=bounds, seed=seed,
              population_size=popsize if popsize > 0 else None)
    opt._rng = Recording(seed)
    out = {
        "mean0": mean0.tolist(), "popsize": opt.population_size, "mu": opt._mu,
        "weights": np.asarray(opt._weights).tolist(), "mu_eff": float(opt._mu_eff),
        "c_sigma": float(opt._c_sigma), "d_sigma": float(opt._d_sigma), "cc": float(opt._cc),
        "c1": float(opt._c1), "cmu": float(opt._cmu), "generations": [],
    }
    for _ in range(gens):
        zs, xs = [], []
        for _ in range(opt.population_size):
            x = opt.ask()
            zs.append(opt._rng.last.tolist())
            xs.append(x.tolist())
        if mode == "full":
            b, d = opt._B.tolist(), opt._D.tolist()
        else:
            b, d = None, opt._D.tolist()
        fs = [f(np.array(x)) for x in xs]
        opt.tell([(np.array(x), v) for x, v in zip(xs, fs)])
        c = opt._C
        out["generations"].append({
            "b": b, "d": d, "z": zs, "x": xs, "f": fs,
            "mean": opt._mean.tolist(), "sigma": float(opt._sigma), "c": c.tolist(),
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
