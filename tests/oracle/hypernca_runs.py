"""HyperNCA run folders (enajx/HyperNCA's saved_models/<id>/) written with REAL torch, numpy, pickle and
PyYAML the way train_NCA.py writes them, for tests/hypernca_runs.rs.

Usage: hypernca_runs.py OUT_DIR        writes the folders under OUT_DIR, prints the expected values as
                                      JSON (floats also as their IEEE bit patterns, for bit-for-bit checks)
       hypernca_runs.py --load DIR     loads a folder written by write_run (np.load, yaml.safe_load) and
                                      prints what it holds as JSON

Written from the description of the layout, not from the authors' code.
"""

import datetime
import json
import os
import pickle
import struct
import sys

import numpy as np
import torch
import yaml


def bits(values):
    return [struct.unpack("<Q", struct.pack("<d", float(v)))[0] for v in values]


def n_params(c, d, bias):
    w = 81 * c + 3 * c * d + d * d + d * c
    return w + (3 * c + 2 * d + c if bias else 0)


def seed_tensor(rng, c, l, s, out_rows):
    # randomU2-like: uniform values; rows >= out_rows of the last layer zeroed (the action dimension).
    x = torch.from_numpy(rng.uniform(-1.0, 1.0, size=(1, c, l, s, s))).to(torch.float64)
    x[:, :, -1, out_rows:, :] = 0.0
    return x


def base_config(env, c, l, s, d, bias, seed_type):
    sizes = [l * s * s]  # one list object under two keys: PyYAML writes an anchor and an alias
    return {
        "environment": env,
        "popsize": 64,
        "generations": 10000,
        "NCA_channels": c,
        "living_channel_dim": 1,
        "NCA_steps": 20,
        "update_net_channel_dims": d,
        "batch_size": 1,
        "alpha_living_threshold": float("-inf"),
        "seed_type": seed_type,
        "random_seed": False,
        "plastic": False,
        "normalise": True,
        "replace": False,
        "NCA_dimension": 3,
        "reading_channel": 0,
        "size_substrate": s,
        "penalty_off_topology": False,
        "debugging": 0,
        "RANDOM_SEED": 68717,
        "random_seed_env": True,
        "co_evolve_seed": False,
        "NCA_MLP": False,
        "NCA_MLP_hidden": 8,
        "NCA_MLP_nb_layers": 3,
        "NCA_MLP_bias": True,
        "NCA_bias": bias,
        "neighborhood": "Moore",
        "seeds_size": [],
        "nb_envs": len(env),
        "policy_layers": l,
        "training time": "4720 seconds",
        "seed_size": c * l * s * s,
        "policies_sizes": sizes,
        "bits_per_seed": sizes,
    }


def save_run(folder, cfg, vec_len, rng, write_pickle=True, yml_seeds=True, write_best=True,
             write_mean=True, best_reward=335.7):
    os.makedirs(folder, exist_ok=True)
    if write_pickle:
        with open(os.path.join(folder, "nca.config"), "wb") as f:
            pickle.dump(cfg, f)
    ycfg = dict(cfg)
    ycfg["date"] = datetime.date(2022, 2, 21)
    ycfg["id"] = os.path.basename(folder)
    if not yml_seeds:
        ycfg.pop("seeds", None)
    with open(os.path.join(folder, "nca_config.yml"), "w") as f:
        yaml.dump(ycfg, f)
    mean = rng.normal(0.0, 0.3, size=vec_len)
    best = rng.normal(0.0, 0.3, size=vec_len)
    stem = str(cfg["environment"]) + "_pop_" + str(cfg["popsize"])
    if write_best:
        np.save(os.path.join(folder, stem + "__rew_" + str(int(best_reward)) + "_bestsolution.npy"), best)
    if write_mean:
        np.save(os.path.join(folder, stem + "_meansolution.npy"), mean)
    rb = -np.cumsum(rng.uniform(0, 10, size=7))
    rm = rb * 0.5
    np.save(os.path.join(folder, "rewards_best.npy"), rb)
    np.save(os.path.join(folder, "rewards_mean.npy"), rm)
    return {"mean": bits(mean), "best": bits(best), "rewards_best": bits(rb), "rewards_mean": bits(rm)}


def expected(cfg, seeds):
    return {
        "environments": cfg["environment"],
        "channels": cfg["NCA_channels"],
        "layers": cfg["policy_layers"],
        "size": cfg["size_substrate"],
        "hidden": cfg["update_net_channel_dims"],
        "bias": cfg["NCA_bias"],
        "steps": cfg["NCA_steps"],
        "metamorphosis_steps": cfg.get("metamorphosis_NCA_steps"),
        "reward_type": cfg.get("reward_type"),
        "seed_types": cfg["seed_type"] if isinstance(cfg["seed_type"], list) else [cfg["seed_type"]],
        "co_evolve_seed": cfg["co_evolve_seed"],
        "random_seed_value": cfg["RANDOM_SEED"],
        "popsize": cfg["popsize"],
        "generations": cfg["generations"],
        "seeds": [bits(s.flatten().tolist()) for s in seeds],
    }


def write_all(out):
    rng = np.random.default_rng(1645447353)
    runs = {}

    # Lander-like, NCA_bias: 226 parameters.
    cfg = base_config(["LunarLander-v2"], 2, 5, 8, 4, True, ["randomU2"])
    seeds = [seed_tensor(rng, 2, 5, 8, 4)]
    cfg["seeds"] = seeds
    files = save_run(os.path.join(out, "lander"), cfg, n_params(2, 4, True), rng)
    runs["lander"] = {"config": expected(cfg, seeds), **files}

    # No bias: 210 parameters; this version deleted `seeds` before writing the yml.
    cfg = base_config(["LunarLander-v2"], 2, 5, 8, 4, False, ["randomU2"])
    seeds = [seed_tensor(rng, 2, 5, 8, 4)]
    cfg["seeds"] = seeds
    files = save_run(os.path.join(out, "nobias"), cfg, n_params(2, 4, False), rng, yml_seeds=False)
    runs["nobias"] = {"config": expected(cfg, seeds), **files}

    # Metamorphosis branch: one `seed`, a seed_type string, a co-evolved seed after the NCA parameters.
    cfg = base_config(["AntBulletEnv-v0", "AntBulletEnv-v0"], 3, 4, 6, 5, True, "randomU2")
    del cfg["seeds_size"]
    seed = seed_tensor(rng, 3, 4, 6, 6)
    cfg["seed"] = seed
    cfg["metamorphosis_NCA_steps"] = 10
    cfg["reward_type"] = "min"
    cfg["co_evolve_seed"] = True
    cfg["seeds_size"] = [3 * 4 * 6 * 6]
    files = save_run(os.path.join(out, "meta"), cfg, n_params(3, 5, True) + 3 * 4 * 6 * 6, rng,
                     write_mean=False, best_reward=-12.5)
    runs["meta"] = {"config": expected(cfg, [seed]), **files}

    # yml only (no nca.config), only a best solution.
    cfg = base_config(["LunarLander-v2"], 2, 5, 8, 4, True, ["randomU2"])
    seeds = [seed_tensor(rng, 2, 5, 8, 4)]
    cfg["seeds"] = seeds
    files = save_run(os.path.join(out, "ymlonly"), cfg, n_params(2, 4, True), rng,
                     write_pickle=False, write_mean=False)
    runs["ymlonly"] = {"config": expected(cfg, seeds), **files}

    # A hostile nca.config: real pickle of an object whose reduce is os.system (STACK_GLOBAL + REDUCE).
    marker = os.path.join(out, "PWNED")

    class Evil:
        def __reduce__(self):
            return (os.system, ("touch " + marker,))

    cfg = base_config(["LunarLander-v2"], 2, 5, 8, 4, True, ["randomU2"])
    cfg["extra"] = Evil()
    os.makedirs(os.path.join(out, "hostile"), exist_ok=True)
    with open(os.path.join(out, "hostile", "nca.config"), "wb") as f:
        pickle.dump(cfg, f)
    np.save(os.path.join(out, "hostile", "x_meansolution.npy"), np.zeros(226))
    # The same in the yml (PyYAML's unsafe tag), in an unknown key.
    os.makedirs(os.path.join(out, "hostile_yml"), exist_ok=True)
    with open(os.path.join(out, "hostile_yml", "nca_config.yml"), "w") as f:
        yaml.dump(cfg, f)
    np.save(os.path.join(out, "hostile_yml", "x_meansolution.npy"), np.zeros(226))
    runs["marker"] = marker
    return runs


def load(folder):
    out = {}
    with open(os.path.join(folder, "nca_config.yml")) as f:
        cfg = yaml.safe_load(f)
    out["config"] = {k: v for k, v in cfg.items() if k != "seeds" and k != "seed"}
    if "alpha_living_threshold" in cfg:
        out["config"]["alpha_living_threshold"] = repr(cfg["alpha_living_threshold"])
    out["seeds"] = [bits(np.asarray(s, dtype=np.float64).flatten()) for s in cfg.get("seeds", [])]
    out["files"] = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".npy"):
            a = np.load(os.path.join(folder, name))
            out["files"][name] = {"dtype": str(a.dtype), "shape": list(a.shape), "bits": bits(a)}
    return out


if __name__ == "__main__":
    if sys.argv[1] == "--load":
        print(json.dumps(load(sys.argv[2]), default=str))
    else:
        print(json.dumps(write_all(sys.argv[1])))
