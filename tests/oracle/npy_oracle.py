"""NumPy side of tests/npy_numpy.rs and tests/npy_cli.rs: elite populations as Synaptolysis saves them
(np.save of a (K, n_layers) object array of weight matrices), written and read by real NumPy.

    save DIR          write the fixture files below into DIR with np.save; print what they hold
    load FILE         np.load(FILE, allow_pickle=True); print what it holds
    resave IN OUT     np.save(OUT, np.load(IN, allow_pickle=True)): the bytes this NumPy writes
    act FILE K D OBS  member K's actions for the observations OBS (a JSON list of lists), computed as
                      the authors' PruneableAgent.get_action does (D = 1: discrete)

Printed JSON: {"numpy": version, "files": {name: population}} for save, a population for load, where a
population is {"shape", "dtype", "fortran", "members": [[{"rows", "cols", "dtype", "bits"}]]} and `bits`
is the hex of the little-endian float64 values in row-major order, so the Rust side compares exactly.
"""

import json
import pickle
import sys

import numpy as np

K = 33


def objects(members, order="C"):
    """A (K, L) object array of the members' matrices, as np.save(list_of_lists) made it in NumPy 1.17."""
    pop = np.empty((len(members), len(members[0])), dtype=object)
    for k, m in enumerate(members):
        for l, w in enumerate(m):
            pop[k, l] = w
    return np.asfortranarray(pop) if order == "F" else pop


def fixtures(rng):
    masks = [
        [(rng.random((5, 32)) > 0.3).astype(np.float64), (rng.random((32, 1)) > 0.3).astype(np.float64)]
        for _ in range(K)
    ]
    # The authors' elite_pop[0] is the best agent, the same list object as the member it was copied
    # from: one pickled array referenced twice (memo).
    masks[1] = masks[0]
    cma = [[rng.standard_normal((5, 32)), rng.standard_normal((32, 1))] for _ in range(K)]
    f32 = [[rng.standard_normal((5, 32)).astype(np.float32), rng.standard_normal((32, 1)).astype(np.float32)]
           for _ in range(3)]
    fortran = [[np.asfortranarray(rng.standard_normal((5, 32))), np.asfortranarray(rng.standard_normal((32, 3)))]
               for _ in range(4)]
    mixed = [
        [rng.random((5, 32)) > 0.5, rng.integers(-3, 4, (32, 1)).astype(np.int64)],
        [rng.standard_normal((5, 32)).astype(">f8"), rng.integers(0, 2, (32, 1)).astype(np.uint8)],
    ]
    files = {
        "masks.npy": objects(masks),
        "cma.npy": objects(cma),
        "float32.npy": objects(f32),
        "fortran.npy": objects(fortran, "F"),
        "mixed.npy": objects(mixed),
        # Members of different depths: NumPy makes a (K,) array of lists.
        "ragged.npy": np.array(
            [[rng.standard_normal((5, 8)), rng.standard_normal((8, 1))],
             [rng.standard_normal((5, 8)), rng.standard_normal((8, 8)), rng.standard_normal((8, 1))]],
            dtype=object,
        ),
        # Every layer the same shape: NumPy makes a plain (K, L, R, C) array.
        "numeric.npy": np.array([[rng.standard_normal((4, 4)) for _ in range(2)] for _ in range(3)]),
    }
    return files, objects(cma[:5])


def describe_matrix(w):
    w = np.asarray(w)
    return {
        "rows": int(w.shape[0]),
        "cols": int(w.shape[1]),
        "dtype": w.dtype.str,
        "bits": np.ascontiguousarray(w, dtype="<f8").tobytes().hex(),
    }


def describe(arr):
    if arr.dtype == object and arr.ndim == 2:
        members = [[describe_matrix(arr[k, l]) for l in range(arr.shape[1])] for k in range(arr.shape[0])]
    elif arr.dtype == object:
        members = [[describe_matrix(w) for w in m] for m in arr]
    else:
        members = [[describe_matrix(w) for w in m] for m in arr]
    return {
        "shape": list(arr.shape),
        "dtype": str(arr.dtype),
        "fortran": bool(arr.flags.f_contiguous and not arr.flags.c_contiguous),
        "members": members,
    }


def sigmoid(x):
    return np.exp(x) / (1 + np.exp(x))


def softmax(x):
    x = x - np.max(x)
    return np.exp(x) / np.sum(np.exp(x))


def act(member, obs, discrete):
    """PruneableAgent.get_action of synaptolytic-learning (by = -0.0, scaler = 1.0)."""
    x = np.asarray(obs, dtype=np.float64)
    for w in member[:-1]:
        x = np.tanh(np.matmul(x, w))
    if discrete:
        return int(np.argmax(softmax(sigmoid(-0.0 + np.matmul(x, member[-1])))))
    return np.tanh(-0.0 + np.matmul(x, member[-1])).tolist()


def main():
    cmd = sys.argv[1]
    if cmd == "save":
        out = sys.argv[2]
        files, proto5 = fixtures(np.random.default_rng(7))
        described = {}
        for name, arr in files.items():
            np.save(f"{out}/{name}", arr, allow_pickle=True)
            described[name] = describe(np.load(f"{out}/{name}", allow_pickle=True))
        # Protocol 5 (what np.save would write if it moved to it): arrays through _frombuffer.
        with open(f"{out}/proto5.npy", "wb") as f:
            np.lib.format.write_array_header_1_0(
                f, {"descr": "|O", "fortran_order": False, "shape": proto5.shape})
            pickle.dump(proto5, f, protocol=5)
        described["proto5.npy"] = describe(proto5)
        print(json.dumps({"numpy": np.__version__, "files": described}))
    elif cmd == "load":
        print(json.dumps(describe(np.load(sys.argv[2], allow_pickle=True))))
    elif cmd == "act":
        pop = np.load(sys.argv[2], allow_pickle=True)
        member = pop[int(sys.argv[3])]
        discrete = sys.argv[4] == "1"
        print(json.dumps([act(member, o, discrete) for o in json.loads(sys.argv[5])]))
    elif cmd == "resave":
        np.save(sys.argv[3], np.load(sys.argv[2], allow_pickle=True), allow_pickle=True)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
