"""PruVer's pipeline in Python, stage by stage, timed on this machine beside `--reproduce`.

    bash benches/python_pipeline.sh [--runs N]

CartPole-v0, as `synapt-safety --reproduce` runs it (src/reproduce.rs), with the same inputs and
budgets, each stage the Python way (PyTorch 2.13 + Gymnasium 1.4 + SciPy, and GPyOpt 1.2.6 for BO):

- sweep: for each k of PruVer's figure (0.5 … 0.95, 0.96 … 0.99), prune.py's rule with SciPy,
  torch.save, and 100 deterministic episodes in Gymnasium;
- prune: k = 0.78, torch.save;
- falsify: for each specification (position, upright, return_nonnegative), GPyOpt BO as PruVer's
  predecessor calls it and uniform random sampling, 5 + 200 evaluations each, --runs seeds (the
  reproduction runs 10; with fewer, the table also shows the time scaled to 10);
- refine: PruVer's refinement in PyTorch + Gymnasium (tests/oracle/refine_oracle.py) against the
  first runs' `upright` failures that `--reproduce` recorded (BO then random, at most 100, evenly
  spaced, as `--reproduce` does);
- re-falsify: one BO and one random campaign of `upright` against the dense and the refined actor;
- evaluate: 100 deterministic episodes of the dense, pruned and refined actors;
- visualize: PruVer's visualize.py heatmaps (matplotlib `imshow(|W|)` of each weight matrix as a
  1×N row, `rainbow`, zeros white), saved as PNG, for the three actors.

GPyOpt needs NumPy < 2, so BO, random sampling and the figures run in the GPyOpt environment
(benches/gpyopt_setup.sh) on the actors exported as JSON; each reports its own wall time, interpreter
start-up and imports excluded. The rest runs here, timed in-process. Our figures come from
Graph/reproduce/timing.csv, which `--reproduce` wrote on this machine.

Prints a table and one JSON line (`--json`).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))

ENV = "CartPole-v0"
K = 0.78
SWEEP = [i / 20 for i in range(10, 20)] + [0.96, 0.97, 0.98, 0.99]
SPECS = {
    "position": "always(abs(x) <= 2.4)",
    "upright": "always(abs(theta) <= 0.2)",
    "return_nonnegative": "at_end(return >= 0)",
}
REFINE_SPEC = ("upright", "theta", "0.2")
EPISODES = 100
FULL_RUNS = 10
MAX_FAILURES = 100
DENSE = os.path.join(ROOT, "Policies", f"ppo_actor{ENV}.pth")
FAILURES = os.path.join(ROOT, "Failure_Trajectories", f"{ENV}_ppo_actor{ENV}_{K}_upright_{{}}.csv")
TIMING = os.path.join(ROOT, "Graph", "reproduce", "timing.csv")


def prune(sd, k):
    """PruVer's prune.py: per weight matrix, zero every weight whose dense rank of |W| is ≤ ⌈max·k⌉."""
    import scipy.stats

    sd = {n: t.clone() for n, t in sd.items()}
    for name, t in sd.items():
        if name.endswith(".weight"):
            w = t.numpy()
            rank = scipy.stats.rankdata(np.abs(w), method="dense").reshape(w.shape) - 1
            w[rank <= np.ceil(np.max(rank) * k)] = 0
    return sd


def evaluate(path):
    from torch_actors import run_episodes

    class Args:
        env, seed, float64, episodes, actor = ENV, 0, True, EPISODES, path

    eps = run_episodes(Args)
    return sum(e["return"] for e in eps) / len(eps)


def to_json(sd, path):
    n = len(sd) // 2
    layers = [
        {"weight": sd[f"layer{i}.weight"].double().tolist(), "bias": sd[f"layer{i}.bias"].double().tolist()}
        for i in range(1, n + 1)
    ]
    with open(path, "w") as f:
        json.dump({"layers": layers}, f)


def gpyopt(py, mode, actor_json, spec, seed):
    out = subprocess.run(
        [py, os.path.join(ROOT, "benches", "falsify_gpyopt.py"), mode, ENV, actor_json, spec, SPECS[spec], str(seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def campaigns(py, actor_json, specs, runs):
    """Wall seconds of BO and random campaigns, each spec, seeds 0 … runs − 1; failures per method."""
    seconds, found = 0.0, {"run": 0, "random": 0}
    for spec in specs:
        for mode in ("run", "random"):
            for seed in range(runs):
                r = gpyopt(py, mode, actor_json, spec, seed)
                seconds += r["wall_seconds"]
                if seed == 0:
                    found[mode] += r["failures"]
    return seconds, found


def secs(s):
    """Seconds with as many decimals as they need: 3431, 49.6, 0.002."""
    return f"{s:.0f}" if s >= 100 else f"{s:.1f}" if s >= 1 else f"{s:.3f}"


def our_timing():
    with open(TIMING, newline="") as f:
        for row in csv.DictReader(f):
            if row["env"] == ENV:
                return {k: float(v) for k, v in row.items() if k != "env" and v != ""}
    raise SystemExit(f"python_pipeline.py: no {ENV} row in {TIMING}: run `synapt-safety --reproduce` first")


def main():
    import torch

    torch.set_num_threads(1)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gpyopt-python", required=True, help="the GPyOpt environment's python")
    ap.add_argument("--runs", type=int, default=1, help="seeds per falsification campaign (10 in --reproduce)")
    ap.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    args = ap.parse_args()
    if args.runs < 1:
        raise SystemExit("python_pipeline.py: --runs takes a positive integer")
    for m in ("bo", "random"):
        if not os.path.exists(FAILURES.format(m)):
            raise SystemExit(
                f"python_pipeline.py: {FAILURES.format(m)} is missing: run `synapt-safety --reproduce` first"
            )
    ours = our_timing()
    py = args.gpyopt_python
    t_ = {}
    with tempfile.TemporaryDirectory() as tmp:
        dense = torch.load(DENSE)

        t = time.perf_counter()
        sweep = {}
        for k in SWEEP:
            path = os.path.join(tmp, f"actor_{k}.pth")
            torch.save(prune(dense, k), path)
            sweep[k] = evaluate(path)
        t_["sweep"] = time.perf_counter() - t

        t = time.perf_counter()
        pruned = prune(dense, K)
        pruned_path = os.path.join(tmp, f"ppo_actor{ENV}_{K}.pth")
        torch.save(pruned, pruned_path)
        t_["prune"] = time.perf_counter() - t

        jsons = {}
        for name, sd in (("dense", dense), ("pruned", pruned)):
            jsons[name] = os.path.join(tmp, f"{name}.json")
            to_json(sd, jsons[name])

        falsify_s, found_pruned = campaigns(py, jsons["pruned"], list(SPECS), args.runs)
        t_["falsify"] = falsify_s

        t = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                os.path.join(ROOT, "tests", "oracle", "refine_oracle.py"),
                "--env", ENV, "--dense", DENSE, "--pruned", pruned_path,
                "--failures", FAILURES.format("bo"), "--failures", FAILURES.format("random"),
                "--spec-var", REFINE_SPEC[1], "--spec-bound", REFINE_SPEC[2],
                "--max-failures", str(MAX_FAILURES),
            ],
            check=True, capture_output=True, text=True,
        )
        refine = json.loads(out.stdout)
        t_["refine"] = sum(refine["seconds"].values())
        refined = {n: v.clone() for n, v in pruned.items()}
        for l, idx in enumerate(refine["restored"], start=1):
            w, dw = refined[f"layer{l}.weight"].view(-1), dense[f"layer{l}.weight"].view(-1)
            w[idx] = dw[idx]
        refined_path = os.path.join(tmp, f"ppo_actor_refined{ENV}.pth")
        torch.save(refined, refined_path)
        jsons["refined"] = os.path.join(tmp, "refined.json")
        to_json(refined, jsons["refined"])

        s_dense, found_dense = campaigns(py, jsons["dense"], [REFINE_SPEC[0]], 1)
        s_refined, found_refined = campaigns(py, jsons["refined"], [REFINE_SPEC[0]], 1)
        t_["refalsify"] = s_dense + s_refined

        t = time.perf_counter()
        returns = {n: evaluate(p) for n, p in (("dense", DENSE), ("pruned", pruned_path), ("refined", refined_path))}
        t_["evaluate"] = time.perf_counter() - t

        out = subprocess.run(
            [py, os.path.abspath(__file__), "visualize", tmp] + [jsons[n] for n in ("dense", "pruned", "refined")],
            check=True, capture_output=True, text=True,
        )
        t_["visualize"] = json.loads(out.stdout)["seconds"]

    rows = [
        ("sweep", f"{len(SWEEP)} k × {EPISODES} episodes", "sweep_s"),
        ("prune", f"k = {K}", "prune_s"),
        ("falsify", f"{len(SPECS)} specs × BO, random × {args.runs} run(s)", "falsify_s"),
        ("refine", f"{refine['failures']} failures, {sum(refine['restored_counts'])} restored", "refine_s"),
        ("re-falsify", "BO, random × dense, refined", "refalsify_s"),
        ("evaluate", f"3 actors × {EPISODES} episodes", "evaluate_s"),
        ("visualize", "3 actors × 3 heatmaps", "visualize_s"),
    ]
    print(f"PruVer's pipeline on {ENV}: Python (PyTorch + Gymnasium + GPyOpt) beside synapt-safety --reproduce")
    print()
    print("| stage | work | synapt-safety s | Python s | speed-up |")
    print("|---|---|---:|---:|---:|")
    total_ours = total_py = 0.0
    for stage, work, key in rows:
        py_s = t_[stage.replace("-", "")]
        our_s = ours[key]
        if stage == "falsify" and args.runs < FULL_RUNS:
            scaled = py_s * FULL_RUNS / args.runs
            work += f" (scaled to {FULL_RUNS}: {scaled:.0f} s)"
            py_s = scaled
        total_ours += our_s
        total_py += py_s
        print(f"| {stage} | {work} | {secs(our_s)} | {secs(py_s)} | {py_s / our_s:.0f}× |")
    print(f"| all | | {secs(total_ours)} | {secs(total_py)} | {total_py / total_ours:.0f}× |")
    print()
    print(
        f"Python's results: sweep {', '.join(f'{k}: {v:.1f}' for k, v in sweep.items())}; "
        f"failures found (first runs, BO / random) pruned {found_pruned['run']} / {found_pruned['random']}, "
        f"dense {found_dense['run']} / {found_dense['random']}, refined {found_refined['run']} / "
        f"{found_refined['random']}; refinement fixed {refine['fixed']}/{refine['failures']}, restored "
        f"{' / '.join(str(c) for c in refine['restored_counts'])}; returns "
        + ", ".join(f"{n} {v:.1f}" for n, v in returns.items())
    )
    if args.json:
        print(json.dumps({"python_seconds": t_, "ours_seconds": ours, "runs": args.runs}))


def visualize(out_dir, paths):
    """PruVer's visualize.py, saved instead of shown (runs in the GPyOpt environment: matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = time.perf_counter()
    for path in paths:
        with open(path) as f:
            layers = json.load(f)["layers"]
        for i, layer in enumerate(layers, start=1):
            w = np.abs(np.asarray(layer["weight"]).reshape(1, -1))
            cmap = plt.get_cmap("rainbow").copy()
            cmap.set_under("w")
            fig, ax = plt.subplots()
            im = ax.imshow(w, cmap=cmap, vmin=1e-26, aspect="auto")
            fig.colorbar(im)
            ax.set_title(f"layer{i}.weight")
            fig.savefig(os.path.join(out_dir, f"{os.path.basename(path)}_layer{i}.png"))
            plt.close(fig)
    print(json.dumps({"seconds": time.perf_counter() - t}))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "visualize":
        visualize(sys.argv[2], sys.argv[3:])
    else:
        main()
