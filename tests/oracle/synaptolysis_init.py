"""The initial populations of Synaptolysis's learners as NumPy draws them, for tests/train_synaptolysis.rs.

Usage: synaptolysis_init.py METHOD SEED POPULATION RATE SIZES...   (SIZES: the layer widths, e.g. 5 32 1)

The authors' scripts call `np.random.seed(seed)` when they build the population; the mask learners then
start from all-ones layers (inputs x outputs) and keep each entry where `np.random.random(shape) > rate`
(individual by individual, layer by layer); the CMA baseline draws every layer of every individual from
`np.random.multivariate_normal(zeros(n), eye(n))`, reshaped to (inputs, outputs). Prints JSON: a list of
individuals, each a list of flattened layers.
"""
import json
import sys

import numpy as np


def main():
    method, seed, population, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    sizes = [int(s) for s in sys.argv[5:]]
    shapes = list(zip(sizes[:-1], sizes[1:]))
    np.random.seed(seed)
    pop = []
    for _ in range(population):
        layers = []
        for rows, cols in shapes:
            if method == "simple-cma":
                n = rows * cols
                layer = np.random.multivariate_normal(np.zeros(n), np.eye(n)).reshape(rows, cols)
            else:
                layer = np.ones((rows, cols)) * (np.random.random((rows, cols)) > rate)
            layers.append(layer.ravel().tolist())
        pop.append(layers)
    json.dump(pop, sys.stdout)


if __name__ == "__main__":
    main()
