"""The Python side of `cargo bench --bench prune_sweep`: PruVer's sweep done the PruVer way.

For each k: prune.py's rule with SciPy (dense ranks of |W| per layer), torch.save the pruned actor,
then evaluate it over the episodes in Gymnasium (float64 forward passes, as synapt-safety computes).
Prints one JSON object: the wall time (no interpreter start-up counted) and the mean return per k.

    python prune_sweep_python.py TESTS_ORACLE_DIR ACTOR EPISODES K [K ...]
"""

import json
import os
import sys
import tempfile
import time

import numpy as np
import scipy.stats
import torch

sys.path.insert(0, sys.argv[1])  # tests/oracle
from torch_actors import run_episodes  # noqa: E402

actor_path, episodes, ks = sys.argv[2], int(sys.argv[3]), [float(k) for k in sys.argv[4:]]
torch.set_num_threads(1)


class Args:
    env, seed, float64 = "CartPole-v1", 0, True


Args.episodes = episodes
start = time.perf_counter()
means = {}
with tempfile.TemporaryDirectory() as tmp:
    for k in ks:
        sd = torch.load(actor_path)
        for name, t in sd.items():
            if name.endswith(".weight"):
                w = t.numpy()
                rank = scipy.stats.rankdata(np.abs(w), method="dense").reshape(w.shape) - 1
                w[rank <= np.ceil(np.max(rank) * k)] = 0
        Args.actor = os.path.join(tmp, f"actor_{k}.pth")
        torch.save(sd, Args.actor)
        eps = run_episodes(Args)
        means[str(k)] = sum(e["return"] for e in eps) / len(eps)
print(json.dumps({"seconds": time.perf_counter() - start, "means": means}))
